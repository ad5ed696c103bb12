// NextRun: cron schedules are searched field by field (month, then day, hour, minute), skipping
// whole months and days that cannot match, so a search costs at most a few thousand steps.
#include "core/calendar/civil.hpp"
#include "core/error.hpp"
#include "core/etl/schedule.hpp"

namespace hdl::etl {

using calendar::CivilDate;
using calendar::CivilFromDays;
using calendar::DaysFromCivil;
using calendar::DaysInMonth;
using calendar::FloorDiv;
using calendar::WeekdayFromDays;

namespace {

constexpr int MAX_TZ_OFFSET_SECONDS = 18 * 3600;
// The Gregorian calendar (dates and weekdays) repeats every 400 years: a cron schedule without
// a match in 400 years never runs.
constexpr int64_t SEARCH_YEARS = 400;
// About one million years either side of 1970; keeps every computation far from int64 limits.
constexpr int64_t MAX_ABS_EPOCH_SECONDS = int64_t {31556952} * 1000000;

// The lowest set bit at or above `from`, or -1.
int
NextBit(uint64_t bits, int from) {
	if (from >= 64)
		return -1;
	uint64_t rest = bits & (~uint64_t {0} << from);
	return rest ? __builtin_ctzll(rest) : -1;
}

// Bits 1..31: the days of this month on which the schedule runs (Vixie day rule).
uint32_t
MatchingDays(const Schedule &s, int64_t year, int month) {
	int length = DaysInMonth(year, month);
	uint32_t in_month = ((uint32_t {1} << length) - 1) << 1;
	uint32_t by_day_of_month = s.days_of_month & in_month;
	int weekday = WeekdayFromDays(DaysFromCivil(year, month, 1));
	uint32_t by_day_of_week = 0;
	for (int day = 1; day <= length; ++day, weekday = (weekday + 1) % 7)
		if (s.days_of_week & (1u << weekday))
			by_day_of_week |= uint32_t {1} << day;
	if (s.day_of_month_star || s.day_of_week_star)
		return by_day_of_month & by_day_of_week;
	return by_day_of_month | by_day_of_week;
}

std::optional<int64_t>
NextCronRun(const Schedule &s, int64_t after, int tz_offset_seconds) {
	int64_t start = (FloorDiv(after + tz_offset_seconds, 60) + 1) * 60; // local wall-clock seconds
	int64_t start_days = FloorDiv(start, 86400);
	int64_t second_of_day = start - start_days * 86400;
	CivilDate date = CivilFromDays(start_days);
	int64_t year = date.year;
	int month = date.month;
	int day = date.day;
	int hour = static_cast<int>(second_of_day / 3600);
	int minute = static_cast<int>(second_of_day % 3600 / 60);
	const int64_t last_year = year + SEARCH_YEARS;

	while (year <= last_year) {
		uint32_t days = 0;
		if (s.months & (1u << month))
			days = day > 31 ? 0 : MatchingDays(s, year, month) & (~uint32_t {0} << day);
		if (days == 0) { // on to the first minute of next month
			day = 1;
			hour = minute = 0;
			if (++month > 12) {
				month = 1;
				++year;
			}
			continue;
		}
		int matching_day = __builtin_ctz(days);
		if (matching_day != day) {
			day = matching_day;
			hour = minute = 0;
		}
		int matching_hour = NextBit(s.hours, hour);
		if (matching_hour < 0) { // may run past the month's end: the next turn moves on
			++day;
			hour = minute = 0;
			continue;
		}
		if (matching_hour != hour) {
			hour = matching_hour;
			minute = 0;
		}
		int matching_minute = NextBit(s.minutes, minute);
		if (matching_minute < 0) { // hour 24 finds no hour bit and moves to the next day
			++hour;
			minute = 0;
			continue;
		}
		int64_t local = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + matching_minute * 60;
		return local - tz_offset_seconds;
	}
	return std::nullopt;
}

void
CheckTzOffset(int tz_offset_seconds) {
	if (tz_offset_seconds < -MAX_TZ_OFFSET_SECONDS || tz_offset_seconds > MAX_TZ_OFFSET_SECONDS)
		throw Error(ErrorKind::InvalidParameter,
		            "invalid time zone offset: " + std::to_string(tz_offset_seconds),
		            "The offset must be between -18 and +18 hours (-64800 to 64800 seconds).");
}

bool
InRange(int64_t epoch_seconds) {
	return epoch_seconds >= -MAX_ABS_EPOCH_SECONDS && epoch_seconds <= MAX_ABS_EPOCH_SECONDS;
}

} // namespace

std::optional<int64_t>
NextRun(const Schedule &schedule, int64_t after_epoch_seconds, int tz_offset_seconds) {
	CheckTzOffset(tz_offset_seconds);
	if (!InRange(after_epoch_seconds))
		return std::nullopt;
	if (schedule.kind == ScheduleKind::Interval) {
		if (schedule.interval_seconds < MIN_INTERVAL_SECONDS ||
		    schedule.interval_seconds > MAX_INTERVAL_SECONDS)
			throw Error(ErrorKind::Internal, "interval schedule of " +
			                                     std::to_string(schedule.interval_seconds) +
			                                     " seconds was not made by ParseSchedule");
		return after_epoch_seconds + schedule.interval_seconds;
	}
	if (schedule.minutes == 0 || schedule.hours == 0 || schedule.days_of_month == 0 || schedule.months == 0 ||
	    schedule.days_of_week == 0)
		throw Error(ErrorKind::Internal,
		            "cron schedule \"" + schedule.text + "\" was not made by ParseSchedule");
	return NextCronRun(schedule, after_epoch_seconds, tz_offset_seconds);
}

std::optional<int64_t>
NextRunSkippingMissed(const Schedule &schedule, int64_t last_run_start_epoch_seconds,
                      int64_t now_epoch_seconds, int tz_offset_seconds) {
	if (schedule.kind == ScheduleKind::Cron)
		return NextRun(schedule, now_epoch_seconds, tz_offset_seconds);
	std::optional<int64_t> next = NextRun(schedule, last_run_start_epoch_seconds, tz_offset_seconds);
	if (!next || *next > now_epoch_seconds)
		return next;
	if (!InRange(now_epoch_seconds))
		return std::nullopt;
	// Whole intervals elapsed since the last start, plus one: the first slot after now.
	int64_t slots = FloorDiv(now_epoch_seconds - last_run_start_epoch_seconds, schedule.interval_seconds) + 1;
	return last_run_start_epoch_seconds + slots * schedule.interval_seconds;
}

} // namespace hdl::etl
