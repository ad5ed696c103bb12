// NHS numbers: the modulus-11 check digit, and unique synthetic numbers for generated patients.
// Synthetic numbers start with 999, a range NHS England reserves for test data and never issues.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace hdl::synth {

// How many distinct synthetic NHS numbers SyntheticNhsNumber can produce for one seed.
constexpr uint64_t MAX_SYNTHETIC_NHS_NUMBERS = 900000;

// The check digit (0-9) for nine leading digits, or -1 when the digits cannot start an
// NHS number (the remainder gives 10) or the input is not exactly nine digits.
int NhsCheckDigit(std::string_view first_nine);

// True for ten digits whose last digit is the right check digit (spaces are not accepted).
bool IsValidNhsNumber(std::string_view number);

// A valid NHS number in the 999 test range; distinct indexes below MAX_SYNTHETIC_NHS_NUMBERS
// give distinct numbers for the same seed. Throws hdl::Error for larger indexes.
std::string SyntheticNhsNumber(uint64_t index, uint64_t seed);

} // namespace hdl::synth

#include "core/cpp_only.hpp"
