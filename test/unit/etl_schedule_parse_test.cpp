// ParseSchedule: cron fields, names, macros, intervals, and every error with its detail.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "core/error.hpp"
#include "core/etl/schedule.hpp"

using hdl::etl::ParseSchedule;
using hdl::etl::Schedule;
using hdl::etl::ScheduleKind;

namespace {

uint64_t
Bits(std::initializer_list<int> values) {
	uint64_t bits = 0;
	for (int v : values)
		bits |= uint64_t {1} << v;
	return bits;
}

uint64_t
Range(int lo, int hi, int step = 1) {
	uint64_t bits = 0;
	for (int v = lo; v <= hi; v += step)
		bits |= uint64_t {1} << v;
	return bits;
}

// The detail of the error ParseSchedule raises for `text`; checks the message, kind and hint.
std::string
DetailOf(const std::string &text) {
	try {
		Schedule s = ParseSchedule(text);
		ADD_FAILURE() << "accepted \"" << text << "\" as \"" << s.text << "\"";
	} catch (const hdl::Error &e) {
		EXPECT_EQ(e.kind(), hdl::ErrorKind::InvalidParameter);
		EXPECT_EQ(std::string(e.what()), "invalid schedule: \"" + text + "\"");
		EXPECT_EQ(e.hint(), "Use cron format (e.g. \"5 4 * * *\") or an interval (e.g. \"30 seconds\").");
		return e.detail();
	}
	return "";
}

} // namespace

TEST(EtlScheduleParse, SimpleCron) {
	Schedule s = ParseSchedule("5 4 * * *");
	EXPECT_EQ(s.kind, ScheduleKind::Cron);
	EXPECT_EQ(s.text, "5 4 * * *");
	EXPECT_EQ(s.minutes, Bits({5}));
	EXPECT_EQ(s.hours, Bits({4}));
	EXPECT_EQ(s.days_of_month, Range(1, 31));
	EXPECT_EQ(s.months, Range(1, 12));
	EXPECT_EQ(s.days_of_week, Range(0, 6));
	EXPECT_TRUE(s.day_of_month_star);
	EXPECT_TRUE(s.day_of_week_star);
}

TEST(EtlScheduleParse, ListsRangesAndSteps) {
	Schedule s = ParseSchedule("1,5,10-12 */6 1-31/10 2-11/3 1-5");
	EXPECT_EQ(s.minutes, Bits({1, 5, 10, 11, 12}));
	EXPECT_EQ(s.hours, Bits({0, 6, 12, 18}));
	EXPECT_EQ(s.days_of_month, Bits({1, 11, 21, 31}));
	EXPECT_EQ(s.months, Bits({2, 5, 8, 11}));
	EXPECT_EQ(s.days_of_week, Range(1, 5));
	EXPECT_FALSE(s.day_of_month_star);
	EXPECT_FALSE(s.day_of_week_star);

	EXPECT_EQ(ParseSchedule("*/15 * * * *").minutes, Bits({0, 15, 30, 45}));
	EXPECT_EQ(ParseSchedule("10-50/10 * * * *").minutes, Bits({10, 20, 30, 40, 50}));
	EXPECT_EQ(ParseSchedule("*/7 * * * *").minutes, Range(0, 59, 7));
	EXPECT_EQ(ParseSchedule("0-59 * * * *").minutes, Range(0, 59));
	EXPECT_EQ(ParseSchedule("*/60 * * * *").minutes, Bits({0}));
	EXPECT_EQ(ParseSchedule("59,0,30,0 * * * *").minutes, Bits({0, 30, 59}));
	EXPECT_EQ(ParseSchedule("0 0 */2 * *").days_of_month, Range(1, 31, 2));
	EXPECT_EQ(ParseSchedule("0 0 * */4 *").months, Bits({1, 5, 9}));
}

