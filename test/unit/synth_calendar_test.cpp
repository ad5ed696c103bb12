// Calendar arithmetic and the UK clock (GMT/BST) used for FHIR dates and times.
#include <gtest/gtest.h>

#include "core/synth/calendar.hpp"

using namespace hdl::synth;

TEST(SynthCalendar, CivilDaysRoundTrip) {
	EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
	EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
	EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
	for (int64_t day = -30000; day < 30000; day += 37) {
		const CivilDate date = CivilFromDays(day);
		ASSERT_EQ(DaysFromCivil(date.year, date.month, date.day), day);
	}
	EXPECT_EQ(FormatDate(DaysFromCivil(2024, 2, 29)), "2024-02-29");
}

TEST(SynthCalendar, ParseDateAcceptsOnlyRealDates) {
	int64_t days = 0;
	ASSERT_TRUE(ParseDate("2025-01-01", days));
	EXPECT_EQ(days, DaysFromCivil(2025, 1, 1));
	EXPECT_TRUE(ParseDate("2024-02-29", days));
	EXPECT_FALSE(ParseDate("2023-02-29", days));
	EXPECT_FALSE(ParseDate("2025-13-01", days));
	EXPECT_FALSE(ParseDate("2025-1-01", days));
	EXPECT_FALSE(ParseDate("01/01/2025", days));
	EXPECT_FALSE(ParseDate("", days));
}

TEST(SynthCalendar, BritishSummerTimeBoundaries) {
	// 2024: clocks went forward at 01:00 UTC on 31 March and back at 01:00 UTC on 27 October.
	const int64_t spring = DaysFromCivil(2024, 3, 31) * SECONDS_PER_DAY + 3600;
	const int64_t autumn = DaysFromCivil(2024, 10, 27) * SECONDS_PER_DAY + 3600;
	EXPECT_FALSE(IsBritishSummerTime(spring - 1));
	EXPECT_TRUE(IsBritishSummerTime(spring));
	EXPECT_TRUE(IsBritishSummerTime(autumn - 1));
	EXPECT_FALSE(IsBritishSummerTime(autumn));
	EXPECT_EQ(FormatUkDateTime(spring - 1), "2024-03-31T00:59:59+00:00");
	EXPECT_EQ(FormatUkDateTime(spring), "2024-03-31T02:00:00+01:00");
	EXPECT_EQ(FormatUkDateTime(autumn - 1), "2024-10-27T01:59:59+01:00");
	EXPECT_EQ(FormatUkDateTime(autumn), "2024-10-27T01:00:00+00:00");
}

TEST(SynthCalendar, InstantsAreUtc) {
	const int64_t t = DaysFromCivil(2024, 7, 1) * SECONDS_PER_DAY + 8 * 3600 + 30 * 60;
	EXPECT_EQ(FormatUtcInstant(t), "2024-07-01T08:30:00Z");
	EXPECT_EQ(FormatUkDateTime(t), "2024-07-01T09:30:00+01:00");
}

TEST(SynthCalendar, YearsBetweenCountsBirthdays) {
	const int64_t born = DaysFromCivil(2000, 6, 15);
	EXPECT_EQ(YearsBetween(born, DaysFromCivil(2025, 6, 14)), 24);
	EXPECT_EQ(YearsBetween(born, DaysFromCivil(2025, 6, 15)), 25);
}
