// A read-only view of one JSON value, with two back ends: Postgres JSONB walked in place
// (src/core/json/jsonb_format.*) and nlohmann::json (unit tests and command-line tools).
// Engines (validator, FHIRPath, ViewDefinitions) are written once against this view.
// A Node is a small value type (16 bytes); it never owns the document it points into.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace hdl::json {

enum class Type : uint8_t { Missing, Null, Bool, Number, String, Array, Object };

const char *TypeName(Type t) noexcept;

class Node {
public:
	enum class Backend : uint8_t { None, Nlohmann, Jsonb };

	Node() = default;

	// Missing means "no such member/element"; it is not JSON null.
	bool
	missing() const noexcept {
		return type_ == Type::Missing;
	}
	explicit operator bool() const noexcept {
		return type_ != Type::Missing;
	}
	Type
	type() const noexcept {
		return type_;
	}
	bool
	isObject() const noexcept {
		return type_ == Type::Object;
	}
	bool
	isArray() const noexcept {
		return type_ == Type::Array;
	}
	bool
	isString() const noexcept {
		return type_ == Type::String;
	}
	bool
	isNumber() const noexcept {
		return type_ == Type::Number;
	}
	bool
	isBool() const noexcept {
		return type_ == Type::Bool;
	}
	bool
	isNull() const noexcept {
		return type_ == Type::Null;
	}

	// Number of elements (array) or members (object); 0 for scalars.
	size_t size() const noexcept;
	// Array element i, or Missing when out of range or not an array.
	Node at(size_t i) const noexcept;
	// Object member by key, or Missing when absent or not an object.
	Node get(std::string_view key) const noexcept;
	// Object member i in the back end's own key order (JSONB: by length then bytes;
	// nlohmann: lexicographic). Both are O(1) for JSONB; nlohmann is O(i) so prefer forEachMember.
	std::string_view keyAt(size_t i) const noexcept;
	Node valueAt(size_t i) const noexcept;

	// Calls f(std::string_view key, Node value) for each member of an object; stops early
	// when f returns false (f may also return void).
	template <typename F>
	void forEachMember(F &&f) const;
	// The same for the members whose key starts with prefix (choice elements: value ->
	// valueQuantity), in the same order; other members are skipped without decoding them.
	template <typename F>
	void forEachMemberWithPrefix(std::string_view prefix, F &&f) const;

	// Part of a JSONB string, as a string node over the same bytes; Missing for other nodes and
	// for the nlohmann back end (whose strings are not byte ranges).
	Node slice(size_t pos, size_t len) const noexcept;

	// Scalars. Calling the wrong accessor returns an empty/false/0 value, never throws.
	std::string_view str() const noexcept;
	bool boolean() const noexcept;
	// Exact decimal text of a number as stored ("1.50" stays "1.50" for JSONB; nlohmann prints
	// its double/integer form).
	std::string numberText() const;
	double numberDouble() const noexcept;
	// True and sets out when the number is an integer that fits in int64.
	bool numberInt64(int64_t &out) const noexcept;

	using MemberVisitor = bool (*)(void *ctx, std::string_view key, Node value);
	void forEachMemberImpl(MemberVisitor visit, void *ctx) const;
	void forEachMemberWithPrefixImpl(std::string_view prefix, MemberVisitor visit, void *ctx) const;

	// Back-end plumbing: used only by the back ends themselves.
	Backend
	backend() const noexcept {
		return backend_;
	}
	const void *
	raw() const noexcept {
		return ptr_;
	}
	uint32_t
	rawLength() const noexcept {
		return len_;
	}
	static Node
	Make(Backend b, Type t, const void *ptr, uint32_t len) noexcept {
		Node n;
		n.backend_ = b;
		n.type_ = t;
		n.ptr_ = ptr;
		n.len_ = len;
		return n;
	}

private:
	const void *ptr_ = nullptr; // nlohmann: const json*; JSONB: container or scalar data
	uint32_t len_ = 0;          // JSONB: byte length of the scalar or container
	Backend backend_ = Backend::None;
	Type type_ = Type::Missing;
};

// Equality of two JSON values by content (numbers compared by value, objects by members),
// across back ends.
bool DeepEqual(const Node &a, const Node &b);

namespace detail {
// Calls a member visitor F (returning bool to stop early, or void) through a plain function.
template <typename F>
bool
VisitMember(void *ctx, std::string_view key, Node value) {
	F &fn = *static_cast<std::remove_reference_t<F> *>(ctx);
	if constexpr (std::is_same_v<decltype(fn(key, value)), bool>) {
		return fn(key, value);
	} else {
		fn(key, value);
		return true;
	}
}
} // namespace detail

template <typename F>
void
Node::forEachMember(F &&f) const {
	forEachMemberImpl(detail::VisitMember<F>, const_cast<void *>(static_cast<const void *>(&f)));
}

template <typename F>
void
Node::forEachMemberWithPrefix(std::string_view prefix, F &&f) const {
	forEachMemberWithPrefixImpl(prefix, detail::VisitMember<F>, const_cast<void *>(static_cast<const void *>(&f)));
}

} // namespace hdl::json

#include "core/cpp_only.hpp"
