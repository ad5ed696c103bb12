// Postgres JSONB's on-disk format, read and written in place without calling Postgres.
//
// Why here and not through Postgres's jsonb API: the engines walk documents while C++
// objects are alive, and every Postgres jsonb call can ereport (palloc). The format is
// stable across major versions (pg_upgrade keeps jsonb bytes), and src/pg/jsonb_check.cpp
// static_asserts these constants against Postgres's own headers at build time.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json/node.hpp"
#include "core/json/value.hpp"

namespace hdl::json::jsonb {

// Container header (JsonbContainer.header).
constexpr uint32_t CountMask = 0x0FFFFFFF;
constexpr uint32_t FlagScalar = 0x10000000;
constexpr uint32_t FlagObject = 0x20000000;
constexpr uint32_t FlagArray = 0x40000000;
// JEntry.
constexpr uint32_t EntryOffLenMask = 0x0FFFFFFF;
constexpr uint32_t EntryTypeMask = 0x70000000;
constexpr uint32_t EntryHasOff = 0x80000000;
constexpr uint32_t EntryString = 0x00000000;
constexpr uint32_t EntryNumeric = 0x10000000;
constexpr uint32_t EntryBoolFalse = 0x20000000;
constexpr uint32_t EntryBoolTrue = 0x30000000;
constexpr uint32_t EntryNull = 0x40000000;
constexpr uint32_t EntryContainer = 0x50000000;
constexpr uint32_t OffsetStride = 32;

// A Node over the root container of a detoasted jsonb datum: `root` points just past the
// varlena header (VARDATA), `length` is VARSIZE - VARHDRSZ.
Node FromRoot(const void *root, uint32_t length) noexcept;

// Serialises to a complete jsonb varlena (4-byte header included), ready to copy into palloc
// memory: the project's one JSONB writer, for values read in place (Node) and edited (Value).
// Throws hdl::Error(InvalidJson) for numbers Postgres's numeric cannot hold. Of an object's
// members with the same key the last is kept, as Postgres's jsonb_in does.
std::string Encode(const Node &value);
std::string Encode(const Value &value);

// Decimal text <-> Postgres numeric varlena (4-byte header), as numeric_in/numeric_out do.
std::string NumericToText(const void *numeric_varlena);
// The integer a numeric varlena holds, when it prints without a decimal point and fits int64
// (what parsing NumericToText's text with strtoll gives, without printing it).
bool NumericToInt64(const void *numeric_varlena, int64_t &out) noexcept;
std::string TextToNumeric(std::string_view text);

} // namespace hdl::json::jsonb

#include "core/cpp_only.hpp"
