// A validation result as a FHIR OperationOutcome resource.
#pragma once
#include "core/fhir/validator.hpp"
#include "core/json/value.hpp"

namespace hdl::fhir {

// {"resourceType":"OperationOutcome","issue":[{severity, code, diagnostics, expression:[...]}]}.
// A result with no issue gives one "information" issue saying the resource is valid; a truncated
// result ends with a "too-costly" warning.
json::Value ToOperationOutcome(const ValidationResult &result);

} // namespace hdl::fhir

#include "core/cpp_only.hpp"
