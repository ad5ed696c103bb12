// One patient's record in one feed while it is being built: the resources (entries) and the
// context every resource builder needs (person, feed, random stream, reference style).
#pragma once
#include <cstdint>
#include <string>
#include <deque>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/synth/catalog.hpp"
#include "core/synth/person.hpp"
#include "core/synth/random.hpp"
#include "feeds.hpp"

namespace hdl::synth::tool {

// Insertion-ordered, so resourceType comes first and output reads naturally.
using Json = nlohmann::ordered_json;

struct Entry {
	const char *type;
	std::string uuid;
	Json resource;
	std::string if_none_exist; // conditional create query for transaction bundles
	bool shared;               // Organization / Practitioner: written once per feed in ndjson output
};

// What a built Encounter offers to the resources recorded during it.
struct EncounterInfo {
	std::string ref;
	int64_t start = 0; // UTC seconds
	int64_t end = 0;
	const Clinician *clinician = nullptr;
	std::string clinician_ref;
	Json *resource = nullptr; // the Encounter itself (entries live in a deque, so this stays valid)
};

class PatientRecord {
public:
	// bundle_refs: references are urn:uuid: fullUrls (transaction bundles) and resources have no
	// id; otherwise resources carry ids and references read Type/id (Bulk Data ndjson).
	PatientRecord(const FeedInfo &feed, const Person &person, uint64_t seed, int64_t as_of_day,
	              bool bundle_refs);

	const FeedInfo &feed;
	const Person &person;
	Random random;
	const int64_t as_of_day;
	const int64_t as_of_seconds;

	// A new resource of this type with a fresh id. Entries live in a deque, so the returned
	// reference stays valid while further resources are added.
	Json &Add(const char *type, std::string *ref_out = nullptr);
	std::string Ref(const char *type, const std::string &uuid) const;

	const std::string &
	PatientRef() const {
		return patient_ref_;
	}
	const std::string &
	OrganizationRef() const {
		return org_ref_;
	}
	// The patient's registered GP practice (adds its Organization to bundles that lack it).
	const std::string &GpPracticeRef();
	// A reference to one of the feed's clinicians (adds the Practitioner on first use).
	std::string ClinicianRef(const Clinician &clinician);
	const Clinician &PickClinician();

	std::deque<Entry> &
	Entries() {
		return entries_;
	}

private:
	void AddOrganization(const FeedInfo &org_feed);
	void AddPatient(uint64_t seed);

	bool bundle_refs_;
	std::deque<Entry> entries_;
	std::vector<const Clinician *> clinicians_added_;
	std::string patient_ref_;
	std::string org_ref_;
	std::string gp_ref_;
};

// Shared resources for the ndjson output, written once per feed.
Json OrganizationResource(const FeedInfo &org_feed, bool with_id);
Json PractitionerResource(const Clinician &clinician, bool with_id);

} // namespace hdl::synth::tool
