// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), used by the
// schedule code instead of gmtime/timegm so results do not depend on the C library or TZ.
#pragma once
#include <cstdint>

namespace hdl::etl {

struct CivilDate {
	int64_t year;
	int month; // 1-12
	int day;   // 1-31
};

bool IsLeapYear(int64_t year) noexcept;
int DaysInMonth(int64_t year, int month) noexcept;
// Days since 1970-01-01 of a valid civil date (negative before 1970).
int64_t DaysFromCivil(int64_t year, int month, int day) noexcept;
CivilDate CivilFromDays(int64_t days) noexcept;
// 0 = Sunday ... 6 = Saturday.
int WeekdayFromDays(int64_t days) noexcept;

// Division and remainder rounding towards negative infinity (times before 1970 are negative).
int64_t FloorDiv(int64_t a, int64_t b) noexcept;
int64_t FloorMod(int64_t a, int64_t b) noexcept;

} // namespace hdl::etl

#include "core/cpp_only.hpp"
