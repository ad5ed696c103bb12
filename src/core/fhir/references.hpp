// Finding the Reference elements of a resource by type (not by guessing from key names), so the
// ingest layer can rewrite urn:uuid: and patient references.
#pragma once
#include <string_view>
#include <type_traits>

#include "core/fhir/element_path.hpp"
#include "core/json/node.hpp"

namespace hdl::fhir {

using ReferenceVisitor = void (*)(void *ctx, const ElementPath &path, const json::Node &reference);
void ForEachReferenceImpl(const json::Node &resource, ReferenceVisitor visit, void *ctx);

// Calls f(const ElementPath &path, const json::Node &reference) for every Reference object in the
// resource, in document order: extensions (valueReference), contained resources and, for a Bundle,
// the entries' resources included. path ends at the Reference, e.g. Bundle.entry[3].resource.subject
// or Observation.performer[0]; use path.ToJsonPointer() to locate it for a rewrite. Elements the
// R4 tables do not know are skipped (validate first).
template <typename F>
void
ForEachReference(const json::Node &resource, F &&f) {
	auto thunk = [](void *ctx, const ElementPath &path, const json::Node &reference) {
		(*static_cast<std::remove_reference_t<F> *>(ctx))(path, reference);
	};
	ForEachReferenceImpl(resource, thunk, const_cast<void *>(static_cast<const void *>(&f)));
}

// True when element of the given type ("Observation", "Bundle_Entry", "Extension", ...) is a
// Reference (or an array of them), e.g. IsReferenceElement("Observation", "subject").
bool IsReferenceElement(std::string_view typeName, std::string_view element) noexcept;

} // namespace hdl::fhir

#include "core/cpp_only.hpp"
