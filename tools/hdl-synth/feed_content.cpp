#include "feed_content.hpp"

#include <algorithm>

#include "core/synth/calendar.hpp"

namespace hdl::synth::tool {

namespace {

constexpr uint64_t VISITS_STREAM = 0x5649534954; // "VISIT"

bool
HasMentalHealthNeed(const Person &person) {
	return person.Has("35489007") || person.Has("197480006");
}

} // namespace

bool
FeedSeesPerson(FeedKind kind, const Person &person, uint64_t seed) {
	Random random(seed, VISITS_STREAM + static_cast<uint64_t>(kind), person.index);
	const double elderly = person.age >= 70 ? 1.0 : 0.0;
	switch (kind) {
	case FeedKind::Gp:
		return true;
	case FeedKind::Acute:
		return random.Chance(0.35 + 0.25 * elderly + 0.04 * static_cast<double>(person.conditions.size()));
	case FeedKind::Ambulance:
		return random.Chance(0.10 + 0.15 * elderly);
	case FeedKind::Nhs111:
		return random.Chance(person.age < 5 ? 0.45 : 0.25);
	case FeedKind::MentalHealth:
		return person.age >= 14 && random.Chance(HasMentalHealthNeed(person) ? 0.55 : 0.04);
	}
	return false;
}

void
BuildFeedRecord(PatientRecord &record) {
	switch (record.feed.kind) {
	case FeedKind::Gp:
		BuildGpRecord(record);
		break;
	case FeedKind::Acute:
		BuildAcuteRecord(record);
		break;
	case FeedKind::Ambulance:
		BuildAmbulanceRecord(record);
		break;
	case FeedKind::Nhs111:
		BuildNhs111Record(record);
		break;
	case FeedKind::MentalHealth:
		BuildMentalHealthRecord(record);
		break;
	}
}

std::vector<int64_t>
PickTimes(Random &random, int count, int64_t first_day, int64_t last_day, int first_hour, int last_hour) {
	std::vector<int64_t> times;
	times.reserve(static_cast<std::size_t>(count));
	for (int i = 0; i < count; ++i) {
		const int64_t day = random.Between(first_day, std::max(first_day, last_day));
		int64_t seconds = day * SECONDS_PER_DAY + random.Between(first_hour, last_hour) * 3600 +
		                  random.Between(0, 11) * 300;
		// Local clock time: in summer, 09:00 BST is 08:00 UTC.
		if (IsBritishSummerTime(seconds)) {
			seconds -= 3600;
		}
		times.push_back(seconds);
	}
	std::sort(times.begin(), times.end());
	return times;
}

} // namespace hdl::synth::tool
