#include "feeds.hpp"

#include <cstdio>

#include "core/synth/random.hpp"
#include "core/synth/uk_names.hpp"

namespace hdl::synth::tool {

namespace {

constexpr const char *GMC_SYSTEM = "https://fhir.hl7.org.uk/Id/gmc-number";
constexpr const char *NMC_SYSTEM = "https://fhir.hl7.org.uk/Id/nmc-number";
constexpr const char *HCPC_SYSTEM = "https://fhir.hl7.org.uk/Id/hcpc-number";
constexpr int CLINICIANS_PER_FEED = 8;

// The organisations are fictional; ODS codes follow the real formats (GP practice: a letter
// and five digits; trusts: R and two characters).
struct FeedSeed {
	FeedKind kind;
	const char *name;
	const char *ods_code;
	const char *org_name;
	const char *org_phone;
	const char *address_line;
	const char *postcode;
	const char *local_id_prefix;
	const char *register_system;
};

const FeedSeed FEED_SEEDS[] = {
    {FeedKind::Gp, "gp", "B99001", "Meadowbank Medical Practice", "0113 496 0500", "12 Meadowbank Road",
     "LS6 3QT", "GP", GMC_SYSTEM},
    {FeedKind::Acute, "acute", "R9N", "Northmoor Teaching Hospitals NHS Trust", "0113 496 0600",
     "Northmoor General Infirmary, Great George Street", "LS1 3EX", "RN", GMC_SYSTEM},
    {FeedKind::Ambulance, "ambulance", "R9A", "Northmoor Ambulance Service NHS Trust", "01632 960700",
     "Springhill, Brindley Way", "WF2 0XQ", "AMB", HCPC_SYSTEM},
    {FeedKind::Nhs111, "nhs111", "R9C", "Northmoor Integrated Urgent Care (NHS 111)", "01632 960800",
     "Brindley Way", "WF2 0XR", "111-", NMC_SYSTEM},
    {FeedKind::MentalHealth, "mental-health", "R9M", "Northmoor Mental Health NHS Foundation Trust",
     "0113 496 0900", "Becklin Lane", "LS9 7JR", "MH", GMC_SYSTEM},
};

std::string
RegisterNumber(const char *system, Random &random) {
	char text[16];
	if (system == HCPC_SYSTEM) {
		std::snprintf(text, sizeof text, "PA%06d", static_cast<int>(random.Between(10000, 999999)));
	} else if (system == NMC_SYSTEM) {
		std::snprintf(text, sizeof text, "%02d%c%04d%c", static_cast<int>(random.Between(70, 99)),
		              static_cast<char>('A' + random.Below(12)), static_cast<int>(random.Below(10000)),
		              static_cast<char>('A' + random.Below(26)));
	} else {
		std::snprintf(text, sizeof text, "%07d", static_cast<int>(random.Between(1000000, 7999999)));
	}
	return text;
}

std::vector<FeedInfo>
BuildFeeds() {
	std::vector<FeedInfo> feeds;
	for (const FeedSeed &seed : FEED_SEEDS) {
		FeedInfo feed {seed.kind,
		               seed.name,
		               seed.ods_code,
		               seed.org_name,
		               seed.org_phone,
		               seed.address_line,
		               seed.postcode,
		               seed.local_id_prefix,
		               std::string("https://") + seed.name + ".example.nhs.uk/Id/mrn",
		               {},
		               {}};
		// Fixed stream per feed, so organisations and clinicians are the same for every seed.
		Random random(0x4f5247, static_cast<uint64_t>(seed.kind));
		feed.org_uuid = random.Uuid();
		for (int i = 0; i < CLINICIANS_PER_FEED; ++i) {
			Clinician clinician;
			clinician.uuid = random.Uuid();
			clinician.identifier_system = seed.register_system;
			clinician.identifier = RegisterNumber(seed.register_system, random);
			clinician.prefix = seed.register_system == GMC_SYSTEM ? "Dr" : "";
			clinician.given = random.Chance(0.5) ? PickFemaleGivenName(random) : PickMaleGivenName(random);
			clinician.family = PickFamilyName(random);
			feed.clinicians.push_back(std::move(clinician));
		}
		feeds.push_back(std::move(feed));
	}
	return feeds;
}

} // namespace

const std::vector<FeedInfo> &
AllFeeds() {
	static const std::vector<FeedInfo> feeds = BuildFeeds();
	return feeds;
}

const FeedInfo &
Feed(FeedKind kind) {
	return AllFeeds()[static_cast<std::size_t>(kind)];
}

const FeedInfo *
FindFeed(std::string_view name) {
	for (const FeedInfo &feed : AllFeeds()) {
		if (name == feed.name) {
			return &feed;
		}
	}
	return nullptr;
}

std::string
LocalPatientId(const FeedInfo &feed, uint64_t seed, uint64_t person_index) {
	// A bijection of [0, 10^8): 48271 is odd and not a multiple of 5.
	constexpr uint64_t SPACE = 100000000;
	const uint64_t number =
	    (person_index * 48271 + MixKeys(seed, static_cast<uint64_t>(feed.kind) + 0x4d524e) % SPACE) % SPACE;
	char text[24];
	std::snprintf(text, sizeof text, "%s%08llu", feed.local_id_prefix,
	              static_cast<unsigned long long>(number));
	return text;
}

} // namespace hdl::synth::tool
