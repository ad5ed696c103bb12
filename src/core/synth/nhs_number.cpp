#include "core/synth/nhs_number.hpp"

#include "core/error.hpp"
#include "core/synth/random.hpp"

namespace hdl::synth {

int
NhsCheckDigit(std::string_view first_nine) {
	if (first_nine.size() != 9) {
		return -1;
	}
	int sum = 0;
	for (int i = 0; i < 9; ++i) {
		const char c = first_nine[static_cast<std::size_t>(i)];
		if (c < '0' || c > '9') {
			return -1;
		}
		sum += (c - '0') * (10 - i);
	}
	const int check = 11 - sum % 11;
	if (check == 11) {
		return 0;
	}
	return check == 10 ? -1 : check;
}

bool
IsValidNhsNumber(std::string_view number) {
	if (number.size() != 10 || number[9] < '0' || number[9] > '9') {
		return false;
	}
	const int check = NhsCheckDigit(number.substr(0, 9));
	return check >= 0 && check == number[9] - '0';
}

std::string
SyntheticNhsNumber(uint64_t index, uint64_t seed) {
	if (index >= MAX_SYNTHETIC_NHS_NUMBERS) {
		throw Error(ErrorKind::ConfigLimit, "too many synthetic patients",
		            "At most " + std::to_string(MAX_SYNTHETIC_NHS_NUMBERS) +
		                " distinct NHS numbers exist in the 999 test range.");
	}
	// A seed-dependent bijection of [0, 900000): 7919 is prime and does not divide 900000.
	const uint64_t slot_index =
	    (index * 7919 + MixKeys(seed, 0x4e4853) % MAX_SYNTHETIC_NHS_NUMBERS) % MAX_SYNTHETIC_NHS_NUMBERS;
	// Each of the 100000 eight-digit stems 999xxxxx has at least nine last digits that give a
	// valid check digit (only one remainder yields 10), so slot % 9 always finds one.
	const uint64_t stem = 99900000 + slot_index / 9;
	uint64_t wanted = slot_index % 9;
	std::string digits = std::to_string(stem) + "0";
	for (char last = '0'; last <= '9'; ++last) {
		digits[8] = last;
		const int check = NhsCheckDigit(digits);
		if (check < 0) {
			continue;
		}
		if (wanted-- == 0) {
			digits.push_back(static_cast<char>('0' + check));
			return digits;
		}
	}
	throw Error(ErrorKind::Internal, "no valid NHS number for stem " + std::to_string(stem));
}

} // namespace hdl::synth
