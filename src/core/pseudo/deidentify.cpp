// Splitting direct identifiers from the clinical copy (see deidentify.hpp).
#include "core/pseudo/deidentify.hpp"

#include <cctype>

namespace hdl::pseudo {

namespace {

using nlohmann::json;

// Extensions that name or locate a person (FHIR core extension URLs), whatever their value.
bool
IsIdentifyingExtensionUrl(const std::string &url) {
	static const char *const urls[] = {
	    "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName",
	    "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
	    "http://hl7.org/fhir/StructureDefinition/patient-birthTime",
	    "http://hl7.org/fhir/StructureDefinition/humanname-mothers-family",
	    "http://hl7.org/fhir/StructureDefinition/humanname-fathers-family",
	};
	for (const char *u : urls)
		if (url == u)
			return true;
	return false;
}

// An extension whose value is a person's name, address, contact point or identifier.
bool
HasIdentifyingValue(const json &extension) {
	for (const char *key : {"valueHumanName", "valueAddress", "valueContactPoint", "valueIdentifier"})
		if (extension.contains(key))
			return true;
	return false;
}

void
Move(json &from, json &to, const char *key) {
	auto it = from.find(key);
	if (it == from.end())
		return;
	to[key] = std::move(*it);
	from.erase(it);
}

std::string
GeneraliseDate(const std::string &date, BirthDateRule rule) {
	if (rule == BirthDateRule::Year)
		return date.substr(0, 4);
	return date.substr(0, 7);
}

// Keeps only what analysts need of addresses (use, type, district, state, country, the outward
// postcode); lines, city and text go to the vault.
json
GeneraliseAddresses(const json &addresses, const Policy &policy) {
	json out = json::array();
	for (const json &a : addresses) {
		if (!a.is_object())
			continue;
		json kept = json::object();
		for (const char *key : {"use", "type", "district", "state", "country"})
			if (a.contains(key))
				kept[key] = a[key];
		auto pc = a.find("postalCode");
		if (pc != a.end() && pc->is_string() && policy.postcode == PostcodeRule::District) {
			std::string district = PostcodeDistrict(pc->get<std::string>());
			if (!district.empty())
				kept["postalCode"] = district;
		}
		if (!kept.empty())
			out.push_back(std::move(kept));
	}
	return out;
}

void
ScrubAttachments(json &node) {
	if (node.is_object()) {
		auto data = node.find("data");
		if (data != node.end() && data->is_string() && node.contains("contentType"))
			node.erase(data);
		for (auto &member : node.items())
			if (member.value().is_structured())
				ScrubAttachments(member.value());
	} else if (node.is_array()) {
		for (auto &element : node)
			if (element.is_structured())
				ScrubAttachments(element);
	}
}

bool
HasMaskedCode(const json &node, const Policy &policy) {
	auto code = node.find("code");
	if (code == node.end() || !code->is_object())
		return false;
	auto codings = code->find("coding");
	if (codings == code->end() || !codings->is_array())
		return false;
	for (const json &c : *codings) {
		if (!c.is_object())
			continue;
		std::string key = c.value("system", "") + "|" + c.value("code", "");
		for (const std::string &masked : policy.masked_codes)
			if (key == masked)
				return true;
	}
	return false;
}

// Removes value[x] of an observation (or component) whose code records an identifier.
void
MaskValue(json &node, const Policy &policy) {
	if (!HasMaskedCode(node, policy))
		return;
	bool removed = false;
	for (auto it = node.begin(); it != node.end();) {
		const std::string &key = it.key();
		if (key.size() > 5 && key.compare(0, 5, "value") == 0 && std::isupper(static_cast<unsigned char>(key[5]))) {
			it = node.erase(it);
			removed = true;
		} else {
			++it;
		}
	}
	if (removed)
		node["dataAbsentReason"] = {
		    {"coding", json::array({{{"system", "http://terminology.hl7.org/CodeSystem/data-absent-reason"}, {"code", "masked"}}})},
		    {"text", "removed by hdl pseudonymisation"}};
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
TakeIdentity(json &resource, const Policy &policy) {
	Identity identity;
	identity.vault = json::object();
	if (auto ids = resource.find("identifier"); ids != resource.end() && ids->is_array()) {
		for (const json &id : *ids) {
			std::string system = id.value("system", "");
			std::string value = id.value("value", "");
			if (value.empty())
				continue;
			if (system == NhsNumberSystem && identity.nhs_number.empty())
				identity.nhs_number = value;
			else
				identity.identifiers.emplace_back(system, value);
		}
	}
	for (const char *key : {"identifier", "name", "telecom", "photo", "contact", "text"})
		Move(resource, identity.vault, key);
	if (auto addr = resource.find("address"); addr != resource.end()) {
		identity.vault["address"] = *addr;
		json kept = addr->is_array() ? GeneraliseAddresses(*addr, policy) : json::array();
		if (kept.empty())
			resource.erase("address");
		else
			*addr = std::move(kept);
	}
	if (auto bd = resource.find("birthDate"); bd != resource.end() && bd->is_string()) {
		identity.vault["birthDate"] = *bd;
		if (policy.birth_date == BirthDateRule::Drop)
			resource.erase(bd);
		else
			*bd = GeneraliseDate(bd->get<std::string>(), policy.birth_date);
	}
	if (auto bd = resource.find("_birthDate"); bd != resource.end()) {
		identity.vault["_birthDate"] = std::move(*bd); // carries the birthTime extension
		resource.erase(bd);
	}
	if (auto ext = resource.find("extension"); ext != resource.end() && ext->is_array()) {
		json kept = json::array(), removed = json::array();
		for (json &e : *ext) {
			bool identifying = e.is_object() && (IsIdentifyingExtensionUrl(e.value("url", "")) || HasIdentifyingValue(e));
			(identifying ? removed : kept).push_back(std::move(e));
		}
		if (!removed.empty())
			identity.vault["extension"] = std::move(removed);
		if (kept.empty())
			resource.erase(ext);
		else
			*ext = std::move(kept);
	}
	return identity;
}

void
SetPseudonymIdentifier(json &resource, const std::string &pseudonym) {
	resource["identifier"] = json::array({{{"system", PseudonymSystem},
	                                       {"value", pseudonym},
	                                       {"type", {{"text", "hdl pseudonym (not an NHS number)"}}}}});
}

void
ScrubFreeText(json &resource, const Policy &policy) {
	if (!policy.keep_narrative)
		resource.erase("text");
	if (!policy.keep_attachment_data)
		ScrubAttachments(resource);
	if (resource.value("resourceType", "") == "Observation") {
		MaskValue(resource, policy);
		if (auto comps = resource.find("component"); comps != resource.end() && comps->is_array())
			for (json &c : *comps)
				if (c.is_object())
					MaskValue(c, policy);
	}
}

} // namespace hdl::pseudo
