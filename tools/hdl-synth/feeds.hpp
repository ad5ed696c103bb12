// The five provider feeds: who they are (ODS code, name, local identifier system) and the
// clinicians whose names appear on their records. Fixed data, independent of the seed.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hdl::synth::tool {

enum class FeedKind { Gp, Acute, Ambulance, Nhs111, MentalHealth };

constexpr const char *NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
constexpr const char *ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";

struct Clinician {
	std::string uuid;
	const char *identifier_system; // GMC, NMC or HCPC register
	std::string identifier;
	std::string prefix; // "Dr" or empty
	std::string given;
	std::string family;
};

struct FeedInfo {
	FeedKind kind;
	const char *name; // gp, acute, ...; also the host of its identifier systems
	const char *ods_code;
	const char *org_name;
	const char *org_phone;
	const char *org_address_line;
	const char *org_postcode;
	const char *local_id_prefix;
	std::string local_system; // https://<name>.example.nhs.uk/Id/mrn
	std::string org_uuid;     // stable across runs and formats
	std::vector<Clinician> clinicians;
};

// All feeds in their fixed order; index == static_cast<size_t>(kind).
const std::vector<FeedInfo> &AllFeeds();
const FeedInfo &Feed(FeedKind kind);
const FeedInfo *FindFeed(std::string_view name);

// The feed's local patient identifier (MRN) for a person; unique per feed and seed.
std::string LocalPatientId(const FeedInfo &feed, uint64_t seed, uint64_t person_index);

} // namespace hdl::synth::tool
