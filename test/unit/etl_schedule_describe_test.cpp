// Describe: console text for intervals, common cron shapes, and the normalised cron fallback.
#include <gtest/gtest.h>

#include "core/etl/schedule.hpp"

using hdl::etl::Describe;
using hdl::etl::ParseSchedule;

namespace {

std::string
DescribeText(const char *text) {
	return Describe(ParseSchedule(text));
}

} // namespace

TEST(EtlScheduleDescribe, Intervals) {
	EXPECT_EQ(DescribeText("30 seconds"), "every 30 seconds");
	EXPECT_EQ(DescribeText("1 second"), "every second");
	EXPECT_EQ(DescribeText("every 90 seconds"), "every 90 seconds");
	EXPECT_EQ(DescribeText("60 seconds"), "every minute");
	EXPECT_EQ(DescribeText("120 seconds"), "every 2 minutes");
	EXPECT_EQ(DescribeText("5 minutes"), "every 5 minutes");
	EXPECT_EQ(DescribeText("90 minutes"), "every 90 minutes");
	EXPECT_EQ(DescribeText("60 minutes"), "every hour");
	EXPECT_EQ(DescribeText("2 hours"), "every 2 hours");
	EXPECT_EQ(DescribeText("24 hours"), "every day");
	EXPECT_EQ(DescribeText("1 day"), "every day");
	EXPECT_EQ(DescribeText("3 days"), "every 3 days");
	EXPECT_EQ(DescribeText("7 days"), "every week");
	EXPECT_EQ(DescribeText("2 weeks"), "every 2 weeks");
	EXPECT_EQ(DescribeText("365 days"), "every 365 days");
}

TEST(EtlScheduleDescribe, CommonCronShapes) {
	EXPECT_EQ(DescribeText("5 4 * * *"), "at 04:05 every day");
	EXPECT_EQ(DescribeText("30 23 * * *"), "at 23:30 every day");
	EXPECT_EQ(DescribeText("@daily"), "at 00:00 every day");
	EXPECT_EQ(DescribeText("@midnight"), "at 00:00 every day");
	EXPECT_EQ(DescribeText("* * * * *"), "every minute");
	EXPECT_EQ(DescribeText("@hourly"), "at minute 0 of every hour");
	EXPECT_EQ(DescribeText("15 * * * *"), "at minute 15 of every hour");
	EXPECT_EQ(DescribeText("@weekly"), "at 00:00 every Sunday");
	EXPECT_EQ(DescribeText("0 6 * * 7"), "at 06:00 every Sunday");
	EXPECT_EQ(DescribeText("0 6 * * FRI"), "at 06:00 every Friday");
	EXPECT_EQ(DescribeText("@monthly"), "at 00:00 on day 1 of every month");
	EXPECT_EQ(DescribeText("0 3 15 * *"), "at 03:00 on day 15 of every month");
	EXPECT_EQ(DescribeText("@yearly"), "at 00:00 on 1 January every year");
	EXPECT_EQ(DescribeText("0 12 29 feb *"), "at 12:00 on 29 February every year");
	EXPECT_EQ(DescribeText("0 0 25 12 *"), "at 00:00 on 25 December every year");
}

TEST(EtlScheduleDescribe, EquivalentSpellingsOfEveryDay) {
	EXPECT_EQ(DescribeText("0 0 1-31 * *"), "at 00:00 every day");
	EXPECT_EQ(DescribeText("0 0 * * 0-6"), "at 00:00 every day");
	EXPECT_EQ(DescribeText("0 0 * * 0-7"), "at 00:00 every day");
	EXPECT_EQ(DescribeText("0 0 * jan-dec *"), "at 00:00 every day");
	EXPECT_EQ(DescribeText("0-59 0-23 * * *"), "every minute");
	// Either day field may match, and one of them covers every day.
	EXPECT_EQ(DescribeText("0 0 1-31 * mon"), "at 00:00 every day");
	EXPECT_EQ(DescribeText("0 0 15 * 0-6"), "at 00:00 every day");
}

TEST(EtlScheduleDescribe, OtherShapesShowNormalisedCron) {
	EXPECT_EQ(DescribeText("*/15 9-17 * * MON-FRI"), "*/15 9-17 * * mon-fri");
	EXPECT_EQ(DescribeText(" 0  0,12  *  *  * "), "0 0,12 * * *");
	EXPECT_EQ(DescribeText("0 0 1 * mon"), "0 0 1 * mon");     // the 1st or a Monday
	EXPECT_EQ(DescribeText("0 0 */2 * mon"), "0 0 */2 * mon"); // odd days that are Mondays
	EXPECT_EQ(DescribeText("0 0 * 6 *"), "0 0 * 6 *");
	EXPECT_EQ(DescribeText("0 0 1 6 0-6"), "0 0 1 6 0-6"); // every day in June
	EXPECT_EQ(DescribeText("0 0 * * mon-fri"), "0 0 * * mon-fri");
	EXPECT_EQ(DescribeText("0 * 1 * *"), "0 * 1 * *");
	EXPECT_EQ(DescribeText("0 0 1 jan,jul *"), "0 0 1 jan,jul *");
}