TEST(EtlScheduleParse, SingleValueWithStepRunsToTheEndOfTheField) {
	EXPECT_EQ(ParseSchedule("5/15 * * * *").minutes, Bits({5, 20, 35, 50}));
	EXPECT_EQ(ParseSchedule("0 20/2 * * *").hours, Bits({20, 22}));
	EXPECT_EQ(ParseSchedule("0 0 * * 1/2").days_of_week, Bits({0, 1, 3, 5})); // 7 folds into Sunday
}

TEST(EtlScheduleParse, MonthAndDayNamesInAnyCase) {
	Schedule s = ParseSchedule("0 0 * JAN,mar-May,Dec sun,Wed-fri");
	EXPECT_EQ(s.months, Bits({1, 3, 4, 5, 12}));
	EXPECT_EQ(s.days_of_week, Bits({0, 3, 4, 5}));
	EXPECT_EQ(s.text, "0 0 * jan,mar-may,dec sun,wed-fri");
	EXPECT_EQ(ParseSchedule("0 0 * jan-dec/2 mon-fri/2").months, Range(1, 11, 2));
	EXPECT_EQ(ParseSchedule("0 0 * jan-dec/2 mon-fri/2").days_of_week, Bits({1, 3, 5}));
	EXPECT_EQ(ParseSchedule("0 0 * * SAT").days_of_week, Bits({6}));
	EXPECT_EQ(ParseSchedule("0 0 * 1,feb * ").months, Bits({1, 2}));
}

TEST(EtlScheduleParse, SundayIsZeroAndSeven) {
	EXPECT_EQ(ParseSchedule("0 0 * * 0").days_of_week, Bits({0}));
	EXPECT_EQ(ParseSchedule("0 0 * * 7").days_of_week, Bits({0}));
	EXPECT_EQ(ParseSchedule("0 0 * * 0,7").days_of_week, Bits({0}));
	EXPECT_EQ(ParseSchedule("0 0 * * 5-7").days_of_week, Bits({0, 5, 6}));
	EXPECT_EQ(ParseSchedule("0 0 * * 0-7").days_of_week, Range(0, 6));
	EXPECT_EQ(ParseSchedule("0 0 * * */2").days_of_week, Bits({0, 2, 4, 6}));
	// A range ending on Sunday wraps to 7.
	EXPECT_EQ(ParseSchedule("0 0 * * fri-sun").days_of_week, Bits({0, 5, 6}));
	EXPECT_EQ(ParseSchedule("0 0 * * 6-0").days_of_week, Bits({0, 6}));
	EXPECT_EQ(ParseSchedule("0 0 * * 0-0").days_of_week, Bits({0}));
}

TEST(EtlScheduleParse, StarFlagsFollowVixie) {
	Schedule s = ParseSchedule("0 0 */2 * mon");
	EXPECT_TRUE(s.day_of_month_star);
	EXPECT_FALSE(s.day_of_week_star);
	s = ParseSchedule("0 0 1-31 * *");
	EXPECT_FALSE(s.day_of_month_star);
	EXPECT_TRUE(s.day_of_week_star);
}

TEST(EtlScheduleParse, WhitespaceIsNormalised) {
	Schedule s = ParseSchedule("  */5\t 9-17   * *  MON-FRI \n");
	EXPECT_EQ(s.text, "*/5 9-17 * * mon-fri");
	EXPECT_EQ(s.hours, Range(9, 17));
}

