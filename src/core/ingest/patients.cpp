// Patient pseudonyms, vault links and patient mentions (see patients.hpp).
#include "core/ingest/patients.hpp"
#include "core/depth.hpp"

namespace hdl::ingest {

using hdl::json::Value;

std::string
NhsLink(const PseudoContext &ctx, const std::string &nhs_number) {
	return pseudo::HmacSha256Hex(ctx.key.secret, nhs_number);
}

std::string
IdentifierLink(const PseudoContext &ctx, const std::string &system, const std::string &value) {
	return pseudo::HmacSha256Hex(ctx.key.secret, "identifier|" + ctx.org_code + "|" + system + "|" + value);
}

std::string
LocalIdLink(const PseudoContext &ctx, const std::string &type, const std::string &id) {
	return pseudo::HmacSha256Hex(ctx.key.secret, "id|" + ctx.org_code + "|" + type + "/" + id);
}

std::string
SearchLink(const PseudoContext &ctx, const RequestUrl &search) {
	if (search.identifier_system == pseudo::NhsNumberSystem)
		return NhsLink(ctx, search.identifier_value);
	return IdentifierLink(ctx, search.identifier_system, search.identifier_value);
}

std::string
PatientRecordId(const std::string &org_code, const std::string &pseudonym) {
	// FHIR ids are at most 64 characters; org codes at most 20 ([A-Za-z0-9-]), so at least 43
	// hex digits (172 bits) of the pseudonym remain: distinct people never share a record id.
	size_t room = org_code.size() < 63 ? 63 - org_code.size() : 0;
	return org_code + "." + pseudonym.substr(0, room);
}

std::string
LinkedPseudonym(Store &store, const PseudoContext &ctx, const std::vector<std::string> &link_hashes) {
	for (const std::string &h : link_hashes)
		if (auto it = ctx.call_links.find(h); it != ctx.call_links.end())
			return it->second;
	return link_hashes.empty() ? std::string() : store.FindLinkedPseudonym(link_hashes);
}

bool
OwnsPatient(Store &store, const PseudoContext &ctx, const std::string &pseudonym) {
	if (pseudonym.empty())
		return false;
	if (ctx.own_pseudonyms.count(pseudonym))
		return true;
	if (store.OwnPatientPseudonym(PatientRecordId(ctx.org_code, pseudonym)) != pseudonym)
		return false;
	ctx.own_pseudonyms.insert(pseudonym);
	return true;
}

void
RememberPatient(const PseudoContext &ctx, const std::string &local_id, const PatientIdentity &identity) {
	for (const std::string &h : identity.links)
		ctx.call_links.emplace(h, identity.pseudonym);
	ctx.own_pseudonyms.insert(identity.pseudonym);
	if (!local_id.empty())
		ctx.local_patients.emplace(local_id, identity.pseudonym);
}

PatientIdentity
PseudonymisePatient(Store &store, const PseudoContext &ctx, Value &patient, const std::string &local_id) {
	pseudo::Identity taken = pseudo::TakeIdentity(patient, ctx.policy);
	PatientIdentity out;
	out.vault = std::move(taken.vault);
	// Most trustworthy link first: the NHS number links across feeds.
	std::string nhs = taken.nhs_number.empty() ? std::string() : NhsLink(ctx, taken.nhs_number);
	std::string local = local_id.empty() ? std::string() : LocalIdLink(ctx, "Patient", local_id);
	std::vector<std::string> identifiers;
	std::string pseudonym_given; // a Patient read back from the lake and submitted again
	for (const auto &[system, value] : taken.identifiers) {
		if (system == pseudo::PseudonymSystem) {
			pseudonym_given = value;
			continue;
		}
		identifiers.push_back(IdentifierLink(ctx, system, value));
	}
	if (pseudonym_given.empty() && local_id.size() == 64 && store.PseudonymKnown(local_id))
		pseudonym_given = local_id;
	for (const std::string *link : {&nhs, &local})
		if (!link->empty())
			out.links.push_back(*link);
	out.links.insert(out.links.end(), identifiers.begin(), identifiers.end());
	out.pseudonym = LinkedPseudonym(store, ctx, out.links);
	if (out.pseudonym.empty() && !pseudonym_given.empty() && store.PseudonymKnown(pseudonym_given))
		out.pseudonym = pseudonym_given;
	out.known = !out.pseudonym.empty();
	if (!out.known) {
		// First sight: over the NHS number, else over (source, local identifier), else (source, id).
		if (!nhs.empty())
			out.pseudonym = nhs;
		else if (!identifiers.empty())
			out.pseudonym = identifiers.front();
		else if (!local.empty())
			out.pseudonym = local;
		else
			out.pseudonym = pseudo::HmacSha256Hex(ctx.key.secret, "random|" + NewUuid());
	}
	if (!local_id.empty()) // kept so that key rotation can rebuild this link
		out.vault["hdlLocalId"] = local_id;
	pseudo::SetPseudonymIdentifier(patient, out.pseudonym);
	return out;
}

namespace {

// The pseudonym for an NHS number mentioned outside a Patient: the linked patient's, or the
// pseudonym that patient will get when first seen.
std::string
PseudonymForNhsNumber(Store &store, const PseudoContext &ctx, const std::string &nhs) {
	std::string link = NhsLink(ctx, nhs);
	std::string found = LinkedPseudonym(store, ctx, {link});
	return found.empty() ? link : found;
}

void
Walk(Store &store, const PseudoContext &ctx, Value &node) {
	hdl::depth::Guard guard("resource");
	if (node.isObject()) {
		const Value *ref = node.find("reference");
		bool has_ref = ref != nullptr && ref->isString();
		bool to_patient = has_ref && ref->str().rfind("Patient/", 0) == 0;
		const Value *id = node.find("identifier");
		if (id != nullptr && id->isObject() && id->memberStr("system") == pseudo::NhsNumberSystem) {
			// A logical reference by NHS number: make it literal, keep no number.
			std::string pseudonym = PseudonymForNhsNumber(store, ctx, std::string(id->memberStr("value")));
			if (!has_ref)
				node["reference"] = "Patient/" + pseudonym;
			node.erase("identifier");
			to_patient = true;
		}
		if (to_patient)
			node.erase("display");
		if (node.memberStr("system") == pseudo::NhsNumberSystem && node.contains("value") &&
		    node["value"].isString()) {
			// An Identifier carrying an NHS number anywhere else.
			node["value"] = PseudonymForNhsNumber(store, ctx, node["value"].str());
			node["system"] = pseudo::PseudonymSystem;
		}
		for (Value::Member &member : node.members())
			if (member.value.isStructured())
				Walk(store, ctx, member.value);
	} else if (node.isArray()) {
		for (Value &element : node.elements())
			if (element.isStructured())
				Walk(store, ctx, element);
	}
}

} // namespace

void
PseudonymiseMentions(Store &store, const PseudoContext &ctx, Value &resource) {
	Walk(store, ctx, resource);
}

} // namespace hdl::ingest
