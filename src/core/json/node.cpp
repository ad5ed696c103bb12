// Dispatch of hdl::json::Node operations to the JSONB or nlohmann back end.
#include "core/json/node.hpp"
#include "core/json/backends.hpp"
#include "core/depth.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace hdl::json {

const char *
TypeName(Type t) noexcept {
	switch (t) {
	case Type::Missing:
		return "missing";
	case Type::Null:
		return "null";
	case Type::Bool:
		return "boolean";
	case Type::Number:
		return "number";
	case Type::String:
		return "string";
	case Type::Array:
		return "array";
	case Type::Object:
		return "object";
	}
	return "unknown";
}

#define HDL_JSON_DISPATCH(call, fallback)                                                                    \
	switch (backend_) {                                                                                      \
	case Backend::Jsonb:                                                                                     \
		return jb::call;                                                                                     \
	case Backend::Nlohmann:                                                                                  \
		return nl::call;                                                                                     \
	default:                                                                                                 \
		return fallback;                                                                                     \
	}

size_t
Node::size() const noexcept {
	if (type_ != Type::Array && type_ != Type::Object)
		return 0;
	HDL_JSON_DISPATCH(Size(*this), 0)
}

Node
Node::at(size_t i) const noexcept {
	if (type_ != Type::Array)
		return Node();
	HDL_JSON_DISPATCH(At(*this, i), Node())
}

Node
Node::get(std::string_view key) const noexcept {
	if (type_ != Type::Object)
		return Node();
	HDL_JSON_DISPATCH(Get(*this, key), Node())
}

std::string_view
Node::keyAt(size_t i) const noexcept {
	if (type_ != Type::Object)
		return {};
	HDL_JSON_DISPATCH(KeyAt(*this, i), std::string_view())
}

Node
Node::valueAt(size_t i) const noexcept {
	if (type_ != Type::Object)
		return Node();
	HDL_JSON_DISPATCH(ValueAt(*this, i), Node())
}

void
Node::forEachMemberImpl(MemberVisitor visit, void *ctx) const {
	if (type_ != Type::Object)
		return;
	if (backend_ == Backend::Nlohmann) {
		nl::ForEachMember(*this, visit, ctx);
		return;
	}
	jb::ForEachMember(*this, visit, ctx, {}, false);
}

void
Node::forEachMemberWithPrefixImpl(std::string_view prefix, MemberVisitor visit, void *ctx) const {
	if (type_ != Type::Object)
		return;
	if (backend_ == Backend::Nlohmann) {
		nl::ForEachMemberWithPrefix(*this, prefix, visit, ctx);
		return;
	}
	jb::ForEachMember(*this, visit, ctx, prefix, true);
}

Node
Node::slice(size_t pos, size_t len) const noexcept {
	if (type_ != Type::String || backend_ != Backend::Jsonb || pos > len_ || len > len_ - pos)
		return Node();
	return Make(Backend::Jsonb, Type::String, static_cast<const char *>(ptr_) + pos, static_cast<uint32_t>(len));
}

std::string_view
Node::str() const noexcept {
	if (type_ != Type::String)
		return {};
	HDL_JSON_DISPATCH(Str(*this), std::string_view())
}

bool
Node::boolean() const noexcept {
	if (type_ != Type::Bool)
		return false;
	HDL_JSON_DISPATCH(Boolean(*this), false)
}

std::string
Node::numberText() const {
	if (type_ != Type::Number)
		return {};
	HDL_JSON_DISPATCH(NumberText(*this), std::string())
}

double
Node::numberDouble() const noexcept {
	if (type_ != Type::Number)
		return 0;
	if (backend_ == Backend::Nlohmann)
		return nl::NumberDouble(*this);
	try {
		std::string text = numberText();
		return std::strtod(text.c_str(), nullptr);
	} catch (...) {
		return 0;
	}
}

bool
Node::numberInt64(int64_t &out) const noexcept {
	if (type_ != Type::Number)
		return false;
	if (backend_ == Backend::Nlohmann)
		return nl::NumberInt64(*this, out);
	if (backend_ == Backend::Jsonb)
		return jb::NumberInt64(*this, out); // from the numeric's digits, not its text
	try {
		std::string text = numberText();
		if (text.find('.') != std::string::npos)
			return false;
		errno = 0;
		char *end = nullptr;
		long long v = std::strtoll(text.c_str(), &end, 10);
		if (errno != 0 || *end != '\0')
			return false;
		out = v;
		return true;
	} catch (...) {
		return false;
	}
}

static bool
NumbersEqual(const Node &a, const Node &b) {
	int64_t ia, ib;
	if (a.numberInt64(ia) && b.numberInt64(ib))
		return ia == ib;
	return a.numberDouble() == b.numberDouble();
}

bool
DeepEqual(const Node &a, const Node &b) {
	depth::Guard guard("JSON value");
	if (a.type() != b.type())
		return false;
	switch (a.type()) {
	case Type::Missing:
	case Type::Null:
		return true;
	case Type::Bool:
		return a.boolean() == b.boolean();
	case Type::Number:
		return NumbersEqual(a, b);
	case Type::String:
		return a.str() == b.str();
	case Type::Array: {
		if (a.size() != b.size())
			return false;
		for (size_t i = 0; i < a.size(); i++)
			if (!DeepEqual(a.at(i), b.at(i)))
				return false;
		return true;
	}
	case Type::Object: {
		if (a.size() != b.size())
			return false;
		bool equal = true;
		a.forEachMember([&](std::string_view key, const Node &value) {
			equal = DeepEqual(value, b.get(key));
			return equal;
		});
		return equal;
	}
	}
	return false;
}

} // namespace hdl::json
