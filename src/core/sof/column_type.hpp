// What a mart needs to know about a ViewDefinition column beyond the view: the FHIR type of a
// path without a "type" (inferred from the R4 element tables), and the start of the period a
// partial FHIR date or dateTime stands for (a typed time column holds it).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/fhir/r4_schema.hpp"
#include "core/fhirpath/fhirpath.hpp"

namespace hdl::sof {

// The static type of a path's result, as far as the R4 tables decide it: a type id (primitive,
// complex or resource), or kNoType. `context` is the type of $this where the path starts (the
// resource type, or the element a forEach iterates over).
fhir::r4::TypeId InferPathType(const fhirpath::Ast &path, fhir::r4::TypeId context);

// The FHIR primitive type name ("decimal", "boolean", "dateTime", "integer", ...) of a path's
// result, or "" when it is not decidable or not a primitive (complex values stay untyped).
std::string InferColumnType(const fhirpath::Ast &path, fhir::r4::TypeId context);

// True for a path whose result is the patient's key: it ends in getReferenceKey(Patient), or
// is getResourceKey() of a Patient view (a mart's default patient index, docs/marts.md).
bool IsPatientKeyPath(const fhirpath::Ast &path, std::string_view resource_type) noexcept;

// The start of the period a FHIR date or dateTime text stands for: "2019" -> 2019-01-01,
// "2019-05" -> 2019-05-01; a dateTime of date precision, or with a time but no offset, is taken
// at UTC. False for text that is no FHIR date/dateTime.
bool FhirDateStartDays(std::string_view text, int64_t &days_since_1970) noexcept;
bool FhirDateTimeStartMicros(std::string_view text, int64_t &micros_since_1970) noexcept;

// A mart column of FHIR type date or dateTime (not a collection, no postgres/ansi type tag) is
// a typed time column (SQL date or timestamptz, the start of the period) followed by the
// original FHIR text in the column "<name>_text" (docs/marts.md, "Column types").
bool IsTypedTimeType(std::string_view fhir_type) noexcept;
inline std::string
TimeTextColumnName(const std::string &name) {
	return name + "_text";
}

} // namespace hdl::sof

#include "core/cpp_only.hpp"
