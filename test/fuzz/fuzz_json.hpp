// Shared by the fuzz targets: JSON text to the JSONB bytes Postgres would store, and a Node
// over them (the representation every core walker sees in the server). nlohmann only parses
// the fuzzer's text here, as Postgres's jsonb_in does in the server.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json/jsonb_format.hpp"
#include "core/json/nlohmann_node.hpp"

namespace hdl::fuzz {

// False for text that is not JSON, or that the JSONB writer refuses (too deep, too large).
inline bool
JsonbOf(const char *text, size_t size, std::string &bytes) {
	nlohmann::json doc = nlohmann::json::parse(text, text + size, nullptr, false);
	if (doc.is_discarded())
		return false;
	try {
		bytes = json::jsonb::Encode(doc);
	} catch (const Error &) {
		return false;
	}
	return true;
}

// The Node over a varlena built by JsonbOf (after its 4-byte header, as JsonbNode does).
inline json::Node
NodeOf(const std::string &bytes) {
	return json::jsonb::FromRoot(bytes.data() + 4, static_cast<uint32_t>(bytes.size() - 4));
}

} // namespace hdl::fuzz

#include "core/cpp_only.hpp"
