// Plausible UK addresses and telephone numbers for a West and North Yorkshire population.
// Telephone numbers come from the Ofcom ranges reserved for drama, so none can be dialled.
#pragma once
#include <string>

#include "core/synth/random.hpp"

namespace hdl::synth {

struct UkAddress {
	std::string line1;    // house number and street
	std::string line2;    // locality, may be empty
	std::string city;     // post town
	std::string district; // county
	std::string postcode; // e.g. "LS6 2AB"
	std::string landline; // a landline number for the post town
};

UkAddress MakeUkAddress(Random &random);

// A mobile number such as "07700 900123".
std::string MakeUkMobileNumber(Random &random);

} // namespace hdl::synth

#include "core/cpp_only.hpp"
