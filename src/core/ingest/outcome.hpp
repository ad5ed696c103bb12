// Problems found while ingesting, and their FHIR OperationOutcome form.
#pragma once
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json/value.hpp"

namespace hdl::ingest {

struct Problem {
	std::string severity = "error"; // error | warning
	std::string code;               // FHIR issue type: structure, required, value, not-supported, conflict, forbidden, ...
	std::string message;
	std::string expression;         // FHIRPath of the element, e.g. Bundle.entry[2].resource.subject
};

// ErrorKind of a failed entry: the most specific kind among its problems (forbidden, another
// source's record, before all others).
ErrorKind KindOf(const std::vector<Problem> &problems) noexcept;

hdl::json::Value ToOperationOutcome(const std::vector<Problem> &problems);

// The one-line message of an error made of problems, e.g.
// `FHIR validation failed: 2 problems, first at Patient.birthDate: invalid date "1990-13-01"`.
std::string Summary(const std::vector<Problem> &problems);

// Throws hdl::Error with KindOf(problems), Summary() as message and the OperationOutcome as detail.
[[noreturn]] void Fail(const std::vector<Problem> &problems);

} // namespace hdl::ingest

#include "core/cpp_only.hpp"
