// InstantToUnixMicros: FHIR instants in their strict form to microseconds since the Unix
// epoch (what marts store as timestamptz without Postgres's general date parser); anything
// else is refused so that the general parser decides.
#include <gtest/gtest.h>

#include <cstdint>

#include "core/fhirpath/temporal.hpp"

namespace {

using hdl::fhirpath::InstantToUnixMicros;

int64_t
Micros(const char *text) {
	int64_t m = 0;
	EXPECT_TRUE(InstantToUnixMicros(text, m)) << text;
	return m;
}

TEST(InstantToUnixMicros, ConvertsStrictInstants) {
	EXPECT_EQ(Micros("1970-01-01T00:00:00Z"), 0);
	EXPECT_EQ(Micros("2000-01-01T00:00:00Z"), INT64_C(946684800) * 1000000);
	EXPECT_EQ(Micros("2024-02-29T12:34:56.789+01:00"), (INT64_C(1709210096) - 3600) * 1000000 + 789000);
	EXPECT_EQ(Micros("2024-02-29T12:34:56.789+01:00"), Micros("2024-02-29T11:34:56.789Z"));
	EXPECT_EQ(Micros("1969-12-31T23:59:59.000001-00:30"), INT64_C(1800) * 1000000 - 999999);
	EXPECT_EQ(Micros("0001-01-01T00:00:00Z"), INT64_C(-62135596800) * 1000000);
	EXPECT_EQ(Micros("2023-06-01T10:00:00.5Z") - Micros("2023-06-01T10:00:00Z"), 500000);
}

TEST(InstantToUnixMicros, RefusesWhatItCannotConvertExactly) {
	int64_t m;
	for (const char *text : {"2024-02-29", "2024-02-29T12:34Z", "2024-02-29T12:34:56", "2024-02-30T00:00:00Z",
	                         "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z",
	                         "2024-01-01T23:59:60Z", "2024-01-01T00:00:00.1234567Z", "2024-01-01T00:00:00.Z",
	                         "2024-01-01T00:00:00+0100", "2024-01-01T00:00:00+15:00", "2024-01-01 00:00:00Z",
	                         "0000-01-01T00:00:00Z", "2024-01-01T00:00:00Zx", ""})
		EXPECT_FALSE(InstantToUnixMicros(text, m)) << text;
}

} // namespace
