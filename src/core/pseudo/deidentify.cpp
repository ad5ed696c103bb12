// Splitting direct identifiers from the clinical copy (see deidentify.hpp).
#include "core/pseudo/deidentify.hpp"
#include "core/depth.hpp"
#include "core/pseudo/deid_walk.hpp"
#include "core/pseudo/free_text.hpp"

#include <algorithm>
#include <cctype>

namespace hdl::pseudo {

namespace {

using hdl::json::Value;

void
ScrubAttachments(Value &node) {
	hdl::depth::Guard guard("resource");
	if (node.isObject()) {
		const Value *data = node.find("data");
		if (data != nullptr && data->isString() && node.contains("contentType"))
			node.erase("data");
		for (Value::Member &member : node.members())
			if (member.value.isStructured())
				ScrubAttachments(member.value);
	} else if (node.isArray()) {
		for (Value &element : node.elements())
			if (element.isStructured())
				ScrubAttachments(element);
	}
}

bool
HasMaskedCode(const Value &node, const Policy &policy) {
	const Value *code = node.find("code");
	if (code == nullptr || !code->isObject())
		return false;
	const Value *codings = code->find("coding");
	if (codings == nullptr || !codings->isArray())
		return false;
	for (const Value &c : codings->elements()) {
		if (!c.isObject())
			continue;
		std::string key = std::string(c.memberStr("system")) + "|" + std::string(c.memberStr("code"));
		for (const std::string &masked : policy.masked_codes)
			if (key == masked)
				return true;
	}
	return false;
}

// Removes value[x] of an observation (or component) whose code records an identifier.
void
MaskValue(Value &node, const Policy &policy) {
	if (!HasMaskedCode(node, policy))
		return;
	Value::Members &members = node.members();
	size_t before = members.size();
	members.erase(std::remove_if(members.begin(), members.end(),
	                             [](const Value::Member &m) {
		                             const std::string &key = m.key;
		                             return key.size() > 5 && key.compare(0, 5, "value") == 0 &&
		                                    std::isupper(static_cast<unsigned char>(key[5]));
	                             }),
	              members.end());
	if (members.size() != before) {
		Value coding = Value::object();
		coding["system"] = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
		coding["code"] = "masked";
		Value reason = Value::object();
		reason["coding"] = Value::array();
		reason["coding"].push_back(std::move(coding));
		reason["text"] = "removed by hdl pseudonymisation";
		node["dataAbsentReason"] = std::move(reason);
	}
}

} // namespace

std::string
PostcodeDistrict(const std::string &postcode) {
	std::string compact;
	for (char c : postcode)
		if (!std::isspace(static_cast<unsigned char>(c)))
			compact.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
	// A UK postcode's inward code is always digit-letter-letter; the rest is the outward code.
	if (compact.size() >= 5 && compact.size() <= 7 && std::isdigit(static_cast<unsigned char>(compact[compact.size() - 3])) &&
	    std::isalpha(static_cast<unsigned char>(compact[compact.size() - 2])) &&
	    std::isalpha(static_cast<unsigned char>(compact.back())))
		return compact.substr(0, compact.size() - 3);
	// Elsewhere (e.g. US ZIP codes), keep a coarse prefix: the first three characters.
	if (compact.size() >= 3 && compact.size() <= 10)
		return compact.substr(0, 3);
	return {};
}

Identity
TakeIdentity(Value &resource, const Policy &policy) {
	DeidHooks none;
	return Deidentify(resource, policy, none, {true, false}).root;
}

void
SetPseudonymIdentifier(Value &resource, const std::string &pseudonym) {
	Value type = Value::object();
	type["text"] = "hdl pseudonym (not an NHS number)";
	Value identifier = Value::object();
	identifier["system"] = PseudonymSystem;
	identifier["value"] = pseudonym;
	identifier["type"] = std::move(type);
	Value identifiers = Value::array();
	identifiers.push_back(std::move(identifier));
	resource["identifier"] = std::move(identifiers);
}

void
ScrubFreeText(Value &resource, const Policy &policy) {
	if (!policy.keep_narrative)
		resource.erase("text");
	if (!policy.keep_attachment_data)
		ScrubAttachments(resource);
	if (resource.memberStr("resourceType") == "Observation") {
		MaskValue(resource, policy);
		if (Value *comps = resource.find("component"); comps != nullptr && comps->isArray())
			for (Value &c : comps->elements())
				if (c.isObject())
					MaskValue(c, policy);
	}
	if (policy.redact_free_text)
		RedactFreeText(resource);
}

} // namespace hdl::pseudo
