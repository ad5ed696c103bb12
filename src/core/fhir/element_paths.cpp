// Element paths of a resource (see element_paths.hpp).
#include <algorithm>

#include "core/fhir/element_paths.hpp"
#include "core/fhir/r4_schema.hpp"

namespace hdl::fhir {

std::set<PathType>
ElementPaths(std::string_view resource_type, const hdl::json::Node &resource) {
	ElementStats stats;
	stats.Add(resource_type, resource);
	std::set<PathType> out;
	for (const ElementStats::Count &c : stats.counts())
		out.emplace(*c.path, *c.json_type);
	return out;
}

namespace {

// FNV-1a: the path's hash is extended as the walk appends ".name" or "[]".
constexpr uint64_t FnvOffset = 1469598103934665603ull;
constexpr uint64_t FnvPrime = 1099511628211ull;

uint64_t
Extend(uint64_t h, std::string_view bytes) {
	for (unsigned char c : bytes)
		h = (h ^ c) * FnvPrime;
	return h;
}

} // namespace

class ElementWalk {
public:
	ElementWalk(ElementStats &stats, std::string_view resource_type) : stats_(stats), path_(resource_type) {
	}

	// type is the node's R4 type: only members that are R4 elements of it are described (at
	// level 'minimal' a resource may carry other keys, and a key may be anything, such as a
	// name and an NHS number; the catalogue is readable by analysts).
	void
	Walk(const hdl::json::Node &node, r4::TypeId type, uint64_t hash, size_t depth) {
		if (depth >= MaxElementDepth)
			return;
		size_t mark = path_.size();
		if (node.isObject()) {
			if (type != r4::kNoType && r4::Type(type).kind == r4::TypeKind::ResourceList)
				type = r4::FindResourceType(node.get("resourceType").str());
			if (type == r4::kNoType || r4::Type(type).kind == r4::TypeKind::Primitive)
				return;
			bool resource = r4::Type(type).kind == r4::TypeKind::Resource;
			node.forEachMember([&](std::string_view key, const hdl::json::Node &value) {
				r4::TypeId child = MemberType(type, resource, key);
				if (child == r4::kNoType)
					return;
				path_.append(".").append(key);
				uint64_t h = Extend(Extend(hash, "."), key);
				Found(h, value.type());
				if (value.isObject() || value.isArray())
					Walk(value, child, h, depth + 1);
				path_.resize(mark);
			});
		} else if (node.isArray()) {
			path_.append("[]");
			uint64_t h = Extend(hash, "[]");
			for (size_t i = 0; i < node.size(); i++) {
				hdl::json::Node item = node.at(i);
				Found(h, item.type());
				if (item.isObject() || item.isArray())
					Walk(item, type, h, depth + 1);
			}
			path_.resize(mark);
		}
	}

	// The type of member key of an object of type owner; kNoType when it is not an R4 element.
	static r4::TypeId
	MemberType(r4::TypeId owner, bool resource, std::string_view key) {
		bool extension = !key.empty() && key[0] == '_';
		const r4::ElementDef *el = r4::FindElement(owner, extension ? key.substr(1) : key);
		if (el != nullptr)
			return extension ? (el->allowsPrimitiveExtension() ? r4::kElementType : r4::kNoType) : el->type;
		if (resource && (key == "resourceType" || key == "id"))
			return r4::kElementType; // scalars: never walked into as objects of that type
		return r4::kNoType;
	}

	uint64_t
	RootHash() const {
		return Extend(FnvOffset, path_);
	}

private:
	void
	Found(uint64_t path_hash, hdl::json::Type type) {
		ElementStats::Seen &s = stats_.Slot(path_hash, path_, type);
		if (s.last_resource != stats_.resources_) {
			s.last_resource = stats_.resources_;
			s.versions++;
		}
	}

	ElementStats &stats_;
	std::string path_;
};

ElementStats::Seen &
ElementStats::Slot(uint64_t path_hash, std::string_view path, hdl::json::Type type) {
	uint64_t h = (path_hash ^ static_cast<uint64_t>(type)) * FnvPrime;
	auto it = by_hash_.find(h);
	if (it != by_hash_.end() && seen_[it->second].json_type == type && seen_[it->second].path == path)
		return seen_[it->second];
	if (it == by_hash_.end()) {
		by_hash_.emplace(h, seen_.size());
		seen_.push_back({std::string(path), type, hdl::json::TypeName(type), 0, 0});
		return seen_.back();
	}
	// another path with the same hash
	auto [c, added] = collided_.emplace(std::make_pair(std::string(path), type), seen_.size());
	if (added)
		seen_.push_back({std::string(path), type, hdl::json::TypeName(type), 0, 0});
	return seen_[c->second];
}

// A merged slot keeps its last_resource: Add counts a resource only after moving resources_ on.
void
ElementStats::Merge(const ElementStats &other) {
	for (const Seen &s : other.seen_)
		if (s.versions > 0)
			Slot(Extend(FnvOffset, s.path), s.path, s.json_type).versions += s.versions;
}

void
ElementStats::Add(std::string_view resource_type, const hdl::json::Node &resource) {
	resources_++;
	ElementWalk walk(*this, resource_type);
	walk.Walk(resource, r4::FindResourceType(resource_type), walk.RootHash(), 0);
}

// Views into the seen entries, sorted: no string is copied (this runs for every ingest batch).
std::vector<ElementStats::Count>
ElementStats::counts() const {
	std::vector<Count> out;
	out.reserve(seen_.size());
	for (const Seen &s : seen_) {
		if (s.versions == 0)
			continue;
		std::string_view path = s.path;
		out.push_back({path.substr(0, path.find_first_of(".[")), &s.path, &s.json_type_name, s.versions});
	}
	std::sort(out.begin(), out.end(), [](const Count &a, const Count &b) {
		if (a.type != b.type)
			return a.type < b.type;
		if (*a.path != *b.path)
			return *a.path < *b.path;
		return *a.json_type < *b.json_type;
	});
	return out;
}

} // namespace hdl::fhir
