#include "record.hpp"

#include <algorithm>

#include "core/synth/calendar.hpp"
#include "fhir_types.hpp"

namespace hdl::synth::tool {

namespace {

constexpr uint64_t FEED_STREAM = 0x46454544; // "FEED"

Json
NewResource(const char *type, const std::string &uuid, bool with_id) {
	Json resource = Json::object();
	resource["resourceType"] = type;
	if (with_id) {
		resource["id"] = uuid;
	}
	return resource;
}

Json
Telecom(const char *system, const std::string &value, const char *use) {
	Json t = Json::object();
	t["system"] = system;
	t["value"] = value;
	t["use"] = use;
	return t;
}

} // namespace

Json
OrganizationResource(const FeedInfo &org_feed, bool with_id) {
	Json org = NewResource("Organization", org_feed.org_uuid, with_id);
	Json identifier = Json::object();
	identifier["system"] = ODS_SYSTEM;
	identifier["value"] = org_feed.ods_code;
	org["identifier"] = Json::array({std::move(identifier)});
	org["active"] = true;
	org["type"] =
	    Json::array({StatusConcept("http://terminology.hl7.org/CodeSystem/organization-type", "prov")});
	org["type"][0]["coding"][0]["display"] = "Healthcare Provider";
	org["name"] = org_feed.org_name;
	org["telecom"] = Json::array({Telecom("phone", org_feed.org_phone, "work")});
	Json address = Json::object();
	address["use"] = "work";
	address["line"] = Json::array({org_feed.org_address_line});
	address["city"] =
	    org_feed.kind == FeedKind::Ambulance || org_feed.kind == FeedKind::Nhs111 ? "Wakefield" : "Leeds";
	address["postalCode"] = org_feed.org_postcode;
	address["country"] = "GB";
	org["address"] = Json::array({std::move(address)});
	return org;
}

Json
PractitionerResource(const Clinician &clinician, bool with_id) {
	Json practitioner = NewResource("Practitioner", clinician.uuid, with_id);
	Json identifier = Json::object();
	identifier["system"] = clinician.identifier_system;
	identifier["value"] = clinician.identifier;
	practitioner["identifier"] = Json::array({std::move(identifier)});
	practitioner["active"] = true;
	Json name = Json::object();
	name["use"] = "official";
	name["family"] = clinician.family;
	name["given"] = Json::array({clinician.given});
	if (!clinician.prefix.empty()) {
		name["prefix"] = Json::array({clinician.prefix});
	}
	practitioner["name"] = Json::array({std::move(name)});
	return practitioner;
}

PatientRecord::PatientRecord(const FeedInfo &feed_info, const Person &who, uint64_t seed, int64_t as_of,
                             bool bundle_refs)
    : feed(feed_info), person(who),
      random(seed, FEED_STREAM + static_cast<uint64_t>(feed_info.kind), who.index), as_of_day(as_of),
      as_of_seconds(as_of * SECONDS_PER_DAY), bundle_refs_(bundle_refs) {
	AddOrganization(feed);
	org_ref_ = Ref("Organization", feed.org_uuid);
	AddPatient(seed);
}

std::string
PatientRecord::Ref(const char *type, const std::string &uuid) const {
	return bundle_refs_ ? "urn:uuid:" + uuid : std::string(type) + "/" + uuid;
}

Json &
PatientRecord::Add(const char *type, std::string *ref_out) {
	std::string uuid = random.Uuid();
	if (ref_out != nullptr) {
		*ref_out = Ref(type, uuid);
	}
	Json resource = NewResource(type, uuid, !bundle_refs_);
	entries_.push_back(Entry {type, std::move(uuid), std::move(resource), {}, false});
	return entries_.back().resource;
}

void
PatientRecord::AddOrganization(const FeedInfo &org_feed) {
	entries_.push_back(Entry {"Organization", org_feed.org_uuid,
	                          OrganizationResource(org_feed, !bundle_refs_),
	                          std::string("identifier=") + ODS_SYSTEM + "|" + org_feed.ods_code, true});
}

const std::string &
PatientRecord::GpPracticeRef() {
	if (gp_ref_.empty()) {
		const FeedInfo &gp = Feed(FeedKind::Gp);
		if (feed.kind != FeedKind::Gp) {
			AddOrganization(gp);
		}
		gp_ref_ = Ref("Organization", gp.org_uuid);
	}
	return gp_ref_;
}

std::string
PatientRecord::ClinicianRef(const Clinician &clinician) {
	if (std::find(clinicians_added_.begin(), clinicians_added_.end(), &clinician) ==
	    clinicians_added_.end()) {
		clinicians_added_.push_back(&clinician);
		entries_.push_back(Entry {
		    "Practitioner", clinician.uuid, PractitionerResource(clinician, !bundle_refs_),
		    std::string("identifier=") + clinician.identifier_system + "|" + clinician.identifier, true});
	}
	return Ref("Practitioner", clinician.uuid);
}

const Clinician &
PatientRecord::PickClinician() {
	return feed.clinicians[random.Below(feed.clinicians.size())];
}

void
PatientRecord::AddPatient(uint64_t seed) {
	const std::string local_id = LocalPatientId(feed, seed, person.index);
	const std::string gp_ref = GpPracticeRef();
	Json &patient = Add("Patient", &patient_ref_);
	Entry &entry = entries_.back();
	entry.if_none_exist = "identifier=" + feed.local_system + "|" + local_id;

	Json nhs = Json::object();
	nhs["use"] = "official";
	nhs["system"] = NHS_NUMBER_SYSTEM;
	nhs["value"] = person.nhs_number;
	Json local = Json::object();
	local["use"] = "usual";
	local["system"] = feed.local_system;
	local["value"] = local_id;
	patient["identifier"] = Json::array({std::move(nhs), std::move(local)});
	patient["active"] = true;

	Json name = Json::object();
	name["use"] = "official";
	name["family"] = person.family_name;
	name["given"] = person.given_names;
	if (!person.title.empty() && feed.kind != FeedKind::Nhs111) {
		name["prefix"] = Json::array({person.title});
	}
	patient["name"] = Json::array({std::move(name)});

	// Feeds know different contact details, as real ones do.
	Json telecom = Json::array();
	const bool emergency = feed.kind == FeedKind::Ambulance || feed.kind == FeedKind::Nhs111;
	if (!person.mobile.empty()) {
		telecom.push_back(Telecom("phone", person.mobile, "mobile"));
	}
	if (!emergency || person.mobile.empty()) {
		telecom.push_back(Telecom("phone", person.address.landline, "home"));
	}
	if (!person.email.empty() && (feed.kind == FeedKind::Gp || feed.kind == FeedKind::MentalHealth)) {
		telecom.push_back(Telecom("email", person.email, "home"));
	}
	patient["telecom"] = std::move(telecom);
	patient["gender"] = GenderCode(person.gender);
	patient["birthDate"] = FormatDate(person.birth_day);

	Json address = Json::object();
	address["use"] = "home";
	address["type"] = "both";
	address["line"] = Json::array({person.address.line1});
	if (!person.address.line2.empty()) {
		address["line"].push_back(person.address.line2);
	}
	address["city"] = person.address.city;
	address["district"] = person.address.district;
	address["postalCode"] = person.address.postcode;
	address["country"] = "GB";
	patient["address"] = Json::array({std::move(address)});
	patient["generalPractitioner"] = Json::array({Reference(gp_ref, Feed(FeedKind::Gp).org_name)});
	patient["managingOrganization"] = Reference(org_ref_, feed.org_name);
}

} // namespace hdl::synth::tool
