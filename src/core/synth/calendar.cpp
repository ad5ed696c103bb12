// Civil-date conversion uses the usual era decomposition (400-year cycles of 146097 days).
#include "core/synth/calendar.hpp"

#include <cstdio>

namespace hdl::synth {

namespace {

int64_t
FloorDiv(int64_t a, int64_t b) {
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// Day of week with 0 = Sunday.
int
Weekday(int64_t days) {
	return static_cast<int>(((days % 7) + 7 + 4) % 7); // 1970-01-01 was a Thursday
}

int64_t
LastSundayOf(int year, int month) {
	const int64_t first_of_next =
	    month == 12 ? DaysFromCivil(year + 1, 1, 1) : DaysFromCivil(year, month + 1, 1);
	const int64_t last = first_of_next - 1;
	return last - Weekday(last);
}

bool
IsLeap(int year) {
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

void
AppendTime(char *buffer, std::size_t size, int64_t seconds, const char *suffix) {
	const int64_t days = FloorDiv(seconds, SECONDS_PER_DAY);
	const int64_t rest = seconds - days * SECONDS_PER_DAY;
	const CivilDate date = CivilFromDays(days);
	std::snprintf(buffer, size, "%04d-%02d-%02dT%02d:%02d:%02d%s", date.year, date.month, date.day,
	              static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60),
	              static_cast<int>(rest % 60), suffix);
}

} // namespace

int64_t
DaysFromCivil(int year, int month, int day) {
	const int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
	const int64_t era = FloorDiv(y, 400);
	const int64_t year_of_era = y - era * 400;
	const int64_t shifted_month = month > 2 ? month - 3 : month + 9;
	const int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
	const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	return era * 146097 + day_of_era - 719468;
}

CivilDate
CivilFromDays(int64_t days) {
	const int64_t z = days + 719468;
	const int64_t era = FloorDiv(z, 146097);
	const int64_t day_of_era = z - era * 146097;
	const int64_t year_of_era =
	    (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	const int64_t shifted_month = (5 * day_of_year + 2) / 153;
	const int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
	const int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
	const int year = static_cast<int>(year_of_era + era * 400 + (month <= 2 ? 1 : 0));
	return {year, month, day};
}

bool
ParseDate(std::string_view text, int64_t &days) {
	if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
		return false;
	}
	int parts[3] = {0, 0, 0};
	const std::size_t starts[3] = {0, 5, 8};
	const std::size_t lengths[3] = {4, 2, 2};
	for (int p = 0; p < 3; ++p) {
		for (std::size_t i = 0; i < lengths[p]; ++i) {
			const char c = text[starts[p] + i];
			if (c < '0' || c > '9') {
				return false;
			}
			parts[p] = parts[p] * 10 + (c - '0');
		}
	}
	static const int MONTH_DAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const int year = parts[0], month = parts[1], day = parts[2];
	if (year < 1900 || month < 1 || month > 12 || day < 1) {
		return false;
	}
	const int max_day = MONTH_DAYS[month - 1] + (month == 2 && IsLeap(year) ? 1 : 0);
	if (day > max_day) {
		return false;
	}
	days = DaysFromCivil(year, month, day);
	return true;
}

std::string
FormatDate(int64_t days) {
	const CivilDate date = CivilFromDays(days);
	char buffer[16];
	std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
	return buffer;
}

bool
IsBritishSummerTime(int64_t utc_seconds) {
	const int year = CivilFromDays(FloorDiv(utc_seconds, SECONDS_PER_DAY)).year;
	const int64_t starts = LastSundayOf(year, 3) * SECONDS_PER_DAY + 3600;
	const int64_t ends = LastSundayOf(year, 10) * SECONDS_PER_DAY + 3600;
	return utc_seconds >= starts && utc_seconds < ends;
}

std::string
FormatUkDateTime(int64_t utc_seconds) {
	const bool summer = IsBritishSummerTime(utc_seconds);
	char buffer[40];
	AppendTime(buffer, sizeof buffer, utc_seconds + (summer ? 3600 : 0), summer ? "+01:00" : "+00:00");
	return buffer;
}

std::string
FormatUtcInstant(int64_t utc_seconds) {
	char buffer[40];
	AppendTime(buffer, sizeof buffer, utc_seconds, "Z");
	return buffer;
}

int
YearsBetween(int64_t from_day, int64_t to_day) {
	const CivilDate from = CivilFromDays(from_day);
	const CivilDate to = CivilFromDays(to_day);
	int years = to.year - from.year;
	if (to.month < from.month || (to.month == from.month && to.day < from.day)) {
		--years;
	}
	return years;
}

} // namespace hdl::synth
