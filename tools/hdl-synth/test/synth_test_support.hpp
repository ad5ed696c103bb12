// Helpers for the hdl-synth tests: temporary output directories, file reading and running the
// generator in-process.
#pragma once
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "generator.hpp"

namespace synth_test {

namespace fs = std::filesystem;

// A fresh directory under the system temp directory, removed when the object goes away.
class TempDir {
public:
	explicit TempDir(const std::string &name)
	    : path_(fs::temp_directory_path() / ("hdl-synth-test-" + std::to_string(::getpid()) + "-" + name)) {
		fs::remove_all(path_);
		fs::create_directories(path_);
	}
	~TempDir() {
		std::error_code ignored;
		fs::remove_all(path_, ignored);
	}
	const fs::path &
	path() const {
		return path_;
	}
	std::string
	str() const {
		return path_.string();
	}

private:
	fs::path path_;
};

inline std::string
ReadFile(const fs::path &path) {
	std::ifstream in(path, std::ios::binary);
	std::ostringstream text;
	text << in.rdbuf();
	return text.str();
}

inline std::vector<std::string>
ReadLines(const fs::path &path) {
	std::ifstream in(path);
	std::vector<std::string> lines;
	for (std::string line; std::getline(in, line);) {
		lines.push_back(line);
	}
	return lines;
}

// Runs hdl-synth in-process; returns the exit status, capturing stdout and stderr.
inline int
RunSynth(std::vector<std::string> args, std::string *out = nullptr, std::string *err = nullptr) {
	std::ostringstream out_stream, err_stream;
	const int status = hdl::synth::tool::RunCli(args, out_stream, err_stream);
	if (out != nullptr) {
		*out = out_stream.str();
	}
	if (err != nullptr) {
		*err = err_stream.str();
	}
	return status;
}

} // namespace synth_test
