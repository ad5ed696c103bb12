// NextRun: exact next-run times for cron and interval schedules, checked against literals and
// against a minute-by-minute reference search that uses the C library's gmtime_r.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>
#include <optional>
#include <random>
#include <string>

#include "core/error.hpp"
#include "core/etl/schedule.hpp"

using hdl::etl::NextRun;
using hdl::etl::NextRunSkippingMissed;
using hdl::etl::ParseSchedule;
using hdl::etl::Schedule;

namespace {

// "2024-01-01T04:05" or "2024-01-01T04:05:30" (UTC) to epoch seconds, through timegm.
int64_t
At(const char *iso) {
	std::tm tm {};
	int seconds = 0;
	int n = std::sscanf(iso, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	                    &tm.tm_min, &seconds);
	EXPECT_GE(n, 5) << iso;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_sec = seconds;
	return static_cast<int64_t>(timegm(&tm));
}

// Epoch seconds to "YYYY-MM-DDTHH:MM:SS" (UTC), or "none".
std::string
Iso(std::optional<int64_t> t) {
	if (!t)
		return "none";
	std::time_t tt = static_cast<std::time_t>(*t);
	std::tm tm {};
	gmtime_r(&tt, &tm);
	char buf[40];
	std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	              tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return buf;
}

std::string
Next(const char *schedule, const char *after, int tz = 0) {
	return Iso(NextRun(ParseSchedule(schedule), At(after), tz));
}

// The month and the Vixie day rule, evaluated on a broken-down local date.
bool
DateMatches(const Schedule &s, const std::tm &tm) {
	bool dom = (s.days_of_month >> tm.tm_mday) & 1;
	bool dow = (s.days_of_week >> tm.tm_wday) & 1;
	bool day = (s.day_of_month_star || s.day_of_week_star) ? (dom && dow) : (dom || dow);
	return day && ((s.months >> (tm.tm_mon + 1)) & 1);
}

// Reference: walk day by day (gmtime_r decides the calendar), then minute by minute within a
// day whose date matches; gives up after `max_days`.
std::optional<int64_t>
ReferenceNextRun(const Schedule &s, int64_t after, int tz, int max_days) {
	int64_t local_after = after + tz;
	int64_t day = local_after >= 0 ? local_after / 86400 : -((-local_after + 86399) / 86400);
	for (int i = 0; i <= max_days; ++i, ++day) {
		std::time_t midnight = static_cast<std::time_t>(day * 86400);
		std::tm tm {};
		gmtime_r(&midnight, &tm);
		if (!DateMatches(s, tm))
			continue;
		for (int minute_of_day = 0; minute_of_day < 1440; ++minute_of_day) {
			int64_t local = day * 86400 + minute_of_day * 60;
			if (local > local_after && ((s.hours >> (minute_of_day / 60)) & 1) &&
			    ((s.minutes >> (minute_of_day % 60)) & 1))
				return local - tz;
		}
	}
	return std::nullopt;
}

} // namespace

TEST(EtlNextRun, ExactLiterals) {
	Schedule daily = ParseSchedule("5 4 * * *");
	EXPECT_EQ(NextRun(daily, 1704067200), 1704081900);                          // 2024-01-01T00:00 -> 04:05
	EXPECT_EQ(NextRun(ParseSchedule("0 0 29 2 *"), 4107542400), 4233686400);    // 2100-03-01 -> 2104-02-29
	EXPECT_EQ(NextRun(ParseSchedule("0 0 29 2 *"), 1709251200), 1835395200);    // 2024-03-01 -> 2028-02-29
	EXPECT_EQ(NextRun(ParseSchedule("0 0 29 2 *"), -2082844800), -2077747200);  // 1904-01-01 -> 1904-02-29
	EXPECT_EQ(NextRun(ParseSchedule("0 0 */2 * mon"), 1719792000), 1721001600); // 2024-07-01 -> 07-15
	EXPECT_EQ(NextRun(ParseSchedule("0 0 13 * fri"), 1725580800), 1726185600);  // 2024-09-06 -> 09-13
}

