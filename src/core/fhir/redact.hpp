// What of an error message about submitted content may reach the server log: every value hdl and
// Postgres quote ('...' or "...") is replaced by "?", so the line keeps what failed and where (the
// element path, the SQLSTATE) but not what the caller sent (docs/errors.md, "What reaches the
// log"). Messages must therefore quote every value they repeat. No allocation: the boundary calls
// it after a C++ error was caught, when nothing may throw.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace hdl::fhir {

// Writes the redacted text of in into out (at most size - 1 bytes and a NUL); returns its length.
// A quote opens only at the start or after a character that is not a letter or digit (so "it's"
// is not a quote); it closes at the next single quote of the same kind (a doubled one is part of
// the value, as Quoted writes it), or the end.
size_t RedactQuoted(std::string_view in, char *out, size_t size) noexcept;

// The same, as a string (core callers building log-safe text).
std::string RedactQuoted(std::string_view in);

// value between quote characters, each quote inside doubled ('it''s'), so that RedactQuoted
// finds where it ends whatever it holds.
std::string Quoted(std::string_view value, char quote = '"');

} // namespace hdl::fhir

#include "core/cpp_only.hpp"
