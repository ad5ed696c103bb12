// Patient linkage in the pipeline: pseudonyms from keyed hashes, the vault links that find a
// patient again (from any feed), and the rewriting of references to patients.
#pragma once
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/ingest/request.hpp"
#include "core/ingest/store.hpp"
#include "core/pseudo/deid_walk.hpp"
#include "core/pseudo/deidentify.hpp"
#include "core/pseudo/hmac.hpp"

namespace hdl::ingest {

// What pseudonymisation needs for one call: the current key, the caller's organisation (local
// identifiers are only unique within it) and the de-identification policy.
struct PseudoContext {
	pseudo::Key key;
	std::string org_code;
	pseudo::Policy policy;
	// false only for benchmarks (hdl.pseudonymise = off): identifiers then stay in the clinical copy.
	bool enabled = true;
	// Provider-local patient ids already resolved in this call (NDJSON refers to Patient/x a lot).
	mutable std::unordered_map<std::string, std::string> local_patients;
	// Patients of this call not in the vault yet (their identity is saved when their version is
	// written): link hash -> pseudonym, and the pseudonyms the caller has a record of.
	mutable std::unordered_map<std::string, std::string> call_links;
	mutable std::unordered_set<std::string> own_pseudonyms;

	// After a rolled-back subtransaction (an import line): what it remembered may not exist.
	void
	Forget() const {
		local_patients.clear();
		call_links.clear();
		own_pseudonyms.clear();
	}
};

// Keyed hashes that link a patient (see docs/pseudonymisation.md):
//   NHS number          HMAC(key, nhs_number)           (also the pseudonym of a first-seen patient)
//   local identifier    HMAC(key, "identifier|" org "|" system "|" value)
//   local resource id   HMAC(key, "id|" org "|Patient/" id)
std::string NhsLink(const PseudoContext &ctx, const std::string &nhs_number);
std::string IdentifierLink(const PseudoContext &ctx, const std::string &system, const std::string &value);
std::string LocalIdLink(const PseudoContext &ctx, const std::string &type, const std::string &id);

// The link hash of a conditional search on Patient (identifier=system|value).
std::string SearchLink(const PseudoContext &ctx, const RequestUrl &search);

// The lake id of one source's record of a patient: "<org code>.<pseudonym prefix>". Every source
// keeps its own Patient record of a person (docs/ingest.md, "Patients"); the records of one
// person link through the shared pseudonym, which references to the patient carry.
std::string PatientRecordId(const std::string &org_code, const std::string &pseudonym);

struct PatientIdentity {
	std::string pseudonym;
	bool known = false;             // already in the vault
	std::vector<std::string> links; // every link hash of this submission
	hdl::json::Value vault;         // what TakeIdentity removed
};

// The pseudonym of the first link hash known in this call or in the vault, or empty.
std::string LinkedPseudonym(Store &store, const PseudoContext &ctx, const std::vector<std::string> &link_hashes);

// True when the caller has its own Patient record of this pseudonym (stored, or in this call).
bool OwnsPatient(Store &store, const PseudoContext &ctx, const std::string &pseudonym);

// Makes a Patient of this call findable by its links and pseudonym before its identity is saved.
void RememberPatient(const PseudoContext &ctx, const std::string &local_id, const PatientIdentity &identity);

// Takes the identity out of a Patient DOM (in place), finds or makes its pseudonym, and marks
// the DOM with it. local_id is the id the provider used (PUT url or resource.id), or empty.
PatientIdentity PseudonymisePatient(Store &store, const PseudoContext &ctx, hdl::json::Value &patient,
                                    const std::string &local_id);

// An identity to store in the vault for a resource once it is written: what left a person
// resource other than a top-level Patient, nested person resources, or a patient's local
// identifier that a reference carried.
struct PendingIdentity {
	std::string subject; // "Patient/<pseudonym>", "RelatedPerson/<id>", "Observation/<id>"...
	hdl::json::Value vault;
	std::vector<std::string> links;
};

// Applies the generated de-identification rules to a resource (deid_walk.hpp): person
// resources at any depth lose their identifying elements; references to people by identifier
// become references to the pseudonym (NHS numbers, and the caller's local identifiers of
// patients, whose links go to the vault), references to patient-class people lose their display
// text, and NHS-number identifiers become pseudonyms. root_rules is false for a Patient, whose
// identity PseudonymisePatient took. subject is the resource's "Type/id".
std::vector<PendingIdentity> DeidentifyResource(Store &store, const PseudoContext &ctx, hdl::json::Value &resource,
                                                bool root_rules, const std::string &subject);

} // namespace hdl::ingest

#include "core/cpp_only.hpp"