TEST(EtlScheduleParse, Macros) {
	struct Case {
		const char *macro;
		const char *cron;
	};
	for (Case c :
	     {Case {"@hourly", "0 * * * *"}, Case {"@daily", "0 0 * * *"}, Case {"@midnight", "0 0 * * *"},
	      Case {"@weekly", "0 0 * * 0"}, Case {"@monthly", "0 0 1 * *"}, Case {"@yearly", "0 0 1 1 *"},
	      Case {"@annually", "0 0 1 1 *"}}) {
		SCOPED_TRACE(c.macro);
		Schedule m = ParseSchedule(c.macro);
		Schedule expanded = ParseSchedule(c.cron);
		EXPECT_EQ(m.kind, ScheduleKind::Cron);
		EXPECT_EQ(m.text, c.macro);
		EXPECT_EQ(m.minutes, expanded.minutes);
		EXPECT_EQ(m.hours, expanded.hours);
		EXPECT_EQ(m.days_of_month, expanded.days_of_month);
		EXPECT_EQ(m.months, expanded.months);
		EXPECT_EQ(m.days_of_week, expanded.days_of_week);
		EXPECT_EQ(m.day_of_month_star, expanded.day_of_month_star);
		EXPECT_EQ(m.day_of_week_star, expanded.day_of_week_star);
	}
	EXPECT_EQ(ParseSchedule(" @Daily ").text, "@daily");
}

TEST(EtlScheduleParse, Intervals) {
	struct Case {
		const char *text;
		int64_t seconds;
		const char *normalised;
	};
	for (Case c : {
	         Case {"30 seconds", 30, "30 seconds"},
	         Case {"1 second", 1, "1 second"},
	         Case {"1 seconds", 1, "1 second"},
	         Case {"5 second", 5, "5 seconds"},
	         Case {"5 minutes", 300, "5 minutes"},
	         Case {"5 mins", 300, "5 minutes"},
	         Case {"10 sec", 10, "10 seconds"},
	         Case {"2 hours", 7200, "2 hours"},
	         Case {"2 hrs", 7200, "2 hours"},
	         Case {"1 day", 86400, "1 day"},
	         Case {"3 days", 259200, "3 days"},
	         Case {"2 weeks", 1209600, "2 weeks"},
	         Case {"every 30 seconds", 30, "30 seconds"},
	         Case {"Every 15 Minutes", 900, "15 minutes"},
	         Case {"EVERY 1 HOUR", 3600, "1 hour"},
	         Case {"every minute", 60, "1 minute"},
	         Case {"every hour", 3600, "1 hour"},
	         Case {"every day", 86400, "1 day"},
	         Case {"every second", 1, "1 second"},
	         Case {"30seconds", 30, "30 seconds"},
	         Case {"every 5min", 300, "5 minutes"},
	         Case {"  45   seconds  ", 45, "45 seconds"},
	         Case {"007 seconds", 7, "7 seconds"},
	         Case {"90 seconds", 90, "90 seconds"},
	         Case {"365 days", 31536000, "365 days"},
	         Case {"52 weeks", 31449600, "52 weeks"},
	         Case {"8760 hours", 31536000, "8760 hours"},
	     }) {
		SCOPED_TRACE(c.text);
		Schedule s = ParseSchedule(c.text);
		EXPECT_EQ(s.kind, ScheduleKind::Interval);
		EXPECT_EQ(s.interval_seconds, c.seconds);
		EXPECT_EQ(s.text, c.normalised);
	}
}

