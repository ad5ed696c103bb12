// Classification of FHIR Reference.reference strings ("Patient/123", "urn:uuid:...", "#p1",
// "Practitioner?identifier=...|999", "https://server/fhir/Patient/1"). Used by the validator and
// by the ingest layer, which rewrites references.
#pragma once
#include <string_view>

namespace hdl::fhir {

enum class ReferenceKind {
	Invalid,    // none of the forms below
	Relative,   // Type/id or Type/id/_history/vid, Type a known resource type
	Absolute,   // scheme://... (any absolute URL)
	Local,      // #id, or "#" for the container itself
	UrnUuid,    // urn:uuid:<value>: usually a UUID, but any value without whitespace (see ParseReference)
	UrnOid,     // urn:oid:<oid>
	Conditional // Type?query, Type a known resource type
};

struct ParsedReference {
	ReferenceKind kind = ReferenceKind::Invalid;
	std::string_view type; // Relative, Conditional; for Absolute the Type of a .../Type/id tail if any
	std::string_view id; // Relative (and Absolute tail), Local (without '#'), UrnUuid/UrnOid (the whole urn)
	std::string_view version; // Relative/Absolute: the vid of .../_history/vid
	std::string_view query;   // Conditional: the text after '?'
};

// Never allocates; the views point into reference.
ParsedReference ParseReference(std::string_view reference) noexcept;

const char *ReferenceKindName(ReferenceKind kind) noexcept;

} // namespace hdl::fhir

#include "core/cpp_only.hpp"
