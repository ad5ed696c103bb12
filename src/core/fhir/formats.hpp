// Hand-written checkers for the lexical formats of FHIR R4 primitive types. Each follows the
// regex of the type's StructureDefinition (quoted next to it in formats.cpp); no regex engine runs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/fhir/r4_schema.hpp"

namespace hdl::fhir {

bool IsValidId(std::string_view s) noexcept;
// YYYY, YYYY-MM or YYYY-MM-DD; the day must exist in that month.
bool IsValidDate(std::string_view s) noexcept;
// A date, or YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm|-hh:mm).
bool IsValidDateTime(std::string_view s) noexcept;
// YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm|-hh:mm), every part present.
bool IsValidInstant(std::string_view s) noexcept;
// hh:mm:ss[.fff]
bool IsValidTime(std::string_view s) noexcept;
// No leading, trailing or doubled whitespace; not empty.
bool IsValidCode(std::string_view s) noexcept;
// No whitespace, not empty (uri, url, canonical).
bool IsValidUri(std::string_view s) noexcept;
bool IsValidOid(std::string_view s) noexcept;  // urn:oid:1.2.3
bool IsValidUuid(std::string_view s) noexcept; // urn:uuid:<lower-case hex 8-4-4-4-12>
// Groups of four base64 characters, whitespace only between groups.
bool IsValidBase64(std::string_view s) noexcept;
// string and markdown: not empty, only space/tab/CR/LF as whitespace control characters.
bool IsValidString(std::string_view s) noexcept;
// The first character below U+0020 other than tab, CR and LF, or npos. FHIR R4 strings allow
// no other control characters ("Strings SHOULD not contain Unicode character points below 32,
// except for u0009, u000D and u000A"); hdl refuses them in every string-valued primitive.
size_t FindControlCharacter(std::string_view s) noexcept;
// FHIR R4 (datatypes.html#string): "Strings SHALL NOT exceed 1MB (1024*1024 characters) in size".
// Characters are Unicode code points of the decoded string (JSON escapes already undone, so
// "\u00e9" and a surrogate pair are one each), not bytes of its UTF-8 form nor UTF-16 units.
constexpr size_t kMaxStringCharacters = 1024 * 1024;
// True for string and the R4 primitives derived from it: code, id, markdown (their
// StructureDefinitions' baseDefinition is string). uri and its kinds, base64Binary, xhtml and the
// date/time kinds derive from Element, so the limit does not apply to them.
bool IsStringDerived(r4::Primitive kind) noexcept;
// The number of code points of UTF-8 text: its bytes that are not continuation bytes (10xxxxxx).
size_t CountCodePoints(std::string_view utf8) noexcept;
// A narrative: an XHTML <div> element.
bool IsValidXhtml(std::string_view s) noexcept;

// The string format check of a string-valued primitive kind; true for kinds with no format.
bool IsValidStringPrimitive(r4::Primitive kind, std::string_view s) noexcept;
// The range check of integer kinds (integer: 32-bit signed, positiveInt >= 1, unsignedInt >= 0).
bool IsValidIntegerValue(r4::Primitive kind, int64_t value) noexcept;

// "dateTime", "positiveInt", ...: the FHIR name of a primitive kind.
const char *PrimitiveName(r4::Primitive kind) noexcept;

} // namespace hdl::fhir

#include "core/cpp_only.hpp"
