// Lookups over the generated FHIR R4 tables (r4_tables.inc, written by tools/fhir-tables/generate.py).
#include "core/fhir/r4_schema.hpp"

#include <algorithm>

#include "core/fhir/r4_tables.inc"

namespace hdl::fhir::r4 {

const TypeId kElementType = tables::kTypeElement;
const TypeId kExtensionType = tables::kTypeExtension;
const TypeId kReferenceType = tables::kTypeReference;
const TypeId kNarrativeType = tables::kTypeNarrative;
const TypeId kMetaType = tables::kTypeMeta;
const TypeId kBundleType = tables::kTypeBundle;
const TypeId kBundleEntryType = tables::kTypeBundleEntry;
const TypeId kBundleRequestType = tables::kTypeBundleRequest;
const TypeId kBundleResponseType = tables::kTypeBundleResponse;
const TypeId kResourceListType = tables::kTypeResourceList;
const TypeId kCodingType = tables::kTypeCoding;

namespace {
constexpr size_t kTypeCount = sizeof(tables::kTypes) / sizeof(tables::kTypes[0]);
constexpr size_t kResourceCount = sizeof(tables::kResourceTypes) / sizeof(tables::kResourceTypes[0]);
} // namespace

std::string_view
Name(Str s) noexcept {
	return std::string_view(tables::kPool + s.offset, s.length);
}

const TypeDef &
Type(TypeId id) noexcept {
	return tables::kTypes[id < kTypeCount ? id : 0];
}

TypeId
FindResourceType(std::string_view name) noexcept {
	const TypeId *begin = tables::kResourceTypes;
	const TypeId *end = begin + kResourceCount;
	const TypeId *it =
	    std::lower_bound(begin, end, name, [](TypeId t, std::string_view n) { return TypeName(t) < n; });
	if (it != end && TypeName(*it) == name)
		return *it;
	return kNoType;
}

TypeId
FindType(std::string_view name) noexcept {
	for (size_t i = 0; i < kTypeCount; i++)
		if (Name(tables::kTypes[i].name) == name)
			return static_cast<TypeId>(i);
	return kNoType;
}

const ElementDef *
ElementsBegin(TypeId type) noexcept {
	return tables::kElements + Type(type).firstElement;
}

const ElementDef *
ElementsEnd(TypeId type) noexcept {
	const TypeDef &t = Type(type);
	return tables::kElements + t.firstElement + t.elementCount;
}

const ElementDef *
FindElement(TypeId type, std::string_view name) noexcept {
	const ElementDef *begin = ElementsBegin(type);
	const ElementDef *end = ElementsEnd(type);
	const ElementDef *it = std::lower_bound(
	    begin, end, name, [](const ElementDef &e, std::string_view n) { return Name(e.name) < n; });
	if (it != end && Name(it->name) == name)
		return it;
	return nullptr;
}

const ElementDef &
RequiredElement(TypeId type, size_t i) noexcept {
	return tables::kElements[tables::kRequired[Type(type).firstRequired + i]];
}

const ChoiceDef &
Choice(TypeId type, size_t slot) noexcept {
	return tables::kChoices[Type(type).firstChoice + slot];
}

bool
EnumContains(uint16_t enumId, std::string_view code) noexcept {
	const EnumDef &e = tables::kEnums[enumId];
	const Str *begin = tables::kCodes + e.firstCode;
	const Str *end = begin + e.codeCount;
	const Str *it =
	    std::lower_bound(begin, end, code, [](const Str &s, std::string_view c) { return Name(s) < c; });
	return it != end && Name(*it) == code;
}

size_t
EnumCodeCount(uint16_t enumId) noexcept {
	return tables::kEnums[enumId].codeCount;
}

std::string_view
EnumCode(uint16_t enumId, size_t i) noexcept {
	return Name(tables::kCodes[tables::kEnums[enumId].firstCode + i]);
}

std::string_view
EnumSystem(uint16_t enumId) noexcept {
	return Name(tables::kEnums[enumId].system);
}

std::string_view
EnumValueSet(uint16_t enumId) noexcept {
	return Name(tables::kEnums[enumId].valueSet);
}

size_t
TypeCount() noexcept {
	return kTypeCount;
}

size_t
ResourceTypeCount() noexcept {
	return kResourceCount;
}

TypeId
ResourceTypeAt(size_t i) noexcept {
	return i < kResourceCount ? tables::kResourceTypes[i] : kNoType;
}

} // namespace hdl::fhir::r4
