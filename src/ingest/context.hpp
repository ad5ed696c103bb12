// The per-call inputs of the ingest pipeline that come from settings: the validator for a
// validation level, and the pseudonymisation context (key, policy) of the calling source.
// Shared by hdl.ingest, hdl.ingest_bundle and hdl.import_s3 so they cannot drift apart.
#pragma once
#include "core/fhir/validator.hpp"
#include "core/ingest/patients.hpp"
#include "core/ingest/pipeline.hpp"
#include "ingest/spi_store.hpp"

namespace hdl::ingest {

// Errors (and fatal issues) of the FHIR validator as pipeline problems.
Validator MakeValidator(hdl::fhir::Level level);

// The pseudonymisation context from the pseudonym key (src/pseudo/keys.hpp) and the hdl.pseudo_*
// settings; throws hdl::Error when the key cannot be had.
PseudoContext MakePseudoContext(const CallerSource &source);

} // namespace hdl::ingest