TEST(EtlNextRun, StrictlyAfterAndSecondZero) {
	EXPECT_EQ(Next("5 4 * * *", "2024-01-01T04:04:59"), "2024-01-01T04:05:00");
	EXPECT_EQ(Next("5 4 * * *", "2024-01-01T04:05:00"), "2024-01-02T04:05:00");
	EXPECT_EQ(Next("5 4 * * *", "2024-01-01T04:05:30"), "2024-01-02T04:05:00");
	EXPECT_EQ(Next("* * * * *", "2024-01-01T04:05:00"), "2024-01-01T04:06:00");
	EXPECT_EQ(Next("* * * * *", "2024-01-01T04:05:59"), "2024-01-01T04:06:00");
	EXPECT_EQ(NextRun(ParseSchedule("* * * * *"), 59), 60);
	EXPECT_EQ(NextRun(ParseSchedule("* * * * *"), 60), 120);
	EXPECT_EQ(NextRun(ParseSchedule("* * * * *"), -1), 0);
	EXPECT_EQ(NextRun(ParseSchedule("* * * * *"), -61), -60);
}

TEST(EtlNextRun, StepsRangesAndLists) {
	EXPECT_EQ(Next("*/15 * * * *", "2024-01-01T00:00"), "2024-01-01T00:15:00");
	EXPECT_EQ(Next("*/15 * * * *", "2024-01-01T00:46"), "2024-01-01T01:00:00");
	EXPECT_EQ(Next("10-50/20 8-10 * * *", "2024-01-01T10:50"), "2024-01-02T08:10:00");
	EXPECT_EQ(Next("10-50/20 8-10 * * *", "2024-01-01T08:11"), "2024-01-01T08:30:00");
	EXPECT_EQ(Next("10-50/20 8-10 * * *", "2024-01-01T07:59:59"), "2024-01-01T08:10:00");
	EXPECT_EQ(Next("0 9,17 * * *", "2024-01-01T09:00"), "2024-01-01T17:00:00");
	EXPECT_EQ(Next("0 9,17 * * *", "2024-01-01T17:00"), "2024-01-02T09:00:00");
	EXPECT_EQ(Next("30 */6 * * *", "2024-01-01T18:30"), "2024-01-02T00:30:00");
	EXPECT_EQ(Next("5/20 * * * *", "2024-01-01T00:46"), "2024-01-01T01:05:00");
}

TEST(EtlNextRun, MonthEnds) {
	EXPECT_EQ(Next("0 0 31 * *", "2024-01-31T00:00"), "2024-03-31T00:00:00");
	EXPECT_EQ(Next("0 0 31 * *", "2024-03-31T00:00"), "2024-05-31T00:00:00");
	EXPECT_EQ(Next("0 0 31 * *", "2024-07-31T00:00"), "2024-08-31T00:00:00");
	EXPECT_EQ(Next("0 0 30 * *", "2024-01-30T00:00"), "2024-03-30T00:00:00");
	EXPECT_EQ(Next("0 0 30 * *", "2023-01-30T00:00"), "2023-03-30T00:00:00");
	EXPECT_EQ(Next("59 23 * * *", "2024-01-31T23:59"), "2024-02-01T23:59:00");
	EXPECT_EQ(Next("0 0 1 * *", "2024-01-31T12:00"), "2024-02-01T00:00:00");
	EXPECT_EQ(Next("0 0 28-31 2 *", "2023-02-28T00:00"), "2024-02-28T00:00:00");
	EXPECT_EQ(Next("0 0 28-31 2 *", "2024-02-28T00:00"), "2024-02-29T00:00:00");
	EXPECT_EQ(Next("0 0 31 4,6,9,11,12 *", "2024-01-01T00:00"), "2024-12-31T00:00:00");
}

