// Patient pseudonyms, vault links and patient mentions (see patients.hpp).
#include "core/ingest/patients.hpp"
#include "core/depth.hpp"
#include "core/fhir/validator.hpp"

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

// The resource type a Reference names: its literal reference's type ("Patient/x", an absolute
// URL's last type segment, "Patient?identifier=..."), else its `type`; empty when unknown.
std::string
ReferenceKind(const Value &ref) {
	std::string_view r = ref.memberStr("reference");
	std::string_view kind;
	if (!r.empty() && r[0] != '#') {
		if (size_t q = r.find('?'); q != std::string_view::npos) {
			kind = r.substr(0, q);
		} else {
			if (size_t h = r.find("/_history/"); h != std::string_view::npos)
				r = r.substr(0, h);
			if (size_t slash = r.rfind('/'); slash != std::string_view::npos) {
				std::string_view head = r.substr(0, slash);
				size_t before = head.rfind('/');
				kind = before == std::string_view::npos ? head : head.substr(before + 1);
			}
		}
	}
	if (kind.empty()) {
		std::string_view type = ref.memberStr("type");
		size_t slash = type.rfind('/');
		kind = slash == std::string_view::npos ? type : type.substr(slash + 1);
	}
	return fhir::IsKnownResourceType(kind) ? std::string(kind) : std::string();
}

class MentionHooks final : public pseudo::DeidHooks {
public:
	MentionHooks(Store &store, const PseudoContext &ctx) : store_(store), ctx_(ctx) {
	}

	void
	Reference(Value &ref, uint8_t targets) override {
		std::string kind = ReferenceKind(ref);
		bool patient_class = kind.empty() ? (targets & pseudo::kTargetPatientClass) != 0
		                                  : pseudo::PersonClassOf(kind) == pseudo::PersonClass::Patient;
		bool patient = kind.empty() ? (targets & (pseudo::kTargetPatient | pseudo::kTargetAny)) != 0 : kind == "Patient";
		bool touched = false;
		if (Value *id = ref.find("identifier"); id != nullptr && id->isObject()) {
			std::string system(id->memberStr("system"));
			std::string value(id->memberStr("value"));
			std::string pseudonym;
			if (system == pseudo::NhsNumberSystem && !value.empty()) {
				pseudonym = PseudonymForNhsNumber(store_, ctx_, value);
			} else if (patient && !value.empty()) {
				pseudonym = PseudonymForLocalIdentifier(ref, *id, system, value);
			}
			if (!pseudonym.empty()) {
				if (!ref.contains("reference"))
					ref["reference"] = "Patient/" + pseudonym;
				patient_class = true;
			}
			if (!pseudonym.empty() || patient_class) {
				ref.erase("identifier");
				touched = true;
			}
		}
		if (patient_class && ref.erase("display"))
			touched = true;
		// ref-1: a Reference has a reference, an identifier or a display
		if (touched && !ref.contains("reference") && !ref.contains("identifier"))
			ref["display"] = "removed by hdl pseudonymisation";
	}

	void
	Identifier(Value &identifier) override {
		Value *value = identifier.find("value");
		if (identifier.memberStr("system") != pseudo::NhsNumberSystem || value == nullptr || !value->isString())
			return;
		*value = PseudonymForNhsNumber(store_, ctx_, value->str());
		identifier["system"] = pseudo::PseudonymSystem;
	}

	// A nested Patient that carries an NHS number (or a local identifier the caller linked) gets
	// that patient's pseudonym as its identifier, so it can still be linked.
	void
	Nested(Value &resource, pseudo::NestedPerson &person) override {
		if (person.type != "Patient")
			return;
		std::string pseudonym;
		if (!person.identity.nhs_number.empty())
			pseudonym = PseudonymForNhsNumber(store_, ctx_, person.identity.nhs_number);
		for (size_t i = 0; pseudonym.empty() && i < person.identity.identifiers.size(); i++) {
			const auto &[system, value] = person.identity.identifiers[i];
			pseudonym = LinkedPseudonym(store_, ctx_, {IdentifierLink(ctx_, system, value)});
		}
		if (!pseudonym.empty()) {
			pseudo::SetPseudonymIdentifier(resource, pseudonym);
			nested_pseudonyms.emplace(person.path, pseudonym);
		}
	}

	std::vector<PendingIdentity> saves;
	std::unordered_map<std::string, std::string> nested_pseudonyms; // path of a nested Patient -> its pseudonym

private:
	// A logical reference by the caller's local identifier of a patient (an MRN): the linked
	// patient, or (first sight) the pseudonym that identifier gives, with the identifier and its
	// link to the vault so that the Patient, when it comes, links to the same pseudonym.
	std::string
	PseudonymForLocalIdentifier(const Value &ref, const Value &id, const std::string &system, const std::string &value) {
		std::string link = IdentifierLink(ctx_, system, value);
		std::string found = LinkedPseudonym(store_, ctx_, {link});
		if (!found.empty())
			return found;
		std::string_view literal = ref.memberStr("reference");
		std::string pseudonym = literal.rfind("Patient/", 0) == 0 && literal.find('/', 8) == std::string_view::npos
		                            ? std::string(literal.substr(8))
		                            : link;
		for (const PendingIdentity &p : saves)
			if (p.links.size() == 1 && p.links.front() == link)
				return pseudonym;
		PendingIdentity pending;
		pending.subject = "Patient/" + pseudonym;
		pending.vault = Value::object();
		pending.vault["identifier"] = Value::array();
		pending.vault["identifier"].push_back(id);
		pending.links.push_back(link);
		saves.push_back(std::move(pending));
		return pseudonym;
	}

	Store &store_;
	const PseudoContext &ctx_;
};

} // namespace

std::vector<PendingIdentity>
DeidentifyResource(Store &store, const PseudoContext &ctx, Value &resource, bool root_rules, const std::string &subject) {
	MentionHooks hooks(store, ctx);
	pseudo::DeidResult result = pseudo::Deidentify(resource, ctx.policy, hooks, {root_rules, true});
	std::vector<PendingIdentity> out = std::move(hooks.saves);
	if (result.root_is_person && !result.root.vault.empty())
		out.push_back({subject, std::move(result.root.vault), {}});
	if (!result.nested.empty()) {
		Value nested = Value::array();
		for (pseudo::NestedPerson &p : result.nested) {
			if (p.identity.vault.empty())
				continue;
			if (auto it = hooks.nested_pseudonyms.find(p.path); it != hooks.nested_pseudonyms.end()) {
				// a linked patient: its identity joins theirs (hdl.reidentify finds it), with where it was
				p.identity.vault["hdlNestedIn"] = subject + " " + p.path;
				out.push_back({"Patient/" + it->second, std::move(p.identity.vault), {}});
				continue;
			}
			Value one = Value::object();
			one["path"] = p.path;
			one["resourceType"] = p.type;
			one["identity"] = std::move(p.identity.vault);
			nested.push_back(std::move(one));
		}
		if (!nested.empty()) {
			Value doc = Value::object();
			doc["nested"] = std::move(nested);
			out.push_back({subject, std::move(doc), {}});
		}
	}
	return out;
}

} // namespace hdl::ingest
