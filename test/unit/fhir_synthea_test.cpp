// Zero false rejections: every Synthea resource in ../shared validates at Strict with no error.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/fhir/validator.hpp"
#include "core/json/nlohmann_node.hpp"

namespace fs = std::filesystem;
using hdl::fhir::Level;

namespace {

// HDL_SHARED_DIR (as .ci/run sets it), else ../shared next to the checkout.
const fs::path kSynthea = fs::path(std::getenv("HDL_SHARED_DIR") != nullptr && *std::getenv("HDL_SHARED_DIR")
                                       ? std::getenv("HDL_SHARED_DIR")
                                       : HDL_SOURCE_DIR "/../shared") /
                          "data" / "synthea";

std::string
Describe(const hdl::fhir::ValidationResult &result) {
	std::string out;
	for (const auto &issue : result.issues)
		out += "  " + issue.expression + ": " + issue.message + " [" + issue.code + "]\n";
	return out;
}

} // namespace

TEST(FhirSynthea, BundlesValidateStrict) {
	if (!fs::exists(kSynthea))
		GTEST_SKIP() << "../shared/data/synthea is absent; Synthea bundles not checked";
	size_t bundles = 0;
	for (const auto &dir : {"synthea-v2.4-2019", "synthea-master-2025"}) {
		for (const auto &file : fs::directory_iterator(kSynthea / "bundles" / dir)) {
			if (file.path().extension() != ".json")
				continue;
			std::ifstream in(file.path());
			nlohmann::json doc = nlohmann::json::parse(in);
			auto result = hdl::fhir::ValidateResource(hdl::json::FromNlohmann(doc), Level::Strict, 50);
			EXPECT_TRUE(result.issues.empty()) << file.path().filename() << "\n" << Describe(result);
			bundles++;
		}
	}
	EXPECT_GE(bundles, 20u);
}

TEST(FhirSynthea, NdjsonValidatesStrict) {
	if (!fs::exists(kSynthea))
		GTEST_SKIP() << "../shared/data/synthea is absent; Synthea NDJSON not checked";
	size_t resources = 0, bytes = 0;
	double seconds = 0;
	for (const auto &file : fs::directory_iterator(kSynthea / "ndjson")) {
		// log.ndjson is the bulk-export log, not FHIR resources.
		if (file.path().extension() != ".ndjson" || file.path().filename() == "log.ndjson")
			continue;
		std::ifstream in(file.path());
		std::string line;
		size_t lineNo = 0;
		while (std::getline(in, line)) {
			lineNo++;
			if (line.empty())
				continue;
			nlohmann::json doc = nlohmann::json::parse(line);
			auto start = std::chrono::steady_clock::now();
			auto result = hdl::fhir::ValidateResource(hdl::json::FromNlohmann(doc), Level::Strict, 50);
			seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
			EXPECT_TRUE(result.issues.empty()) << file.path().filename() << ":" << lineNo << "\n"
			                                   << Describe(result);
			resources++;
			bytes += line.size();
		}
	}
	EXPECT_EQ(resources, 7160u);
	std::printf("validated %zu resources (%.1f MB) in %.3f s: %.0f resources/s (nlohmann back end)\n",
	            resources, bytes / 1e6, seconds, resources / seconds);
}
