// Required bindings on Coding and CodeableConcept elements, checked at level strict against the
// codes the generator expanded from valuesets.json (docs/validation.md, Tables):
//  - a coding whose system is the bound ValueSet's code system must have one of its codes (every
//    such ValueSet of R4 takes its code system whole, so another code is unknown to that system and
//    the HL7 Java validator refuses it too, whatever the other codings say);
//  - a CodeableConcept without any coding (text only) is refused: R4's required binding wants the
//    concept from the ValueSet, and the Java validator refuses it ("No code provided");
//  - codings of other systems (or with no system) are not refused: the Java validator refuses them
//    only for code systems its terminology server knows, which hdl cannot tell.
#include "core/fhir/validator_walk.hpp"

namespace hdl::fhir::detail {

using json::Node;

std::string
AllowedCodes(uint16_t enumId) {
	size_t count = r4::EnumCodeCount(enumId);
	if (count > 12)
		return {};
	std::string out = " (";
	for (size_t i = 0; i < count; i++)
		out.append(i ? " | " : "").append(r4::EnumCode(enumId, i));
	return out + ")";
}

void
Walker::CodingBinding(const Node &coding, uint16_t enumId) {
	if (!coding.isObject() || coding.get("system").str() != r4::EnumSystem(enumId))
		return;
	Node code = coding.get("code");
	if (!code.isString() || r4::EnumContains(enumId, code.str()))
		return; // no code (display only), or a bad JSON type the walk reported
	Report("code-invalid",
	       Quote(code.str()) + " is not a code of the required value set " +
	           std::string(r4::EnumValueSet(enumId)) + " in " + std::string(r4::EnumSystem(enumId)) +
	           AllowedCodes(enumId),
	       "code");
}

void
Walker::CodedBinding(const Node &value, const r4::ElementDef &element) {
	if (!value.isObject() || value.size() == 0 || stopped_)
		return; // reported by the walk
	if (element.type == r4::kCodingType) {
		CodingBinding(value, element.enumId);
		return;
	}
	Node codings = value.get("coding");
	if (codings.missing()) {
		Report("code-invalid", "no coding from the required value set " +
		                           std::string(r4::EnumValueSet(element.enumId)) + " (a coding of " +
		                           std::string(r4::EnumSystem(element.enumId)) +
		                           " is needed: text alone does not meet a required binding)");
		return;
	}
	if (!codings.isArray() || !Push("coding"))
		return;
	for (size_t i = 0; i < codings.size() && !stopped_; i++) {
		SetIndex(static_cast<int32_t>(i));
		CodingBinding(codings.at(i), element.enumId);
	}
	Pop();
}

} // namespace hdl::fhir::detail
