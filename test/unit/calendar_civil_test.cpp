// Calendar arithmetic agrees with the C library for every day from 1600 to 2500.
#include <gtest/gtest.h>

#include <ctime>

#include "core/calendar/civil.hpp"

using namespace hdl::calendar;

TEST(CalendarCivil, LeapYearsAndMonthLengths) {
	EXPECT_TRUE(IsLeapYear(2024));
	EXPECT_TRUE(IsLeapYear(2000));
	EXPECT_TRUE(IsLeapYear(1600));
	EXPECT_FALSE(IsLeapYear(1900));
	EXPECT_FALSE(IsLeapYear(2100));
	EXPECT_FALSE(IsLeapYear(2023));
	EXPECT_TRUE(IsLeapYear(-4));
	EXPECT_TRUE(IsLeapYear(0));
	EXPECT_EQ(DaysInMonth(2024, 2), 29);
	EXPECT_EQ(DaysInMonth(2100, 2), 28);
	EXPECT_EQ(DaysInMonth(2023, 4), 30);
	EXPECT_EQ(DaysInMonth(2023, 12), 31);
}

TEST(CalendarCivil, FloorDivision) {
	EXPECT_EQ(FloorDiv(7, 2), 3);
	EXPECT_EQ(FloorDiv(-7, 2), -4);
	EXPECT_EQ(FloorDiv(-8, 2), -4);
	EXPECT_EQ(FloorMod(-1, 7), 6);
	EXPECT_EQ(FloorMod(-7, 7), 0);
	EXPECT_EQ(FloorMod(8, 7), 1);
}

TEST(CalendarCivil, KnownDays) {
	EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
	EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
	EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
	EXPECT_EQ(WeekdayFromDays(0), 4);                           // Thursday
	EXPECT_EQ(WeekdayFromDays(DaysFromCivil(2024, 6, 2)), 0);   // Sunday
	EXPECT_EQ(WeekdayFromDays(DaysFromCivil(1969, 12, 28)), 0); // Sunday
	CivilDate d = CivilFromDays(-1);
	EXPECT_EQ(d.year, 1969);
	EXPECT_EQ(d.month, 12);
	EXPECT_EQ(d.day, 31);
}

TEST(CalendarCivil, AgreesWithGmtime) {
	const int64_t first = DaysFromCivil(1600, 1, 1);
	const int64_t last = DaysFromCivil(2500, 12, 31);
	for (int64_t days = first; days <= last; ++days) {
		std::time_t t = static_cast<std::time_t>(days * 86400);
		std::tm tm {};
		gmtime_r(&t, &tm);
		CivilDate d = CivilFromDays(days);
		ASSERT_EQ(d.year, tm.tm_year + 1900) << days;
		ASSERT_EQ(d.month, tm.tm_mon + 1) << days;
		ASSERT_EQ(d.day, tm.tm_mday) << days;
		ASSERT_EQ(WeekdayFromDays(days), tm.tm_wday) << days;
		ASSERT_EQ(DaysFromCivil(d.year, d.month, d.day), days);
	}
}

TEST(CalendarCivil, MonthsOutsideTheYearHaveNoDays) {
	EXPECT_EQ(DaysInMonth(2024, 0), 0);
	EXPECT_EQ(DaysInMonth(2024, 13), 0);
	EXPECT_EQ(DaysInMonth(2024, -1), 0);
}

TEST(CalendarCivil, ReadDigits) {
	int v = -1;
	EXPECT_TRUE(ReadDigits("2024-07-01", 0, 4, v));
	EXPECT_EQ(v, 2024);
	EXPECT_TRUE(ReadDigits("2024-07-01", 5, 2, v));
	EXPECT_EQ(v, 7);
	v = -1;
	EXPECT_FALSE(ReadDigits("2024-07-01", 4, 2, v)); // "-0"
	EXPECT_FALSE(ReadDigits("2024-07-01", 8, 3, v)); // past the end
	EXPECT_FALSE(ReadDigits("12a4", 0, 4, v));
	EXPECT_EQ(v, -1); // untouched on failure
	EXPECT_TRUE(ReadDigits("0007", 0, 4, v));
	EXPECT_EQ(v, 7);
}
