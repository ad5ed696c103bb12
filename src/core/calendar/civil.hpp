// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), and the
// fixed-width digit fields of date and time texts. One implementation for the schedules, the
// FHIR formats, FHIRPath's dates and times and the generator; no gmtime/timegm, so results do not
// depend on the C library or TZ.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace hdl::calendar {

struct CivilDate {
	int64_t year;
	int month; // 1-12
	int day;   // 1-31
};

// Division and remainder rounding towards negative infinity (times before 1970 are negative).
inline int64_t
FloorDiv(int64_t a, int64_t b) noexcept {
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		--q;
	return q;
}

inline int64_t
FloorMod(int64_t a, int64_t b) noexcept {
	return a - FloorDiv(a, b) * b;
}

inline bool
IsLeapYear(int64_t year) noexcept {
	return FloorMod(year, 4) == 0 && (FloorMod(year, 100) != 0 || FloorMod(year, 400) == 0);
}

// 0 for a month outside 1-12 (so no day of it is valid).
inline int
DaysInMonth(int64_t year, int month) noexcept {
	static constexpr int LENGTHS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && IsLeapYear(year))
		return 29;
	return LENGTHS[month - 1];
}

// Days since 1970-01-01 of a valid civil date (negative before 1970).
int64_t DaysFromCivil(int64_t year, int month, int day) noexcept;
CivilDate CivilFromDays(int64_t days) noexcept;
// 0 = Sunday ... 6 = Saturday.
int WeekdayFromDays(int64_t days) noexcept;

// Reads the n decimal digits at s[pos] into out; false when the text ends or a non-digit comes
// first. Inline: FHIR validation reads every date this way.
inline bool
ReadDigits(std::string_view s, size_t pos, size_t n, int &out) noexcept {
	if (pos + n > s.size())
		return false;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[pos + i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	out = v;
	return true;
}

} // namespace hdl::calendar

#include "core/cpp_only.hpp"
