// Hand-written lists of common British given names, family names and titles.
#pragma once
#include "core/synth/random.hpp"

namespace hdl::synth {

const char *PickMaleGivenName(Random &random);
const char *PickFemaleGivenName(Random &random);
const char *PickFamilyName(Random &random);

} // namespace hdl::synth

#include "core/cpp_only.hpp"
