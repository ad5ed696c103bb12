// Internal to the validator: the table-driven walk over one resource. validator_walk.cpp holds
// the generic element rules, validator_rules.cpp the rules of particular types (Extension,
// Reference, Bundle, contained resources).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/fhir/element_path.hpp"
#include "core/fhir/r4_schema.hpp"
#include "core/fhir/validator.hpp"
#include "core/json/node.hpp"

namespace hdl::fhir::detail {

// Where a resource sits: rules differ for contained resources.
enum class ResourcePlace { Root, Contained, Nested };

class Walker {
public:
	Walker(Level level, size_t maxIssues, ValidationResult &result) noexcept
	    : level_(level), maxIssues_(maxIssues), result_(result) {
	}

	// Validates a resource object at the current path (the root when the path is empty).
	void Resource(const json::Node &node, ResourcePlace place);

	bool
	stopped() const noexcept {
		return stopped_;
	}

private:
	struct Seen {
		uint64_t choices = 0;
		uint64_t choiceExtensions = 0; // choice members present only as _valueX
		uint64_t required = 0;
	};

	void Object(const json::Node &node, r4::TypeId type, bool isResource);
	void Member(const json::Node &parent, r4::TypeId type, std::string_view key, const json::Node &value,
	            Seen &seen);
	void PrimitiveExtension(const json::Node &parent, const r4::ElementDef &element, const json::Node &value);
	void Value(const json::Node &parent, const r4::ElementDef &element, const json::Node &value);
	void Single(const r4::ElementDef &element, const json::Node &value);
	void PrimitiveValue(r4::Primitive kind, uint16_t enumId, const json::Node &value);
	void MinimalBundle(const json::Node &bundle);

	// validator_rules.cpp
	void ExtensionRules(const json::Node &node, const Seen &seen);
	void ReferenceRules(const json::Node &node);
	void BundleRules(const json::Node &node);
	void ContainedRules(const json::Node &node);
	void ContainedReferencedRule(const json::Node &node); // dom-3, at level strict
	void LocalReferenceRule(std::string_view reference);  // ref-1, at level strict
	// The ids of the contained resources of resource_, collected once per resource.
	const std::unordered_set<std::string_view> &ContainedIds();
	// required bindings on Coding and CodeableConcept elements (validator_bindings.cpp)
	void CodedBinding(const json::Node &value, const r4::ElementDef &element);
	void CodingBinding(const json::Node &coding, uint16_t enumId);
	// invariants at level strict (validator_invariants.cpp)
	void Invariants(const json::Node &node, r4::TypeId type, bool isResource);

	// Path stack; Push returns false (and reports once) when nesting is too deep.
	bool Push(std::string_view name, int32_t index = -1);
	void
	Pop() noexcept {
		depth_--;
	}
	void
	SetIndex(int32_t index) noexcept {
		path_[depth_ - 1].index = index;
	}
	ElementPath
	Path() const noexcept {
		return ElementPath(path_, depth_);
	}

	// Records an error at the current path (plus child, when given).
	void Report(const char *code, std::string message, std::string_view child = {});
	// The index of the root Bundle's entry the current path is in, or -1.
	int32_t EntryIndex() const noexcept;

	static constexpr size_t kMaxDepth = 96;
	Level level_;
	size_t maxIssues_;
	ValidationResult &result_;
	bool stopped_ = false;
	size_t bundleIssues_ = 0;          // issues outside any Bundle entry, up to maxIssues_
	std::vector<size_t> entryIssues_; // per entry of a root Bundle, each up to maxIssues_
	bool tooDeepReported_ = false;
	// The resource invariants see as %resource and %rootResource: the root or a Bundle entry's
	// resource (a contained resource's elements see their container, as ref-1 and dom-3 expect),
	// and the number of issues other than invariants there were when it began (its invariants are
	// evaluated only while it has no other kind of error: broken structure would make them noise).
	const json::Node *resource_ = nullptr;
	size_t resourceIssues_ = 0;
	// resource_'s serial number (a Bundle's entries may reuse one address), the contained
	// resources the walk is inside, and the ids ContainedIds() collected, for which serial.
	uint64_t resourceSerial_ = 0, serials_ = 0, containedIdsSerial_ = 0;
	int containedDepth_ = 0;
	std::unordered_set<std::string_view> containedIds_;
	size_t otherIssues_ = 0; // issues whose code is not "invariant", all resources together
	size_t depth_ = 0;
	PathSegment path_[kMaxDepth];
};

// A short quotation of a value for messages.
std::string Quote(std::string_view text);
// " (a | b | c)": the codes of a required binding for messages, or "" when there are more than 12.
std::string AllowedCodes(uint16_t enumId);
// "a string", "an object", ... for messages.
const char *JsonTypePhrase(json::Type type) noexcept;

} // namespace hdl::fhir::detail

#include "core/cpp_only.hpp"