TEST(EtlNextRun, LeapYears) {
	EXPECT_EQ(Next("0 0 29 2 *", "2023-01-01T00:00"), "2024-02-29T00:00:00");
	EXPECT_EQ(Next("0 0 29 2 *", "2024-02-29T00:00"), "2028-02-29T00:00:00");
	EXPECT_EQ(Next("0 0 29 2 *", "2024-02-28T23:59:59"), "2024-02-29T00:00:00");
	// 2100 is not a leap year: eight years from 2096 to 2104.
	EXPECT_EQ(Next("0 0 29 2 *", "2096-02-29T00:00"), "2104-02-29T00:00:00");
	EXPECT_EQ(Next("0 0 29 2 *", "2097-01-01T00:00"), "2104-02-29T00:00:00");
	// 2000 is (divisible by 400), 1900 is not.
	EXPECT_EQ(Next("0 0 29 2 *", "1996-03-01T00:00"), "2000-02-29T00:00:00");
	EXPECT_EQ(Next("0 0 29 2 *", "1896-03-01T00:00"), "1904-02-29T00:00:00");
	EXPECT_EQ(Next("0 12 * 2 *", "2024-02-28T12:00"), "2024-02-29T12:00:00");
	EXPECT_EQ(Next("0 12 * 2 *", "2023-02-28T12:00"), "2024-02-01T12:00:00");
	// Feb 29 on a Monday: both day fields restricted, with "*/..." making it an AND (Vixie).
	EXPECT_EQ(Next("0 0 */28 2 mon", "2024-03-01T00:00"), "2027-02-01T00:00:00");
}

TEST(EtlNextRun, YearRollover) {
	EXPECT_EQ(Next("0 0 1 1 *", "2023-12-31T23:59:59"), "2024-01-01T00:00:00");
	EXPECT_EQ(Next("@yearly", "2024-01-01T00:00"), "2025-01-01T00:00:00");
	EXPECT_EQ(Next("@annually", "2024-06-15T00:00"), "2025-01-01T00:00:00");
	EXPECT_EQ(Next("*/15 * * * *", "2023-12-31T23:59:59"), "2024-01-01T00:00:00");
	EXPECT_EQ(Next("0 0 * dec *", "2023-12-31T00:00"), "2024-12-01T00:00:00");
	EXPECT_EQ(Next("59 23 31 12 *", "2024-01-01T00:00"), "2024-12-31T23:59:00");
	EXPECT_EQ(Next("0 0 1 1 *", "1969-12-31T23:59:59"), "1970-01-01T00:00:00");
	EXPECT_EQ(NextRun(ParseSchedule("0 0 1 1 *"), -31536000), 0); // 1969-01-01 -> 1970-01-01
	EXPECT_EQ(NextRun(ParseSchedule("0 0 1 1 *"), -31536001), -31536000);
}

TEST(EtlNextRun, Macros) {
	EXPECT_EQ(Next("@hourly", "2024-01-01T10:00"), "2024-01-01T11:00:00");
	EXPECT_EQ(Next("@daily", "2024-01-01T10:00"), "2024-01-02T00:00:00");
	EXPECT_EQ(Next("@midnight", "2024-01-01T23:59:59"), "2024-01-02T00:00:00");
	EXPECT_EQ(Next("@weekly", "2024-06-01T00:00"), "2024-06-02T00:00:00"); // Saturday -> Sunday
	EXPECT_EQ(Next("@monthly", "2024-02-15T00:00"), "2024-03-01T00:00:00");
}

TEST(EtlNextRun, SundayIsZeroAndSeven) {
	// 2024-06-01 is a Saturday.
	for (const char *s : {"0 12 * * 0", "0 12 * * 7", "0 12 * * sun", "0 12 * * SUN", "0 12 * * 0,7"})
		EXPECT_EQ(Next(s, "2024-06-01T00:00"), "2024-06-02T12:00:00") << s;
	EXPECT_EQ(Next("0 12 * * 6-7", "2024-06-01T12:00"), "2024-06-02T12:00:00");
	EXPECT_EQ(Next("0 12 * * 6-7", "2024-06-02T12:00"), "2024-06-08T12:00:00");
	EXPECT_EQ(Next("0 12 * * fri-sun", "2024-06-02T12:00"), "2024-06-07T12:00:00");
	EXPECT_EQ(Next("0 9 * * mon-fri", "2024-06-07T09:00"), "2024-06-10T09:00:00");
	EXPECT_EQ(Next("0 9 * * 1-5", "2024-06-07T08:00"), "2024-06-07T09:00:00");
}

