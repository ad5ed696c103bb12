// The one ingest pipeline behind hdl.ingest, hdl.ingest_bundle and hdl.import_s3:
// validate -> assign identities (create, update, conditional forms) -> resolve references ->
// check versions (ifMatch) -> write current + history -> answer. Pure C++ over a Store.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/ingest/outcome.hpp"
#include "core/ingest/patients.hpp"
#include "core/ingest/store.hpp"
#include "core/json/node.hpp"

namespace hdl::ingest {

// Validates one resource (a Bundle validates its entries too); problems carry FHIRPath
// expressions rooted at the resource type (Bundle.entry[2].resource.status).
using Validator = std::function<std::vector<Problem>(const hdl::json::Node &resource)>;

// Ingests a transaction (all-or-nothing: throws on any problem, nothing written) or batch
// (entries independent) Bundle; returns the response Bundle encoded as a jsonb varlena.
std::string IngestBundle(Store &store, const PseudoContext &ctx, const hdl::json::Node &bundle,
                         const Validator &validate);

// Ingests one resource: create when it has no id or an id not stored yet, else a new version.
// Returns the stored resource (with id and meta) encoded as a jsonb varlena.
std::string IngestResource(Store &store, const PseudoContext &ctx, const hdl::json::Node &resource,
                           const Validator &validate);

} // namespace hdl::ingest

#include "core/cpp_only.hpp"
