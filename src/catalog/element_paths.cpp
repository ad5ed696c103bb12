// Element paths of a resource (see element_paths.hpp).
#include "catalog/element_paths.hpp"

namespace hdl::catalog {

namespace {

void
Walk(const hdl::json::Node &node, std::string &path, size_t depth, std::set<PathType> &out) {
	if (depth >= MaxElementDepth)
		return;
	size_t mark = path.size();
	if (node.isObject()) {
		node.forEachMember([&](std::string_view key, const hdl::json::Node &value) {
			path.append(".").append(key);
			out.emplace(path, hdl::json::TypeName(value.type()));
			if (value.isObject() || value.isArray())
				Walk(value, path, depth + 1, out);
			path.resize(mark);
		});
	} else if (node.isArray()) {
		path.append("[]");
		for (size_t i = 0; i < node.size(); i++) {
			hdl::json::Node item = node.at(i);
			out.emplace(path, hdl::json::TypeName(item.type()));
			if (item.isObject() || item.isArray())
				Walk(item, path, depth + 1, out);
		}
		path.resize(mark);
	}
}

} // namespace

std::set<PathType>
ElementPaths(std::string_view resource_type, const hdl::json::Node &resource) {
	std::set<PathType> out;
	std::string path(resource_type);
	Walk(resource, path, 0, out);
	return out;
}

void
ElementStats::Add(std::string_view resource_type, const hdl::json::Node &resource) {
	std::string type(resource_type);
	for (auto &pt : ElementPaths(resource_type, resource))
		counts_[Key(type, pt.first, pt.second)]++;
}

} // namespace hdl::catalog
