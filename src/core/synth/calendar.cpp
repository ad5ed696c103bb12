// Generated dates and times in FHIR text and UK local time, over core/calendar's day numbers.
#include "core/synth/calendar.hpp"

#include <cstdio>

namespace hdl::synth {

namespace {

int64_t
LastSundayOf(int year, int month) {
	const int64_t first_of_next =
	    month == 12 ? DaysFromCivil(year + 1, 1, 1) : DaysFromCivil(year, month + 1, 1);
	const int64_t last = first_of_next - 1;
	return last - calendar::WeekdayFromDays(last);
}

void
AppendTime(char *buffer, std::size_t size, int64_t seconds, const char *suffix) {
	const int64_t days = calendar::FloorDiv(seconds, SECONDS_PER_DAY);
	const int64_t rest = seconds - days * SECONDS_PER_DAY;
	const CivilDate date = CivilFromDays(days);
	std::snprintf(buffer, size, "%04d-%02d-%02dT%02d:%02d:%02d%s", static_cast<int>(date.year), date.month, date.day,
	              static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60),
	              static_cast<int>(rest % 60), suffix);
}

} // namespace

bool
ParseDate(std::string_view text, int64_t &days) {
	int year, month, day;
	if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !calendar::ReadDigits(text, 0, 4, year) ||
	    !calendar::ReadDigits(text, 5, 2, month) || !calendar::ReadDigits(text, 8, 2, day)) {
		return false;
	}
	if (year < 1900 || day < 1 || day > calendar::DaysInMonth(year, month)) {
		return false;
	}
	days = DaysFromCivil(year, month, day);
	return true;
}

std::string
FormatDate(int64_t days) {
	const CivilDate date = CivilFromDays(days);
	char buffer[16];
	std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", static_cast<int>(date.year), date.month, date.day);
	return buffer;
}

bool
IsBritishSummerTime(int64_t utc_seconds) {
	const int year = static_cast<int>(CivilFromDays(calendar::FloorDiv(utc_seconds, SECONDS_PER_DAY)).year);
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
	int years = static_cast<int>(to.year - from.year);
	if (to.month < from.month || (to.month == from.month && to.day < from.day)) {
		--years;
	}
	return years;
}

} // namespace hdl::synth
