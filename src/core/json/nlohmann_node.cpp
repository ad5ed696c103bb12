// nlohmann::json back end of hdl::json::Node.
#include "core/json/nlohmann_node.hpp"
#include "core/json/backends.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace hdl::json {

using nlohmann::json;

static const json &
J(const Node &n) noexcept {
	return *static_cast<const json *>(n.raw());
}

// A control character no JSON string from outside can start with unescaped in this position
// (we only ever create these strings ourselves, in ToNlohmann).
constexpr std::string_view ExactMarker = "\x1f" "hdl-number:";

json
ExactNumber(std::string_view text) {
	std::string s(ExactMarker);
	s.append(text);
	return s;
}

bool
IsExactNumber(const json &j) noexcept {
	if (!j.is_string())
		return false;
	const std::string &s = j.get_ref<const std::string &>();
	return s.size() > ExactMarker.size() && s.compare(0, ExactMarker.size(), ExactMarker) == 0;
}

std::string_view
ExactNumberText(const json &j) noexcept {
	return std::string_view(j.get_ref<const std::string &>()).substr(ExactMarker.size());
}

std::string
Dump(const json &j) {
	std::string text = j.dump();
	// dump() writes the marker as the escape \u001f followed by "hdl-number:"; unquote those strings.
	static const std::string escaped = "\"\\u001fhdl-number:";
	size_t at = text.find(escaped);
	if (at == std::string::npos)
		return text;
	std::string out;
	out.reserve(text.size());
	size_t from = 0;
	while (at != std::string::npos) {
		out.append(text, from, at - from);
		size_t start = at + escaped.size();
		size_t end = text.find('"', start);
		out.append(text, start, end - start);
		from = end + 1;
		at = text.find(escaped, from);
	}
	out.append(text, from, std::string::npos);
	return out;
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
		t = IsExactNumber(j) ? Type::Number : Type::String;
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

json
ToNlohmann(const Node &n) {
	switch (n.type()) {
	case Type::Missing:
	case Type::Null:
		return nullptr;
	case Type::Bool:
		return n.boolean();
	case Type::Number: {
		if (n.backend() == Node::Backend::Nlohmann)
			return J(n);
		std::string text = n.numberText();
		int64_t i;
		if (text.find_first_of(".eE") == std::string::npos && n.numberInt64(i))
			return i;
		return ExactNumber(text);
	}
	case Type::String:
		return std::string(n.str());
	case Type::Array: {
		json out = json::array();
		for (size_t i = 0; i < n.size(); i++)
			out.push_back(ToNlohmann(n.at(i)));
		return out;
	}
	case Type::Object: {
		json out = json::object();
		n.forEachMember([&](std::string_view key, const Node &value) { out[std::string(key)] = ToNlohmann(value); });
		return out;
	}
	}
	return nullptr;
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
	if (IsExactNumber(J(n)))
		return std::string(ExactNumberText(J(n)));
	return J(n).dump();
}

double
NumberDouble(const Node &n) noexcept {
	if (IsExactNumber(J(n)))
		return std::strtod(std::string(ExactNumberText(J(n))).c_str(), nullptr);
	return J(n).get<double>();
}

bool
NumberInt64(const Node &n, int64_t &out) noexcept {
	const json &j = J(n);
	if (IsExactNumber(j)) {
		std::string text(ExactNumberText(j));
		char *end = nullptr;
		errno = 0;
		long long v = std::strtoll(text.c_str(), &end, 10);
		if (errno != 0 || *end != '\0')
			return false;
		out = v;
		return true;
	}
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
