// FHIRPath Date, DateTime and Time values with partial precision: parsing from literal or
// FHIR text, comparison (unknown when precisions differ), boundaries and text output.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace hdl::fhirpath {

enum class TemporalKind : uint8_t { Date, DateTime, Time };

// Precision levels, shared by all kinds (a Time starts at Hour).
enum TemporalPrecision : int { YEAR = 1, MONTH, DAY, HOUR, MINUTE, SECOND, MILLISECOND };

struct Temporal {
	TemporalKind kind = TemporalKind::Date;
	int precision = YEAR;
	int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0;
	bool hasTz = false;
	int tzMinutes = 0; // offset east of UTC
	bool tzZulu = false;
};

// "2014-05-06", "2014-05", "2014": a date (no time part allowed).
bool ParseDate(std::string_view text, Temporal &out) noexcept;
// "2014-05-06T10:11:12.123+01:00", "2014-05-06" (date-only is a DateTime of day precision),
// "2014T" (the FHIRPath literal form without a time).
bool ParseDateTime(std::string_view text, Temporal &out) noexcept;
// "10:11", "10:11:12.5" (a leading "T" is accepted).
bool ParseTime(std::string_view text, Temporal &out) noexcept;

std::string ToString(const Temporal &t);

// A complete instant in FHIR's strict form, "YYYY-MM-DDThh:mm:ss[.f{1,6}](Z|+hh:mm|-hh:mm)", as
// microseconds since 1970-01-01T00:00:00Z. False for anything else (partial values, more than
// six fraction digits, leap seconds, out-of-range fields): callers then use a general parser.
bool InstantToUnixMicros(std::string_view text, int64_t &micros) noexcept;

// -1, 0, 1, or TEMPORAL_UNKNOWN when the values cannot be ordered at their common precision.
constexpr int TEMPORAL_UNKNOWN = 2;
int CompareTemporal(const Temporal &a, const Temporal &b) noexcept;

// lowBoundary()/highBoundary(): the earliest/latest value at `precision` (0 = the finest
// precision of the kind) the partial value may stand for.
bool TemporalBoundary(const Temporal &t, int precision, bool high, Temporal &out) noexcept;

// Adds `amount` of a calendar unit ("year", "month", "week", "day", "hour", "minute",
// "second", "millisecond", plural forms and the UCUM codes of definite durations: wk, d, h, min,
// s, ms; not 'a' and 'mo', which UCUM defines as mean lengths, not calendar years and months).
bool AddToTemporal(const Temporal &t, int64_t amount, std::string_view unit, Temporal &out) noexcept;

} // namespace hdl::fhirpath

#include "core/cpp_only.hpp"
