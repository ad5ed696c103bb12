// The FHIR R4 type model for the FHIRPath evaluator (fhirpath/model.hpp), over the generated
// R4 tables (r4_schema.hpp).
#pragma once
#include "core/fhirpath/model.hpp"

namespace hdl::fhir {

// One immutable instance per process.
const fhirpath::Model &R4FhirPathModel();

} // namespace hdl::fhir

#include "core/cpp_only.hpp"
