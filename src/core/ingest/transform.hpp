// Edits hdl makes to a resource before it is stored: reference rewriting and meta.
#pragma once
#include <functional>
#include <string>

#include "core/json/value.hpp"

namespace hdl::ingest {

// Calls fn on the `reference` string of every Reference in the resource, contained resources
// included; fn may change it in place. A Reference is any object whose `reference` member is a
// string (FHIR R4 has no other element of that name). `path` is the Reference's FHIRPath below
// the resource, e.g. "performer[0]".
void ForEachReference(hdl::json::Value &resource,
                      const std::function<void(std::string &reference, const std::string &path)> &fn);

// Sets id, meta.versionId, meta.lastUpdated and meta.source, the submitting organisation's ODS code
// (keeping other meta members such as profile).
void SetIdentity(hdl::json::Value &resource, const std::string &id, int version,
                 const std::string &last_updated, const std::string &source);

// Formats microseconds since the Unix epoch as a FHIR instant in UTC with milliseconds.
std::string FormatInstant(int64_t epoch_micros);

} // namespace hdl::ingest

#include "core/cpp_only.hpp"
