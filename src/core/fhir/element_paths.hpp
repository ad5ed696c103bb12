// The schema a crawler would infer from FHIR resources: every element path with its JSON type,
// counted per resource version (the catalogue's element counts, docs/catalogue.md). Pure C++ over
// hdl::json::Node (JSONB walked in place).
#pragma once
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>
#include <utility>

#include "core/json/node.hpp"

namespace hdl::fhir {

// Paths start at the resource type; object members add ".name", array elements add "[]"
// (Patient.name[].given[]). Only members that are R4 elements of their place's type are
// described (with what is below them): a key may be anything at level 'minimal', such as a
// surname and an NHS number, and analysts read the catalogue. Deeper levels than this are not described.
constexpr size_t MaxElementDepth = 32;

using PathType = std::pair<std::string, std::string>; // path, JSON type (jsonb_typeof's names)

// The distinct (path, JSON type) pairs found in one resource, the root excluded.
std::set<PathType> ElementPaths(std::string_view resource_type, const hdl::json::Node &resource);

// Per-batch aggregation: how many of the batch's resource versions contain each
// (resource type, path, JSON type).
class ElementStats {
public:
	void Add(std::string_view resource_type, const hdl::json::Node &resource);
	// Adds another aggregation's counts (an import folds its committed lines into the object's).
	void Merge(const ElementStats &other);

	// One (resource type, path, JSON type) of the batch and the versions containing it.
	struct Count {
		std::string_view type; // the path's first segment
		const std::string *path;
		const std::string *json_type;
		int versions;
	};
	// Sorted by (type, path, JSON type). Points into this object: valid until the next Add.
	std::vector<Count> counts() const;

	// One distinct (path, JSON type) of the batch (internal, public for the walker).
	struct Seen {
		std::string path;
		hdl::json::Type json_type;
		std::string json_type_name;
		int versions = 0;
		uint64_t last_resource = 0; // counts each resource once
	};

private:
	// Found by a hash of the path kept up to date during the walk, so that the elements of a
	// resource cost no allocation once the batch has seen their paths; the path itself is
	// compared on every hit (a colliding hash only costs a slower lookup).
	std::unordered_map<uint64_t, size_t> by_hash_;
	std::map<std::pair<std::string, hdl::json::Type>, size_t> collided_;
	std::vector<Seen> seen_;
	uint64_t resources_ = 0;
	// The slot of (path, JSON type), path_hash being the FNV-1a hash of the path's bytes.
	Seen &Slot(uint64_t path_hash, std::string_view path, hdl::json::Type type);
	friend class ElementWalk;
};

} // namespace hdl::fhir

#include "core/cpp_only.hpp"
