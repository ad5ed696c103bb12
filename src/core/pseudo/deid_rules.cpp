// Lookups over the generated de-identification rules (see deid_rules.hpp).
#include "core/pseudo/deid_rules.hpp"

#include <algorithm>
#include <iterator>

#include "core/pseudo/deid_rules.inc"

namespace hdl::pseudo {

namespace {

template <typename Row>
bool
Before(const Row &row, std::string_view owner, std::string_view element) noexcept {
	std::string_view o = row.owner;
	return o < owner || (o == owner && std::string_view(row.element) < element);
}

} // namespace

PersonClass
PersonClassOf(std::string_view resource_type) noexcept {
	for (const rules::PersonType &t : rules::kPersonTypes)
		if (resource_type == t.name)
			return t.cls;
	return PersonClass::None;
}

Action
ElementAction(std::string_view owner, std::string_view element, PersonClass cls) noexcept {
	const rules::ElementRule *begin = std::begin(rules::kElementRules);
	const rules::ElementRule *end = std::end(rules::kElementRules);
	const rules::ElementRule *it = std::lower_bound(begin, end, 0, [&](const rules::ElementRule &r, int) {
		return Before(r, owner, element);
	});
	for (; it != end && owner == it->owner && element == it->element; ++it)
		if (it->cls == cls)
			return it->action;
	return Action::Keep;
}

uint8_t
ReferenceTargets(std::string_view owner, std::string_view element) noexcept {
	const rules::ReferenceRule *begin = std::begin(rules::kPersonReferences);
	const rules::ReferenceRule *end = std::end(rules::kPersonReferences);
	const rules::ReferenceRule *it = std::lower_bound(begin, end, 0, [&](const rules::ReferenceRule &r, int) {
		return Before(r, owner, element);
	});
	if (it != end && owner == it->owner && element == it->element)
		return it->targets;
	return 0;
}

bool
IsIdentifyingExtensionUrl(std::string_view url) noexcept {
	return std::binary_search(std::begin(rules::kIdentifyingExtensions), std::end(rules::kIdentifyingExtensions), url,
	                          [](std::string_view a, std::string_view b) { return a < b; });
}

bool
AddressKeeps(std::string_view member) noexcept {
	for (const char *k : rules::kAddressKeep)
		if (member == k)
			return true;
	return false;
}

size_t
ElementRuleCount() noexcept {
	return std::size(rules::kElementRules);
}

const rules::ElementRule &
ElementRuleAt(size_t i) noexcept {
	return rules::kElementRules[i < ElementRuleCount() ? i : 0];
}

} // namespace hdl::pseudo
