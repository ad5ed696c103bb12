// The members of one JSONB object found in a single forward pass over its offsets, for many
// lookups on the same object (a ViewDefinition's columns all start at the resource's root):
// keys at once, each value decoded only when asked for. Node::get walks the offsets again
// for every name.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json/node.hpp"

namespace hdl::json {

class ObjectIndex {
public:
	static constexpr size_t MaxMembers = 32;

	// Indexes `object` when it is a JSONB object of at most MaxMembers members; otherwise
	// indexes nothing and returns false.
	bool reset(const Node &object) noexcept;
	void
	clear() noexcept {
		raw_ = nullptr;
	}
	// True when n is the indexed object.
	bool
	indexes(const Node &n) const noexcept {
		return raw_ != nullptr && n.raw() == raw_ && n.isObject();
	}
	// As Node::get, and the members in the same (JSONB) key order.
	Node get(std::string_view key) const noexcept;
	size_t
	size() const noexcept {
		return count_;
	}
	std::string_view
	keyAt(size_t i) const noexcept {
		return keys_[i];
	}
	Node valueAt(size_t i) const noexcept;

private:
	const void *raw_ = nullptr;
	size_t count_ = 0;
	std::string_view keys_[MaxMembers];
	uint32_t value_offsets_[MaxMembers]; // each value's start in the container's data
};

} // namespace hdl::json

#include "core/cpp_only.hpp"
