// The generation loop and the command-line entry point, kept out of main.cpp so that tests
// can run the generator in-process.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "options.hpp"

namespace hdl::synth::tool {

struct GenerateStats {
	uint64_t patients = 0;
	uint64_t records = 0;   // patient records across feeds (= bundles in bundle output)
	uint64_t resources = 0; // resources written, shared ones included
};

// Generates and writes everything the options ask for, one patient at a time. progress (may
// be null) receives a line every options.progress_every patients.
GenerateStats Generate(const Options &options, std::ostream *progress);

// Runs hdl-synth with these arguments (without the program name); returns the exit status.
int RunCli(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);

} // namespace hdl::synth::tool
