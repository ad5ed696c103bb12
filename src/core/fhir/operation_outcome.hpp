// A validation result as a FHIR OperationOutcome resource.
#pragma once
#include <nlohmann/json.hpp>

#include "core/fhir/validator.hpp"

namespace hdl::fhir {

// {"resourceType":"OperationOutcome","issue":[{severity, code, diagnostics, expression:[...]}]}.
// A result with no issue gives one "information" issue saying the resource is valid; a truncated
// result ends with a "too-costly" warning.
nlohmann::json ToOperationOutcome(const ValidationResult &result);

} // namespace hdl::fhir

#include "core/cpp_only.hpp"
