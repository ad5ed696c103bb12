// The response Bundle of a large ingest, built from its entries' responses encoded one by one:
// 40,000 responses cost their JSONB bytes (~200 each) instead of a DOM of five times that.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace hdl::ingest {

// A complete jsonb varlena of {"resourceType": "Bundle", "type": type, "entry": [entries...]},
// where each entry is itself a complete jsonb varlena holding an object (hdl::json::jsonb::Encode).
// Byte for byte what Encode would make of the same document.
std::string AssembleResponseBundle(std::string_view type, const std::vector<std::string> &entries);

} // namespace hdl::ingest

#include "core/cpp_only.hpp"
