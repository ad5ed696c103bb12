// Describe: a short human text for the console. Common shapes get words; any other cron
// schedule is shown as its normalised text.
#include "core/etl/schedule.hpp"

#include <cstdio>

namespace hdl::etl {

namespace {

constexpr uint64_t ALL_MINUTES = (uint64_t {1} << 60) - 1;
constexpr uint32_t ALL_HOURS = (uint32_t {1} << 24) - 1;
constexpr uint32_t ALL_DAYS_OF_MONTH = ((uint32_t {1} << 31) - 1) << 1;
constexpr uint16_t ALL_MONTHS = ((1u << 12) - 1) << 1;
constexpr uint8_t ALL_DAYS_OF_WEEK = (1u << 7) - 1;

constexpr const char *MONTHS[] = {"January", "February", "March",     "April",   "May",      "June",
                                  "July",    "August",   "September", "October", "November", "December"};
constexpr const char *WEEKDAYS[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                    "Thursday", "Friday", "Saturday"};

// The value of a field with exactly one bit set, or -1.
int
SingleValue(uint64_t bits) {
	if (bits == 0 || (bits & (bits - 1)) != 0)
		return -1;
	return __builtin_ctzll(bits);
}

std::string
DescribeInterval(int64_t seconds) {
	struct Unit {
		const char *name;
		int64_t seconds;
	};
	static constexpr Unit UNITS[] = {{"week", 7 * 86400}, {"day", 86400}, {"hour", 3600}, {"minute", 60}};
	for (const Unit &unit : UNITS) {
		if (seconds % unit.seconds == 0) {
			int64_t count = seconds / unit.seconds;
			if (count == 1)
				return std::string("every ") + unit.name;
			return "every " + std::to_string(count) + " " + unit.name + "s";
		}
	}
	return seconds == 1 ? "every second" : "every " + std::to_string(seconds) + " seconds";
}

std::string
ClockTime(int hour, int minute) {
	char buf[8];
	std::snprintf(buf, sizeof buf, "%02d:%02d", hour, minute);
	return buf;
}

std::string
DescribeCron(const Schedule &s) {
	bool every_day_of_month = s.days_of_month == ALL_DAYS_OF_MONTH;
	bool every_month = s.months == ALL_MONTHS;
	bool every_day_of_week = s.days_of_week == ALL_DAYS_OF_WEEK;
	if (!s.day_of_month_star && !s.day_of_week_star) {
		// Either day field may match: "1-31 ... mon" runs every day; "1 ... mon" has no short words.
		if (!every_day_of_month && !every_day_of_week)
			return s.text;
		every_day_of_month = every_day_of_week = true;
	}
	bool every_day = every_day_of_month && every_month && every_day_of_week;
	int minute = SingleValue(s.minutes);
	int hour = SingleValue(s.hours);
	if (every_day && s.minutes == ALL_MINUTES && s.hours == ALL_HOURS)
		return "every minute";
	if (every_day && minute >= 0 && s.hours == ALL_HOURS)
		return "at minute " + std::to_string(minute) + " of every hour";
	if (minute < 0 || hour < 0)
		return s.text;
	std::string at = "at " + ClockTime(hour, minute);
	if (every_day)
		return at + " every day";
	int day_of_week = every_day_of_week ? -1 : SingleValue(s.days_of_week);
	int day_of_month = every_day_of_month ? -1 : SingleValue(s.days_of_month);
	int month = SingleValue(s.months);
	if (every_day_of_month && every_month && day_of_week >= 0)
		return at + " every " + WEEKDAYS[day_of_week];
	if (!every_day_of_week)
		return s.text;
	if (day_of_month >= 0 && every_month)
		return at + " on day " + std::to_string(day_of_month) + " of every month";
	if (day_of_month >= 0 && month >= 0)
		return at + " on " + std::to_string(day_of_month) + " " + MONTHS[month - 1] + " every year";
	return s.text;
}

} // namespace

std::string
Describe(const Schedule &schedule) {
	if (schedule.kind == ScheduleKind::Interval)
		return DescribeInterval(schedule.interval_seconds);
	return DescribeCron(schedule);
}

} // namespace hdl::etl
