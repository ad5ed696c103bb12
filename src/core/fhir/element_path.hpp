// A path to an element inside a resource, kept as a stack of segments while a document is
// walked; it is turned into a FHIRPath string ("Patient.name[0].given[1]") only when needed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hdl::fhir {

struct PathSegment {
	std::string_view name; // element name (or the resource type, for the first segment)
	int32_t index = -1;    // position in the element's array, -1 for single values
};

// A read-only view of a path; the segments belong to the walker that made it.
class ElementPath {
public:
	ElementPath(const PathSegment *segments, size_t size) noexcept : segments_(segments), size_(size) {
	}
	size_t
	size() const noexcept {
		return size_;
	}
	const PathSegment &
	operator[](size_t i) const noexcept {
		return segments_[i];
	}
	const PathSegment *
	begin() const noexcept {
		return segments_;
	}
	const PathSegment *
	end() const noexcept {
		return segments_ + size_;
	}
	// "Observation.component[1].valueQuantity.value"; child, when given, is appended as one more name.
	std::string ToFhirPath(std::string_view child = {}) const;
	// "/component/1/valueQuantity/value": a JSON Pointer (RFC 6901) from the resource root; the first
	// segment (the resource type) is left out.
	std::string ToJsonPointer() const;

private:
	const PathSegment *segments_;
	size_t size_;
};

} // namespace hdl::fhir

#include "core/cpp_only.hpp"
