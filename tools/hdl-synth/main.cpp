// hdl-synth: synthetic UK FHIR R4 data for hdl's demo, tests and benchmarks.
#include <iostream>
#include <string>
#include <vector>

#include "generator.hpp"

int
main(int argc, char **argv) {
	std::ios::sync_with_stdio(false);
	const std::vector<std::string> args(argv + 1, argv + argc);
	return hdl::synth::tool::RunCli(args, std::cout, std::cerr);
}
