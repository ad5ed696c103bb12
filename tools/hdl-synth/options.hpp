// Command-line options of hdl-synth and its usage text.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "feeds.hpp"

namespace hdl::synth::tool {

enum class OutputFormat { Bundles, Ndjson };

struct Options {
	uint64_t patients = 100;
	uint64_t seed = 1;
	std::string out_dir;
	OutputFormat format = OutputFormat::Bundles;
	std::vector<FeedKind> feeds; // in the fixed order gp, acute, ambulance, nhs111, mental-health
	int64_t as_of_day = 0;       // days since 1970-01-01; records end before this day
	bool quiet = false;
	bool help = false;
	uint64_t progress_every = 10000;
};

// Parses the arguments after the program name. Throws hdl::Error (InvalidParameter) with a
// message naming the bad option.
Options ParseOptions(const std::vector<std::string> &args);

std::string UsageText();

} // namespace hdl::synth::tool
