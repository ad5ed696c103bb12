// nlohmann::json back end of hdl::json::Node (see nlohmann_node.hpp).
#include "core/json/nlohmann_node.hpp"
#include "core/json/backends.hpp"

#include <limits>

namespace hdl::json {

using nlohmann::json;

static const json &
J(const Node &n) noexcept {
	return *static_cast<const json *>(n.raw());
}

Node
FromNlohmann(const json &j) noexcept {
	Type t;
	switch (j.type()) {
	case json::value_t::null:
		t = Type::Null;
		break;
	case json::value_t::boolean:
		t = Type::Bool;
		break;
	case json::value_t::number_integer:
	case json::value_t::number_unsigned:
	case json::value_t::number_float:
		t = Type::Number;
		break;
	case json::value_t::string:
		t = Type::String;
		break;
	case json::value_t::array:
		t = Type::Array;
		break;
	case json::value_t::object:
		t = Type::Object;
		break;
	default:
		t = Type::Missing;
		break;
	}
	return Node::Make(Node::Backend::Nlohmann, t, &j, 0);
}

namespace nl {

size_t
Size(const Node &n) noexcept {
	return J(n).size();
}

Node
At(const Node &n, size_t i) noexcept {
	const json &j = J(n);
	if (i >= j.size())
		return Node();
	return FromNlohmann(j[i]);
}

Node
Get(const Node &n, std::string_view key) noexcept {
	const json &j = J(n);
	auto it = j.find(key);
	if (it == j.end())
		return Node();
	return FromNlohmann(*it);
}

std::string_view
KeyAt(const Node &n, size_t i) noexcept {
	const json &j = J(n);
	if (i >= j.size())
		return {};
	auto it = j.begin();
	std::advance(it, static_cast<std::ptrdiff_t>(i));
	const std::string &key = it.key();
	return key;
}

Node
ValueAt(const Node &n, size_t i) noexcept {
	const json &j = J(n);
	if (i >= j.size())
		return Node();
	auto it = j.begin();
	std::advance(it, static_cast<std::ptrdiff_t>(i));
	return FromNlohmann(*it);
}

void
ForEachMember(const Node &n, Node::MemberVisitor visit, void *ctx) {
	const json &j = J(n);
	for (auto it = j.begin(); it != j.end(); ++it) {
		const std::string &key = it.key();
		if (!visit(ctx, key, FromNlohmann(*it)))
			return;
	}
}

// Keys are ordered lexicographically: the prefixed ones are one run from lower_bound(prefix).
void
ForEachMemberWithPrefix(const Node &n, std::string_view prefix, Node::MemberVisitor visit, void *ctx) {
	const json::object_t &members = J(n).get_ref<const json::object_t &>();
	for (auto it = members.lower_bound(std::string(prefix)); it != members.end(); ++it) {
		const std::string &key = it->first;
		if (key.compare(0, prefix.size(), prefix) != 0)
			return;
		if (!visit(ctx, key, FromNlohmann(it->second)))
			return;
	}
}

std::string_view
Str(const Node &n) noexcept {
	return J(n).get_ref<const std::string &>();
}

bool
Boolean(const Node &n) noexcept {
	return J(n).get<bool>();
}

std::string
NumberText(const Node &n) {
	return J(n).dump();
}

double
NumberDouble(const Node &n) noexcept {
	return J(n).get<double>();
}

bool
NumberInt64(const Node &n, int64_t &out) noexcept {
	const json &j = J(n);
	if (j.is_number_integer() && !j.is_number_unsigned()) {
		out = j.get<int64_t>();
		return true;
	}
	if (j.is_number_unsigned()) {
		auto u = j.get<uint64_t>();
		if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
			return false;
		out = static_cast<int64_t>(u);
		return true;
	}
	return false;
}

} // namespace nl
} // namespace hdl::json
