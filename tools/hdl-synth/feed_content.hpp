// What each provider feed records about a person: which people it sees, its encounters and
// the clinical resources they produce.
#pragma once
#include <cstdint>
#include <vector>

#include "core/synth/person.hpp"
#include "core/synth/random.hpp"
#include "record.hpp"

namespace hdl::synth::tool {

// Whether this feed has records for the person (the GP practice sees everyone). Draws from a
// per-person stream, so the answer does not depend on which other feeds are generated.
bool FeedSeesPerson(FeedKind kind, const Person &person, uint64_t seed);

// Fills the record with the feed's encounters and clinical resources.
void BuildFeedRecord(PatientRecord &record);

// Per-feed content (feed_*.cpp).
void BuildGpRecord(PatientRecord &record);
void BuildAcuteRecord(PatientRecord &record);
void BuildAmbulanceRecord(PatientRecord &record);
void BuildNhs111Record(PatientRecord &record);
void BuildMentalHealthRecord(PatientRecord &record);

// count UTC times, ascending, between first_day and last_day (inclusive), at local working
// hours between first_hour and last_hour.
std::vector<int64_t> PickTimes(Random &random, int count, int64_t first_day, int64_t last_day, int first_hour,
                               int last_hour);

} // namespace hdl::synth::tool