TEST(EtlScheduleParse, ValueErrors) {
	EXPECT_EQ(DetailOf("61 * * * *"), "Minute field: 61 is out of range 0-59.");
	EXPECT_EQ(DetailOf("60 * * * *"), "Minute field: 60 is out of range 0-59.");
	EXPECT_EQ(DetailOf("0 24 * * *"), "Hour field: 24 is out of range 0-23.");
	EXPECT_EQ(DetailOf("0 0 0 * *"), "Day-of-month field: 0 is out of range 1-31.");
	EXPECT_EQ(DetailOf("0 0 32 * *"), "Day-of-month field: 32 is out of range 1-31.");
	EXPECT_EQ(DetailOf("0 0 * 0 *"), "Month field: 0 is out of range 1-12.");
	EXPECT_EQ(DetailOf("0 0 * 13 *"), "Month field: 13 is out of range 1-12.");
	EXPECT_EQ(DetailOf("0 0 * * 8"), "Day-of-week field: 8 is out of range 0-7.");
	EXPECT_EQ(DetailOf("99999999999999999999 * * * *"),
	          "Minute field: 99999999999999999999 is out of range 0-59.");
	EXPECT_EQ(DetailOf("x * * * *"), "Minute field: \"x\" is not a number.");
	EXPECT_EQ(DetailOf("0 jan * * *"), "Hour field: \"jan\" is not a number.");
	EXPECT_EQ(DetailOf("0 0 mon * *"), "Day-of-month field: \"mon\" is not a number.");
	EXPECT_EQ(DetailOf("0 0 * foo *"), "Month field: \"foo\" is not a number or a month name (jan-dec).");
	EXPECT_EQ(DetailOf("0 0 * * sunday"),
	          "Day-of-week field: \"sunday\" is not a number or a day name (sun-sat).");
	EXPECT_EQ(DetailOf("0 0 * mon *"), "Month field: \"mon\" is not a number or a month name (jan-dec).");
	EXPECT_EQ(DetailOf("0 0 * * jan"), "Day-of-week field: \"jan\" is not a number or a day name (sun-sat).");
	EXPECT_EQ(DetailOf("-5 * * * *"), "Minute field: \"-5\" is missing a value.");
	EXPECT_EQ(DetailOf("5- * * * *"), "Minute field: \"5-\" is missing a value.");
	EXPECT_EQ(DetailOf("1-2-3 * * * *"), "Minute field: \"2-3\" is not a number.");
	EXPECT_EQ(DetailOf("*5 * * * *"), "Minute field: \"*5\" is not a number.");
	EXPECT_EQ(DetailOf("*-5 * * * *"), "Minute field: \"*\" is not a number.");
	EXPECT_EQ(DetailOf("? * * * *"), "Minute field: \"?\" is not a number.");
	EXPECT_EQ(DetailOf("1.5 * * * *"), "Minute field: \"1.5\" is not a number.");
}

TEST(EtlScheduleParse, ListRangeAndStepErrors) {
	EXPECT_EQ(DetailOf("1,,2 * * * *"), "Minute field: empty list item.");
	EXPECT_EQ(DetailOf("1, * * * *"), "Minute field: empty list item.");
	EXPECT_EQ(DetailOf("0 ,1 * * *"), "Hour field: empty list item.");
	EXPECT_EQ(DetailOf("50-10 * * * *"), "Minute field: range \"50-10\" runs backwards.");
	EXPECT_EQ(DetailOf("0 0 * dec-jan *"), "Month field: range \"dec-jan\" runs backwards.");
	EXPECT_EQ(DetailOf("0 0 * * sat-fri"), "Day-of-week field: range \"sat-fri\" runs backwards.");
	EXPECT_EQ(DetailOf("*/0 * * * *"), "Minute field: step 0 is out of range 1-60.");
	EXPECT_EQ(DetailOf("*/61 * * * *"), "Minute field: step 61 is out of range 1-60.");
	EXPECT_EQ(DetailOf("0 */25 * * *"), "Hour field: step 25 is out of range 1-24.");
	EXPECT_EQ(DetailOf("0 0 */32 * *"), "Day-of-month field: step 32 is out of range 1-31.");
	EXPECT_EQ(DetailOf("0 0 * */13 *"), "Month field: step 13 is out of range 1-12.");
	EXPECT_EQ(DetailOf("0 0 * * */8"), "Day-of-week field: step 8 is out of range 1-7.");
	EXPECT_EQ(DetailOf("*/ * * * *"), "Minute field: \"*/\" is missing the step after \"/\".");
	EXPECT_EQ(DetailOf("*/x * * * *"), "Minute field: step \"x\" is not a number.");
	EXPECT_EQ(DetailOf("*/5/2 * * * *"), "Minute field: step \"5/2\" is not a number.");
	EXPECT_EQ(DetailOf("/5 * * * *"), "Minute field: \"/5\" is missing a value.");
}

