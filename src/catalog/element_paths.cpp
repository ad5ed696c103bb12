// Element paths of a resource (see element_paths.hpp).
#include "catalog/element_paths.hpp"

namespace hdl::catalog {

namespace {

// Calls found(path, json type) for every element below node (repeats included).
template <typename Found>
void
Walk(const hdl::json::Node &node, std::string &path, size_t depth, Found &found) {
	if (depth >= MaxElementDepth)
		return;
	size_t mark = path.size();
	if (node.isObject()) {
		node.forEachMember([&](std::string_view key, const hdl::json::Node &value) {
			path.append(".").append(key);
			found(path, hdl::json::TypeName(value.type()));
			if (value.isObject() || value.isArray())
				Walk(value, path, depth + 1, found);
			path.resize(mark);
		});
	} else if (node.isArray()) {
		path.append("[]");
		for (size_t i = 0; i < node.size(); i++) {
			hdl::json::Node item = node.at(i);
			found(path, hdl::json::TypeName(item.type()));
			if (item.isObject() || item.isArray())
				Walk(item, path, depth + 1, found);
		}
		path.resize(mark);
	}
}

} // namespace

std::set<PathType>
ElementPaths(std::string_view resource_type, const hdl::json::Node &resource) {
	std::set<PathType> out;
	std::string path(resource_type);
	auto found = [&](const std::string &p, std::string_view json_type) { out.emplace(p, std::string(json_type)); };
	Walk(resource, path, 0, found);
	return out;
}

void
ElementStats::Add(std::string_view resource_type, const hdl::json::Node &resource) {
	seen_.clear();
	std::string path(resource_type);
	std::string key;
	auto found = [&](const std::string &p, std::string_view json_type) {
		key.assign(p).push_back('\0');
		key.append(json_type);
		seen_.insert(key);
	};
	Walk(resource, path, 0, found);
	for (const std::string &k : seen_)
		pending_[k]++;
}

const std::map<ElementStats::Key, int> &
ElementStats::counts() {
	for (const auto &[k, n] : pending_) {
		size_t zero = k.find('\0');
		std::string p = k.substr(0, zero);
		std::string type = p.substr(0, p.find_first_of(".["));
		counts_[Key(std::move(type), std::move(p), k.substr(zero + 1))] += n;
	}
	pending_.clear();
	return counts_;
}

} // namespace hdl::catalog
