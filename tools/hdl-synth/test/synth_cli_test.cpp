// hdl-synth's command line: --help, option errors, progress and quiet.
#include <gtest/gtest.h>

#include <cstdio>
#include <sys/wait.h>

#include "synth_test_support.hpp"

using namespace synth_test;

TEST(SynthCli, HelpDescribesEveryOption) {
	std::string out, err;
	ASSERT_EQ(RunSynth({"--help"}, &out, &err), 0);
	EXPECT_TRUE(err.empty());
	for (const char *word :
	     {"Usage: hdl-synth", "--out", "--patients", "--seed", "--format", "bundles", "ndjson", "--feeds",
	      "gp", "acute", "ambulance", "nhs111", "mental-health", "--as-of", "--progress-every", "--quiet",
	      "--help", "manifest.json", ".bundles.ndjson"}) {
		EXPECT_NE(out.find(word), std::string::npos) << "usage does not mention " << word;
	}
	std::string short_out;
	ASSERT_EQ(RunSynth({"-h"}, &short_out), 0);
	EXPECT_EQ(short_out, out);
}

TEST(SynthCli, TheBinaryPrintsHelpAndExitsZero) {
	FILE *pipe = ::popen(HDL_SYNTH_BINARY " --help", "r");
	ASSERT_NE(pipe, nullptr);
	std::string text;
	char buffer[4096];
	for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
		text.append(buffer, n);
	}
	const int status = ::pclose(pipe);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	std::string in_process;
	RunSynth({"--help"}, &in_process);
	EXPECT_EQ(text, in_process);
}

TEST(SynthCli, BadOptionsExitTwoWithAMessage) {
	const std::vector<std::vector<std::string>> cases = {
	    {"--patients", "3"},                          // no --out
	    {"--out", "/tmp/x", "--format", "xml"},       // unknown format
	    {"--out", "/tmp/x", "--feeds", "gp,dentist"}, // unknown feed
	    {"--out", "/tmp/x", "--patients", "-1"},      // not a count
	    {"--out", "/tmp/x", "--patients", "900001"},  // beyond the NHS number test range
	    {"--out", "/tmp/x", "--as-of", "2023-02-29"}, // not a date
	    {"--out", "/tmp/x", "--colour"},              // unknown option
	    {"--out"},                                    // missing value
	};
	for (const auto &args : cases) {
		std::string out, err;
		EXPECT_EQ(RunSynth(args, &out, &err), 2) << args.back();
		EXPECT_EQ(err.rfind("hdl-synth: ", 0), 0u) << err;
		EXPECT_NE(err.find("--help"), std::string::npos) << err;
		EXPECT_TRUE(out.empty());
	}
}

TEST(SynthCli, ProgressGoesToStderrUnlessQuiet) {
	TempDir dir("progress");
	std::string out, err;
	ASSERT_EQ(
	    RunSynth({"--out=" + dir.str(), "--patients=5", "--progress-every=2", "--feeds=gp"}, &out, &err), 0);
	EXPECT_TRUE(out.empty());
	EXPECT_NE(err.find("2 of 5 patients"), std::string::npos) << err;
	EXPECT_NE(err.find("4 of 5 patients"), std::string::npos) << err;
	EXPECT_NE(err.find("resources/s"), std::string::npos) << err;

	ASSERT_EQ(
	    RunSynth({"--out", dir.str(), "--patients", "5", "--progress-every", "2", "--quiet"}, &out, &err), 0);
	EXPECT_TRUE(err.empty()) << err;
}

TEST(SynthCli, UnwritableOutputExitsOne) {
	TempDir dir("unwritable");
	const std::string file = (dir.path() / "plain-file").string();
	{ std::ofstream(file) << "x"; }
	std::string err;
	EXPECT_EQ(RunSynth({"--out", file + "/sub", "--patients", "1", "--quiet"}, nullptr, &err), 1);
	EXPECT_NE(err.find("cannot create"), std::string::npos) << err;
}