TEST(EtlNextRun, EitherDayFieldWhenBothRestricted) {
	// Friday or the 13th. 2024-09-01 is a Sunday; 2024-09-13 is a Friday.
	EXPECT_EQ(Next("0 0 13 * 5", "2024-09-01T00:00"), "2024-09-06T00:00:00");
	EXPECT_EQ(Next("0 0 13 * 5", "2024-09-06T00:00"), "2024-09-13T00:00:00");
	EXPECT_EQ(Next("0 0 13 * 5", "2024-09-13T00:00"), "2024-09-20T00:00:00");
	EXPECT_EQ(Next("0 0 13 * 5", "2024-10-11T00:00"), "2024-10-13T00:00:00"); // a Sunday the 13th
	// The 1st or any Monday: 2024-07-29 is a Monday, 2024-08-01 a Thursday.
	EXPECT_EQ(Next("0 0 1 * mon", "2024-07-29T00:00"), "2024-08-01T00:00:00");
	EXPECT_EQ(Next("0 0 1 * mon", "2024-08-01T00:00"), "2024-08-05T00:00:00");
	// Day 30 or Sunday, in February only: Sundays still run.
	EXPECT_EQ(Next("0 0 30 2 sun", "2024-01-01T00:00"), "2024-02-04T00:00:00");
	// A full day-of-month range or'd with one weekday runs every day.
	EXPECT_EQ(Next("0 0 1-31 * mon", "2024-06-01T00:00"), "2024-06-02T00:00:00");
}

TEST(EtlNextRun, BothDayFieldsWhenOneStartsWithStar) {
	// Odd days that are Mondays (Vixie: "*/2" counts as unrestricted, so both must match).
	EXPECT_EQ(Next("0 0 */2 * mon", "2024-06-30T00:00"), "2024-07-01T00:00:00");
	EXPECT_EQ(Next("0 0 */2 * mon", "2024-07-01T00:00"), "2024-07-15T00:00:00");
	// The 13th when it is a Sunday or a Friday ("*/5" is 0,5), the day-of-week field "*"-led.
	EXPECT_EQ(Next("0 0 13 * */5", "2024-09-14T00:00"), "2024-10-13T00:00:00");
	EXPECT_EQ(Next("0 0 13 * */5", "2024-10-13T00:00"), "2024-12-13T00:00:00");
}

TEST(EtlNextRun, MonthNames) {
	EXPECT_EQ(Next("0 0 1 jan,jul *", "2024-02-01T00:00"), "2024-07-01T00:00:00");
	EXPECT_EQ(Next("0 0 1 jan,jul *", "2024-07-01T00:00"), "2025-01-01T00:00:00");
	EXPECT_EQ(Next("0 0 15 mar-may *", "2024-05-15T00:00"), "2025-03-15T00:00:00");
}

TEST(EtlNextRun, ImpossibleSchedulesEndWithNothing) {
	for (const char *s : {"0 0 30 2 *", "0 0 31 2 *", "0 0 31 4,6,9,11 *", "0 0 30,31 feb *"}) {
		SCOPED_TRACE(s);
		Schedule schedule = ParseSchedule(s);
		EXPECT_EQ(NextRun(schedule, At("2024-01-01T00:00")), std::nullopt);
		EXPECT_EQ(NextRun(schedule, At("2099-12-31T00:00"), 3600), std::nullopt);
	}
	// Bounded work: a thousand impossible searches are quick (each skips ~4800 months).
	Schedule never = ParseSchedule("0 0 30 2 *");
	auto started = std::chrono::steady_clock::now();
	for (int i = 0; i < 1000; ++i)
		EXPECT_EQ(NextRun(never, i * 86400), std::nullopt);
	auto elapsed = std::chrono::steady_clock::now() - started;
	EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 5000);
}

