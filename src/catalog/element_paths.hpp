// The schema a crawler would infer from FHIR resources: every element path with its JSON type,
// counted per resource version. Pure C++ over hdl::json::Node (JSONB walked in place).
#pragma once
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/json/node.hpp"

namespace hdl::catalog {

// Paths start at the resource type; object members add ".name", array elements add "[]"
// (Patient.name[].given[]). Deeper levels than this are not described.
constexpr size_t MaxElementDepth = 32;

using PathType = std::pair<std::string, std::string>; // path, JSON type (jsonb_typeof's names)

// The distinct (path, JSON type) pairs found in one resource, the root excluded.
std::set<PathType> ElementPaths(std::string_view resource_type, const hdl::json::Node &resource);

// Per-batch aggregation: how many of the batch's resource versions contain each
// (resource type, path, JSON type).
class ElementStats {
public:
	using Key = std::tuple<std::string, std::string, std::string>;
	void Add(std::string_view resource_type, const hdl::json::Node &resource);
	// Sorted by (type, path, JSON type): built from the counts when asked.
	const std::map<Key, int> &counts();

private:
	// "path\0json type" (paths start with the resource type) -> versions containing it. Hashed
	// while ingesting: a sorted map of string triples costs more than the walk itself.
	std::unordered_map<std::string, int> pending_;
	std::unordered_set<std::string> seen_; // the current resource's keys (reused)
	std::map<Key, int> counts_;
};

} // namespace hdl::catalog

#include "core/cpp_only.hpp"
