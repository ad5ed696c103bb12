// The generic, table-driven part of FHIR validation: resources, elements, arrays, JSON types,
// required elements, choice groups, primitive extensions (_name) and primitive formats.
#include "core/fhir/validator_walk.hpp"
#include "core/fhir/redact.hpp"
#include "core/fhir/formats.hpp"

namespace hdl::fhir {

namespace detail {

using json::Node;
using json::Type;

std::string
Quote(std::string_view text) {
	constexpr size_t kMax = 60;
	if (text.size() <= kMax)
		return Quoted(text, '\'');
	std::string out = Quoted(text.substr(0, kMax), '\'');
	out.insert(out.size() - 1, "...");
	return out;
}

const char *
JsonTypePhrase(Type type) noexcept {
	switch (type) {
	case Type::Null:
		return "null";
	case Type::Bool:
		return "a boolean";
	case Type::Number:
		return "a number";
	case Type::String:
		return "a string";
	case Type::Array:
		return "an array";
	case Type::Object:
		return "an object";
	default:
		return "nothing";
	}
}

bool
Walker::Push(std::string_view name, int32_t index) {
	if (depth_ == kMaxDepth) {
		if (!tooDeepReported_) {
			tooDeepReported_ = true;
			Report("too-costly", "elements are nested more than " + std::to_string(kMaxDepth) +
			                         " levels deep; deeper content was not validated");
		}
		return false;
	}
	path_[depth_++] = PathSegment {name, index};
	return true;
}

int32_t
Walker::EntryIndex() const noexcept {
	if (depth_ < 2 || path_[0].name != "Bundle" || path_[1].name != "entry")
		return -1;
	return path_[1].index;
}

void
Walker::Report(const char *code, std::string message, std::string_view child) {
	if (stopped_)
		return;
	if (std::string_view(code) != "invariant")
		otherIssues_++;
	// An entry of a Bundle has a budget of its own: however many entries are bad, each one's
	// problems are reported (batch Bundles answer every entry), and one entry's flood cannot hide
	// another's.
	if (int32_t entry = EntryIndex(); entry >= 0) {
		if (static_cast<size_t>(entry) >= entryIssues_.size())
			entryIssues_.resize(static_cast<size_t>(entry) + 1, 0);
		size_t &n = entryIssues_[static_cast<size_t>(entry)];
		if (n > maxIssues_)
			return;
		if (n++ == maxIssues_) {
			result_.issues.push_back(Issue {"error", "too-costly",
			                                "more problems were found in this entry than are reported",
			                                ElementPath(path_, 2).ToFhirPath({})});
			return;
		}
		result_.issues.push_back(Issue {"error", code, std::move(message), Path().ToFhirPath(child)});
		return;
	}
	if (bundleIssues_ >= maxIssues_) {
		result_.truncated = true;
		stopped_ = true;
		return;
	}
	bundleIssues_++;
	result_.issues.push_back(Issue {"error", code, std::move(message), Path().ToFhirPath(child)});
}

void
Walker::Resource(const Node &node, ResourcePlace place) {
	if (!node.isObject()) {
		Report("structure",
		       std::string("a resource must be a JSON object, found ") + JsonTypePhrase(node.type()));
		return;
	}
	Node typeNode = node.get("resourceType");
	if (!typeNode.isString()) {
		if (typeNode.missing())
			Report("required", "missing resourceType", "resourceType");
		else
			Report("structure",
			       std::string("resourceType must be a string, found ") + JsonTypePhrase(typeNode.type()),
			       "resourceType");
		return;
	}
	r4::TypeId type = r4::FindResourceType(typeNode.str());
	if (type == r4::kNoType) {
		Report("invalid", "unknown resource type " + Quote(typeNode.str()), "resourceType");
		return;
	}
	const Node *outerResource = resource_;
	size_t outerIssues = resourceIssues_;
	uint64_t outerSerial = resourceSerial_;
	bool inContained = place == ResourcePlace::Contained && resource_ != nullptr;
	if (!inContained) {
		resource_ = &node;
		resourceIssues_ = otherIssues_;
		resourceSerial_ = ++serials_;
	} else {
		containedDepth_++;
	}
	bool pushed = false;
	if (depth_ == 0) {
		if (!Push(r4::TypeName(type)))
			return;
		pushed = true;
	}
	Node id = node.get("id");
	if (!id.missing()) {
		if (!id.isString())
			Report("structure", std::string("id must be a string, found ") + JsonTypePhrase(id.type()), "id");
		else if (!IsValidId(id.str()))
			Report("value", "invalid id " + Quote(id.str()) + ": 1-64 characters A-Z a-z 0-9 - .", "id");
	}
	if (level_ == Level::Minimal) {
		if (type == r4::kBundleType)
			MinimalBundle(node);
	} else {
		if (place == ResourcePlace::Contained)
			ContainedRules(node);
		Object(node, type, true);
	}
	if (pushed)
		Pop();
	if (inContained)
		containedDepth_--;
	resource_ = outerResource;
	resourceIssues_ = outerIssues;
	resourceSerial_ = outerSerial;
}

void
Walker::MinimalBundle(const Node &bundle) {
	Node entries = bundle.get("entry");
	if (!entries.isArray() || !Push("entry"))
		return;
	for (size_t i = 0; i < entries.size() && !stopped_; i++) {
		SetIndex(static_cast<int32_t>(i));
		Node resource = entries.at(i).get("resource");
		if (resource.missing() || !Push("resource"))
			continue;
		Resource(resource, ResourcePlace::Nested);
		Pop();
	}
	Pop();
}

void
Walker::Object(const Node &node, r4::TypeId type, bool isResource) {
	Seen seen;
	bool empty = true;
	node.forEachMember([&](std::string_view key, const Node &value) {
		empty = false;
		if (isResource && (key == "resourceType" || key == "id"))
			return true;
		Member(node, type, key, value, seen);
		return !stopped_;
	});
	if (stopped_)
		return;
	// An empty object is refused, and its required elements are reported missing as well:
	// `"item": [{}]` names Questionnaire.item[0].linkId and Questionnaire.item[0].type.
	if (empty)
		Report("structure", "an object must have content (empty objects are not allowed)");
	const r4::TypeDef &def = r4::Type(type);
	for (size_t i = 0; i < def.requiredCount; i++) {
		if (!(seen.required & (uint64_t(1) << i))) {
			std::string_view name = r4::Name(r4::RequiredElement(type, i).name);
			// The name is the schema's, never the caller's, so it is not quoted: a quoted value is
			// redacted from messages ('?'), which would hide which element is missing.
			Report("required", "missing required element " + std::string(name), name);
		}
	}
	for (size_t slot = 0; slot < def.choiceCount; slot++) {
		const r4::ChoiceDef &choice = r4::Choice(type, slot);
		if (choice.required && !((seen.choices | seen.choiceExtensions) & (uint64_t(1) << slot))) {
			std::string_view name = r4::Name(choice.name);
			Report("required", "missing required element " + std::string(name) + "[x]", name);
		}
	}
	if (empty)
		return;
	if (level_ == Level::Strict) {
		Invariants(node, type, isResource);
		if (isResource)
			ContainedReferencedRule(node);
	}
	if (type == r4::kExtensionType)
		ExtensionRules(node, seen);
	else if (type == r4::kReferenceType)
		ReferenceRules(node);
	else if (type == r4::kBundleType)
		BundleRules(node);
}

void
Walker::Member(const Node &parent, r4::TypeId type, std::string_view key, const Node &value, Seen &seen) {
	bool extension = !key.empty() && key[0] == '_';
	const r4::ElementDef *element = r4::FindElement(type, extension ? key.substr(1) : key);
	if (element == nullptr || (extension && !element->allowsPrimitiveExtension())) {
		Report("structure", "unknown element " + Quote(key), key);
		return;
	}
	if (element->isRequired())
		seen.required |= uint64_t(1) << element->requiredSlot;
	if (element->isChoice()) {
		uint64_t bit = uint64_t(1) << element->choiceSlot;
		if (extension) {
			seen.choiceExtensions |= bit;
		} else {
			if (seen.choices & bit) {
				// Reported on the group, not the member, so the report does not depend on key order.
				std::string_view group = r4::Name(r4::Choice(type, element->choiceSlot).name);
				Report("structure",
				       "more than one type given for choice element " + Quote(std::string(group) + "[x]"),
				       group);
			}
			seen.choices |= bit;
		}
	}
	if (!Push(r4::Name(element->name)))
		return;
	if (extension)
		PrimitiveExtension(parent, *element, value);
	else
		Value(parent, *element, value);
	Pop();
}

// "_given": an Element object (or, for arrays, an array aligned with the values, nulls where a
// value has no id/extension).
void
Walker::PrimitiveExtension(const Node &parent, const r4::ElementDef &element, const Node &value) {
	if (!element.isArray()) {
		if (!value.isObject()) {
			Report("structure", "_" + std::string(r4::Name(element.name)) + " must be an object, found " +
			                        JsonTypePhrase(value.type()));
			return;
		}
		Object(value, r4::kElementType, false);
		return;
	}
	if (!value.isArray()) {
		Report("structure", "_" + std::string(r4::Name(element.name)) + " must be an array, found " +
		                        JsonTypePhrase(value.type()));
		return;
	}
	Node values = parent.get(r4::Name(element.name));
	bool aligned = values.isArray();
	if (aligned && values.size() != value.size())
		Report("structure", "_" + std::string(r4::Name(element.name)) + " has " +
		                        std::to_string(value.size()) + " items but " +
		                        std::string(r4::Name(element.name)) + " has " +
		                        std::to_string(values.size()));
	for (size_t i = 0; i < value.size() && !stopped_; i++) {
		SetIndex(static_cast<int32_t>(i));
		Node item = value.at(i);
		if (item.isNull()) {
			if (!aligned)
				Report("structure", "null is not allowed here: there is no value at this position");
		} else if (!item.isObject()) {
			Report("structure",
			       std::string("expected an object or null, found ") + JsonTypePhrase(item.type()));
		} else {
			Object(item, r4::kElementType, false);
		}
	}
	SetIndex(-1);
}

void
Walker::Value(const Node &parent, const r4::ElementDef &element, const Node &value) {
	if (!element.isArray()) {
		if (value.isArray())
			Report("structure", "expected a single value, found an array");
		else
			Single(element, value);
		return;
	}
	if (!value.isArray()) {
		Report("structure", std::string("expected an array, found ") + JsonTypePhrase(value.type()));
		return;
	}
	size_t n = value.size();
	if (n == 0)
		Report("structure", "an array must not be empty");
	for (size_t i = 0; i < n && !stopped_; i++) {
		SetIndex(static_cast<int32_t>(i));
		Node item = value.at(i);
		if (item.isNull()) {
			// Allowed only where "_name" carries the id/extensions of this position.
			Node extensions;
			if (element.allowsPrimitiveExtension())
				extensions = parent.get("_" + std::string(r4::Name(element.name)));
			if (!extensions.isArray() || !extensions.at(i).isObject())
				Report("structure", "null is not allowed here");
			continue;
		}
		Single(element, item);
	}
	SetIndex(-1);
}

void
Walker::Single(const r4::ElementDef &element, const Node &value) {
	const r4::TypeDef &type = r4::Type(element.type);
	switch (type.kind) {
	case r4::TypeKind::Primitive:
		PrimitiveValue(type.primitive, element.enumId, value);
		return;
	case r4::TypeKind::ResourceList: {
		bool contained = path_[depth_ - 1].name == "contained";
		Resource(value, contained ? ResourcePlace::Contained : ResourcePlace::Nested);
		return;
	}
	default:
		if (!value.isObject()) {
			Report("structure", "expected an object (" + std::string(r4::Name(type.name)) + "), found " +
			                        JsonTypePhrase(value.type()));
			return;
		}
		Object(value, element.type, false);
		if (element.enumId != 0 && level_ == Level::Strict)
			CodedBinding(value, element);
	}
}

void
Walker::PrimitiveValue(r4::Primitive kind, uint16_t enumId, const Node &value) {
	Type expected = Type::String;
	if (kind == r4::Primitive::Boolean)
		expected = Type::Bool;
	else if (kind == r4::Primitive::Decimal || kind == r4::Primitive::Integer ||
	         kind == r4::Primitive::PositiveInt || kind == r4::Primitive::UnsignedInt)
		expected = Type::Number;
	if (value.type() != expected) {
		Report("structure", std::string("expected ") + JsonTypePhrase(expected) + " (" + PrimitiveName(kind) +
		                        "), found " + JsonTypePhrase(value.type()));
		return;
	}
	if (level_ != Level::Strict)
		return;
	if (expected == Type::Number) {
		if (kind == r4::Primitive::Decimal)
			return; // every JSON number matches the decimal regex
		int64_t v = 0;
		if (!value.numberInt64(v) || !IsValidIntegerValue(kind, v))
			Report("value", "invalid " + std::string(PrimitiveName(kind)) + " " + Quote(value.numberText()));
		return;
	}
	if (expected != Type::String)
		return;
	std::string_view text = value.str();
	// Counted only when the bytes could exceed the limit: a code point is at least one byte.
	if (text.size() > kMaxStringCharacters && IsStringDerived(kind)) {
		if (size_t characters = CountCodePoints(text); characters > kMaxStringCharacters) {
			// Nothing of the value is quoted: it is too long to repeat, and the summary is logged.
			Report("too-long", "a " + std::string(PrimitiveName(kind)) + " of " + std::to_string(characters) +
			                       " characters is longer than FHIR R4 allows (at most " +
			                       std::to_string(kMaxStringCharacters) + " characters, 1 MB)");
			return;
		}
	}
	if (size_t at = FindControlCharacter(text); at != std::string_view::npos) {
		// The value is not quoted: it may not print, and the summary of this issue is logged.
		static const char hex[] = "0123456789ABCDEF";
		unsigned char c = static_cast<unsigned char>(text[at]);
		Report("value", std::string("control character U+00") + hex[c >> 4] + hex[c & 0xf] + " (byte " +
		                    std::to_string(at + 1) + ") is not allowed in a " + PrimitiveName(kind) +
		                    ": FHIR allows only tab, carriage return and line feed below U+0020");
		return;
	}
	if (!IsValidStringPrimitive(kind, text)) {
		Report("value", "invalid " + std::string(PrimitiveName(kind)) + " " + Quote(text));
		return;
	}
	if (enumId != 0 && !r4::EnumContains(enumId, text))
		Report("code-invalid",
		       Quote(text) + " is not a code of the required value set" + AllowedCodes(enumId));
}

} // namespace detail

bool
ValidationResult::ok() const noexcept {
	for (const Issue &issue : issues)
		if (issue.severity == "error")
			return false;
	return true;
}

ValidationResult
ValidateResource(const json::Node &resource, Level level, size_t max_issues) {
	ValidationResult result;
	detail::Walker walker(level, max_issues == 0 ? 1 : max_issues, result);
	walker.Resource(resource, detail::ResourcePlace::Root);
	return result;
}

bool
IsKnownResourceType(std::string_view name) noexcept {
	return r4::FindResourceType(name) != r4::kNoType;
}

bool
ParseLevel(std::string_view text, Level &out) noexcept {
	if (text == "strict")
		out = Level::Strict;
	else if (text == "structure")
		out = Level::Structure;
	else if (text == "minimal")
		out = Level::Minimal;
	else
		return false;
	return true;
}

const char *
LevelName(Level level) noexcept {
	switch (level) {
	case Level::Strict:
		return "strict";
	case Level::Structure:
		return "structure";
	default:
		return "minimal";
	}
}

} // namespace hdl::fhir
