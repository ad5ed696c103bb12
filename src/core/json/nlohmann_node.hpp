// The nlohmann::json back end of hdl::json::Node: configuration documents, command-line tools
// and unit tests. Never the data path: resources are read in place as JSONB and edited as
// hdl::json::Value (value.hpp), whose numbers keep their exact text. nlohmann keeps numbers
// as int64 or double, so a Node over it prints 72.50 as 72.5.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "core/json/jsonb_format.hpp"
#include "core/json/node.hpp"

namespace hdl::json {

// The returned Node points into j: j must outlive it.
Node FromNlohmann(const nlohmann::json &j) noexcept;

namespace jsonb {
// A jsonb varlena of an nlohmann document (tests and tools), through the one JSONB writer.
inline std::string
Encode(const nlohmann::json &j) {
	return Encode(FromNlohmann(j));
}
} // namespace jsonb

} // namespace hdl::json

#include "core/cpp_only.hpp"
