// A small XML reader for the few documents S3 sends back (ListBucketResult, Error,
// InitiateMultipartUpload, CompleteMultipartUploadResult). It builds a tree of elements with their
// text; it skips the prolog, comments, processing instructions and attributes, decodes the five
// predefined entities and numeric character references, and refuses DOCTYPE (no entity expansion).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace hdl::s3 {

struct XmlElement {
	std::string name; // local name: a namespace prefix ("s3:Key") is dropped
	std::string text; // decoded character data directly inside this element (CDATA included)
	std::vector<XmlElement> children;

	// First child with that local name, or nullptr.
	const XmlElement *Child(std::string_view child_name) const noexcept;
	// Text of the first child with that name, or "" when there is none.
	std::string ChildText(std::string_view child_name) const;
};

// Parses a whole document and returns its root element. Throws hdl::Error(ExternalService) naming the
// byte offset when the document is not well-formed (unbalanced tags, bad entity, too deep, ...).
XmlElement ParseXml(std::string_view document);

// Escapes & < > " ' for use in element text or attribute values.
std::string XmlEscape(std::string_view text);

} // namespace hdl::s3

#include "core/cpp_only.hpp"
