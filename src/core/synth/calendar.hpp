// Calendar arithmetic for generated records: days and seconds since 1970-01-01 (UTC), FHIR
// date / dateTime / instant text, and UK local time (GMT in winter, BST in summer).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/calendar/civil.hpp"

namespace hdl::synth {

constexpr int64_t SECONDS_PER_DAY = 86400;

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
using calendar::CivilDate;
using calendar::CivilFromDays;
using calendar::DaysFromCivil;

// Parses YYYY-MM-DD; returns false for anything else, including impossible dates.
bool ParseDate(std::string_view text, int64_t &days);

// YYYY-MM-DD (FHIR date).
std::string FormatDate(int64_t days);

// True when UK clocks show British Summer Time at this UTC second: from 01:00 UTC on the
// last Sunday of March until 01:00 UTC on the last Sunday of October.
bool IsBritishSummerTime(int64_t utc_seconds);

// FHIR dateTime in UK local time with its offset, e.g. 2024-07-01T09:30:00+01:00.
std::string FormatUkDateTime(int64_t utc_seconds);

// FHIR instant in UTC, e.g. 2024-07-01T08:30:00Z.
std::string FormatUtcInstant(int64_t utc_seconds);

// Whole years between two days (age on a date).
int YearsBetween(int64_t from_day, int64_t to_day);

} // namespace hdl::synth

#include "core/cpp_only.hpp"