TEST(EtlScheduleParse, ShapeErrors) {
	EXPECT_EQ(DetailOf(""), "The schedule is empty.");
	EXPECT_EQ(DetailOf("   \t "), "The schedule is empty.");
	EXPECT_EQ(DetailOf("* * * *"),
	          "Expected 5 fields (minute hour day-of-month month day-of-week) but found 4.");
	EXPECT_EQ(DetailOf("0 * * * * *"),
	          "Expected 5 fields (minute hour day-of-month month day-of-week) but found 6.");
	EXPECT_EQ(DetailOf("5"), "Expected 5 fields (minute hour day-of-month month day-of-week) but found 1.");
	EXPECT_EQ(DetailOf("@reboot"),
	          "@reboot is not supported: ETL jobs run on a schedule, not at server start.");
	EXPECT_EQ(
	    DetailOf("@often"),
	    "Unknown macro \"@often\"; use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually.");
	EXPECT_EQ(DetailOf("@daily 5"),
	          "Unknown macro \"@daily 5\"; use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or "
	          "@annually.");
}

TEST(EtlScheduleParse, IntervalErrors) {
	EXPECT_EQ(DetailOf("0 seconds"), "Interval: \"0 seconds\" is shorter than 1 second.");
	EXPECT_EQ(DetailOf("every 0 minutes"), "Interval: \"0 minutes\" is shorter than 1 second.");
	EXPECT_EQ(DetailOf("366 days"), "Interval: \"366 days\" is longer than 1 year (365 days).");
	EXPECT_EQ(DetailOf("53 weeks"), "Interval: \"53 weeks\" is longer than 1 year (365 days).");
	EXPECT_EQ(DetailOf("31536001 seconds"),
	          "Interval: \"31536001 seconds\" is longer than 1 year (365 days).");
	EXPECT_EQ(DetailOf("99999999999999999999 seconds"),
	          "Interval: \"99999999999999999999 seconds\" is longer than 1 year (365 days).");
	EXPECT_EQ(DetailOf("5 fortnights"),
	          "Interval: unknown unit \"fortnights\"; use seconds, minutes, hours, days or weeks.");
	EXPECT_EQ(DetailOf("2 months"),
	          "Interval: unknown unit \"months\"; use seconds, minutes, hours, days or weeks.");
	EXPECT_EQ(DetailOf("30s"), "Interval: unknown unit \"s\"; use seconds, minutes, hours, days or weeks.");
	EXPECT_EQ(DetailOf("5 jan"),
	          "Interval: unknown unit \"jan\"; use seconds, minutes, hours, days or weeks.");
	EXPECT_EQ(DetailOf("1.5 hours"), "Interval: \"1.5\" is not a whole number.");
	EXPECT_EQ(DetailOf("-5 seconds"), "Interval: \"-5\" is not a whole number.");
	EXPECT_EQ(DetailOf("every five seconds"), "Interval: \"five\" is not a whole number.");
	EXPECT_EQ(DetailOf("every"), "Interval: a number and a unit must follow \"every\".");
	EXPECT_EQ(DetailOf("every 30"),
	          "Interval: \"30\" has no unit; use seconds, minutes, hours, days or weeks.");
	EXPECT_EQ(DetailOf("every 30 seconds please"),
	          "Interval: expected a number and a unit, e.g. \"every 30 seconds\".");
	EXPECT_EQ(DetailOf("every fortnight"),
	          "Interval: unknown unit \"fortnight\"; use seconds, minutes, hours, days or weeks.");
}

TEST(EtlScheduleParse, LongTextIsCutInTheMessage) {
	std::string text(300, '1');
	try {
		ParseSchedule(text);
		FAIL() << "accepted";
	} catch (const hdl::Error &e) {
		EXPECT_EQ(std::string(e.what()), "invalid schedule: \"" + std::string(200, '1') + "...\"");
		EXPECT_EQ(e.detail(), "Expected 5 fields (minute hour day-of-month month day-of-week) but found 1.");
	}
}