TEST(EtlNextRun, FixedTimeZoneOffset) {
	// 09:00 local at UTC+1 is 08:00 UTC; at UTC-5 it is 14:00 UTC.
	EXPECT_EQ(Next("0 9 * * *", "2024-01-01T00:00", 3600), "2024-01-01T08:00:00");
	EXPECT_EQ(Next("0 9 * * *", "2024-01-01T08:00", 3600), "2024-01-02T08:00:00");
	EXPECT_EQ(Next("0 9 * * *", "2024-01-01T00:00", -5 * 3600), "2024-01-01T14:00:00");
	// UTC+14: 12:00 UTC is already 02:00 on the next local day.
	EXPECT_EQ(Next("0 9 * * *", "2024-01-01T12:00", 14 * 3600), "2024-01-01T19:00:00");
	// The local day decides the weekday: Monday 00:00 at UTC+1 is Sunday 23:00 UTC.
	EXPECT_EQ(Next("0 0 * * mon", "2024-06-01T00:00", 3600), "2024-06-02T23:00:00");
	EXPECT_EQ(Next("0 0 1 * *", "2024-06-01T00:00", -3600), "2024-06-01T01:00:00");
	// Half-hour zones: every local hour is half past in UTC.
	EXPECT_EQ(Next("0 * * * *", "2024-01-01T00:00", 19800), "2024-01-01T00:30:00");
	EXPECT_EQ(Next("0 * * * *", "2024-01-01T00:30", 19800), "2024-01-01T01:30:00");
	// Leap day in local time across the UTC date line.
	EXPECT_EQ(Next("0 0 29 2 *", "2024-01-01T00:00", 10 * 3600), "2024-02-28T14:00:00");
	EXPECT_EQ(Next("0 0 29 2 *", "2024-02-28T14:00", 10 * 3600), "2028-02-28T14:00:00");
}

TEST(EtlNextRun, TimeZoneOffsetOutOfRange) {
	Schedule s = ParseSchedule("@daily");
	EXPECT_NO_THROW(NextRun(s, 0, 18 * 3600));
	EXPECT_NO_THROW(NextRun(s, 0, -18 * 3600));
	try {
		NextRun(s, 0, 18 * 3600 + 1);
		FAIL() << "accepted";
	} catch (const hdl::Error &e) {
		EXPECT_EQ(e.kind(), hdl::ErrorKind::InvalidParameter);
		EXPECT_EQ(std::string(e.what()), "invalid time zone offset: 64801");
		EXPECT_EQ(e.detail(), "The offset must be between -18 and +18 hours (-64800 to 64800 seconds).");
	}
	EXPECT_THROW(NextRun(ParseSchedule("30 seconds"), 0, -86400), hdl::Error);
}

TEST(EtlNextRun, ExtremeTimes) {
	Schedule cron = ParseSchedule("* * * * *");
	Schedule interval = ParseSchedule("1 day");
	EXPECT_EQ(NextRun(cron, std::numeric_limits<int64_t>::max()), std::nullopt);
	EXPECT_EQ(NextRun(cron, std::numeric_limits<int64_t>::min()), std::nullopt);
	EXPECT_EQ(NextRun(interval, std::numeric_limits<int64_t>::max()), std::nullopt);
	EXPECT_EQ(NextRun(interval, std::numeric_limits<int64_t>::min()), std::nullopt);
	EXPECT_EQ(Next("0 0 1 1 *", "9999-12-31T23:59"), "10000-01-01T00:00:00");
	EXPECT_EQ(Next("0 0 29 2 *", "1600-03-01T00:00"), "1604-02-29T00:00:00");
}

