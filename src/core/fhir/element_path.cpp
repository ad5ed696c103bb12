// FHIRPath and JSON Pointer text of an element path.
#include "core/fhir/element_path.hpp"

namespace hdl::fhir {

std::string
ElementPath::ToFhirPath(std::string_view child) const {
	std::string out;
	for (size_t i = 0; i < size_; i++) {
		if (i > 0)
			out += '.';
		out += segments_[i].name;
		if (segments_[i].index >= 0) {
			out += '[';
			out += std::to_string(segments_[i].index);
			out += ']';
		}
	}
	if (!child.empty()) {
		if (!out.empty())
			out += '.';
		out += child;
	}
	return out;
}

std::string
ElementPath::ToJsonPointer() const {
	std::string out;
	for (size_t i = 1; i < size_; i++) {
		out += '/';
		for (char c : segments_[i].name) {
			if (c == '~')
				out += "~0";
			else if (c == '/')
				out += "~1";
			else
				out += c;
		}
		if (segments_[i].index >= 0) {
			out += '/';
			out += std::to_string(segments_[i].index);
		}
	}
	return out;
}

} // namespace hdl::fhir
