// NHS number check digits, and the synthetic numbers the generator hands out.
#include <gtest/gtest.h>

#include <set>

#include "core/error.hpp"
#include "core/synth/nhs_number.hpp"

using namespace hdl::synth;

TEST(SynthNhsNumber, KnownValidNumbers) {
	EXPECT_TRUE(IsValidNhsNumber("9434765919")); // NHS Digital's documentation example
	EXPECT_TRUE(IsValidNhsNumber("4010232137"));
	EXPECT_TRUE(IsValidNhsNumber("9000000009"));
	EXPECT_EQ(NhsCheckDigit("943476591"), 9);
	EXPECT_EQ(NhsCheckDigit("900000000"), 9);
}

TEST(SynthNhsNumber, WeightsRunFromTenToTwo) {
	EXPECT_EQ(NhsCheckDigit("000000011"), 6); // 1*3 + 1*2 = 5 -> 11 - 5
	EXPECT_EQ(NhsCheckDigit("110000000"), 3); // 1*10 + 1*9 = 19 -> 11 - 8
}

TEST(SynthNhsNumber, RemainderZeroGivesCheckDigitZero) {
	EXPECT_EQ(NhsCheckDigit("200000001"), 0); // 2*10 + 1*2 = 22 -> 11 - 0 = 11 -> 0
	EXPECT_TRUE(IsValidNhsNumber("2000000010"));
}

TEST(SynthNhsNumber, CheckDigitTenIsInvalid) {
	// 100000001 -> 10 + 2 = 12 -> 12 % 11 = 1 -> 11 - 1 = 10: no valid NHS number starts this way.
	EXPECT_EQ(NhsCheckDigit("100000001"), -1);
	for (char last = '0'; last <= '9'; ++last) {
		EXPECT_FALSE(IsValidNhsNumber(std::string("100000001") + last));
	}
}

TEST(SynthNhsNumber, RejectsWrongDigitsAndShapes) {
	EXPECT_FALSE(IsValidNhsNumber("9434765918"));   // wrong check digit
	EXPECT_FALSE(IsValidNhsNumber("943476591"));    // too short
	EXPECT_FALSE(IsValidNhsNumber("94347659190"));  // too long
	EXPECT_FALSE(IsValidNhsNumber("943 476 5919")); // spaces are not accepted
	EXPECT_FALSE(IsValidNhsNumber("94347X5919"));
	EXPECT_FALSE(IsValidNhsNumber(""));
	EXPECT_EQ(NhsCheckDigit("12345678"), -1);
	EXPECT_EQ(NhsCheckDigit("12345678a"), -1);
}

TEST(SynthNhsNumber, SyntheticNumbersAreValidUniqueAndInTheTestRange) {
	std::set<std::string> seen;
	for (uint64_t i = 0; i < 20000; ++i) {
		const std::string number = SyntheticNhsNumber(i, 42);
		ASSERT_TRUE(IsValidNhsNumber(number)) << number;
		ASSERT_EQ(number.substr(0, 3), "999") << number;
		ASSERT_TRUE(seen.insert(number).second) << "duplicate " << number << " at index " << i;
	}
	EXPECT_EQ(SyntheticNhsNumber(7, 42), SyntheticNhsNumber(7, 42));
	EXPECT_NE(SyntheticNhsNumber(7, 42), SyntheticNhsNumber(7, 43));
}

TEST(SynthNhsNumber, TheWholeRangeIsUsableAndBounded) {
	EXPECT_TRUE(IsValidNhsNumber(SyntheticNhsNumber(MAX_SYNTHETIC_NHS_NUMBERS - 1, 1)));
	try {
		SyntheticNhsNumber(MAX_SYNTHETIC_NHS_NUMBERS, 1);
		FAIL() << "expected hdl::Error";
	} catch (const hdl::Error &error) {
		EXPECT_EQ(error.kind(), hdl::ErrorKind::ConfigLimit);
	}
}