TEST(EtlNextRun, IntervalsAddToTheLastStart) {
	EXPECT_EQ(NextRun(ParseSchedule("30 seconds"), 1000), 1030);
	EXPECT_EQ(NextRun(ParseSchedule("every 1 second"), 1000), 1001);
	EXPECT_EQ(NextRun(ParseSchedule("5 minutes"), 1000), 1300);
	EXPECT_EQ(NextRun(ParseSchedule("2 hours"), 1000, 3600), 8200); // offsets do not move intervals
	EXPECT_EQ(NextRun(ParseSchedule("1 day"), At("2024-02-28T10:00:07")), At("2024-02-29T10:00:07"));
	EXPECT_EQ(NextRun(ParseSchedule("365 days"), -100), 31535900);
}

TEST(EtlNextRun, SkippingMissedRuns) {
	Schedule every30 = ParseSchedule("30 seconds");
	EXPECT_EQ(NextRunSkippingMissed(every30, 1000, 1000), 1030);
	EXPECT_EQ(NextRunSkippingMissed(every30, 1000, 1029), 1030);
	EXPECT_EQ(NextRunSkippingMissed(every30, 1000, 1030), 1060);
	EXPECT_EQ(NextRunSkippingMissed(every30, 1000, 1095), 1120);
	EXPECT_EQ(NextRunSkippingMissed(every30, 1000, 500), 1030); // clock went backwards
	EXPECT_EQ(NextRunSkippingMissed(every30, -1000, -1), 20);
	// Cron ignores the last start: runs missed while down are not replayed.
	Schedule hourly = ParseSchedule("@hourly");
	EXPECT_EQ(NextRunSkippingMissed(hourly, At("2024-01-01T00:00"), At("2024-01-01T05:30")),
	          At("2024-01-01T06:00"));
	EXPECT_EQ(NextRunSkippingMissed(hourly, At("2024-01-01T00:00"), At("2024-01-01T05:30"), -1800),
	          At("2024-01-01T05:30:00") + 3600);
}

TEST(EtlNextRun, AgreesWithReferenceSearch) {
	const char *minutes[] = {"*", "0", "*/15", "5,35", "10-50/20", "59"};
	const char *hours[] = {"*", "0", "23", "*/6", "9-17"};
	const char *days_of_month[] = {"*", "1", "31", "29", "15,30", "*/2", "1-7", "30", "13"};
	const char *months[] = {"*", "2", "feb,aug", "*/3", "12", "4,6,9,11", "jan"};
	const char *days_of_week[] = {"*", "0", "7", "mon-fri", "sat,sun", "fri-sun", "*/3", "5"};
	const int offsets[] = {0, 3600, -3600, 19800, -34200, 50400, -43200};
	std::mt19937_64 random(20240229);
	auto pick = [&random](auto &array) {
		return array[random() % (sizeof array / sizeof array[0])];
	};
	const int64_t from = At("1890-01-01T00:00");
	const int64_t to = At("2210-01-01T00:00");
	const int max_days = 6 * 366;
	int compared = 0;
	for (int i = 0; i < 1500; ++i) {
		std::string text = std::string(pick(minutes)) + " " + pick(hours) + " " + pick(days_of_month) + " " +
		                   pick(months) + " " + pick(days_of_week);
		Schedule s = ParseSchedule(text);
		int tz = pick(offsets);
		int64_t after = from + static_cast<int64_t>(random() % static_cast<uint64_t>(to - from));
		if (i % 3 == 0)
			after -= after % 60; // on a minute boundary
		std::optional<int64_t> expected = ReferenceNextRun(s, after, tz, max_days);
		std::optional<int64_t> actual = NextRun(s, after, tz);
		SCOPED_TRACE(text + " after " + Iso(after) + " tz " + std::to_string(tz));
		if (expected) {
			++compared;
			EXPECT_EQ(Iso(actual), Iso(expected));
		} else if (actual) {
			EXPECT_GT(*actual, after + int64_t {max_days} * 86400 - 86400);
		}
	}
	EXPECT_GT(compared, 1000);
}
