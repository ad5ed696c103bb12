// The validator over the JSONB back end (as inside Postgres): same issues as over nlohmann,
// no false rejections on Synthea NDJSON, and its throughput (printed as a micro-benchmark).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/fhir/validator.hpp"
#include "core/json/jsonb_format.hpp"
#include "core/json/nlohmann_node.hpp"

namespace fs = std::filesystem;
using hdl::fhir::Level;

namespace {

hdl::json::Node
AsJsonb(const std::string &storage) {
	return hdl::json::jsonb::FromRoot(storage.data() + 4, static_cast<uint32_t>(storage.size() - 4));
}

// Issues as sorted "code expression" lines: the back ends visit members in different orders.
std::vector<std::string>
Sorted(const hdl::fhir::ValidationResult &result) {
	std::vector<std::string> out;
	for (const auto &issue : result.issues)
		out.push_back(issue.code + " " + issue.expression + " " + issue.message);
	std::sort(out.begin(), out.end());
	return out;
}

} // namespace

TEST(FhirJsonb, SameIssuesAsNlohmann) {
	const char *const docs[] = {
	    R"({"resourceType":"Patient","nmae":1,"gender":"M","birthDate":"1970-02-30","name":[{"given":["a",null]}]})",
	    R"({"resourceType":"Observation","status":"final","code":{"text":"x"},"valueString":"a","valueInteger":1,
	        "component":[{"code":{"text":"a"},"valueInteger":1.0},{"code":{"text":"b"},"valueQuantity":{"value":"1"}}]})",
	    R"({"resourceType":"Patient","multipleBirthInteger":3000000000,"telecom":[{"rank":0}],"photo":[{"size":7}]})",
	    R"({"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient","id":"x y"}}]})",
	    R"({"resourceType":"Patient","extension":[{"url":"u"},{"url":"v","valueDecimal":1.25}]})",
	};
	for (const char *text : docs) {
		nlohmann::json doc = nlohmann::json::parse(text);
		std::string storage = hdl::json::jsonb::Encode(doc);
		auto viaNlohmann = hdl::fhir::ValidateResource(hdl::json::FromNlohmann(doc), Level::Strict);
		auto viaJsonb = hdl::fhir::ValidateResource(AsJsonb(storage), Level::Strict);
		EXPECT_FALSE(viaJsonb.issues.empty()) << text;
		EXPECT_EQ(Sorted(viaNlohmann), Sorted(viaJsonb)) << text;
	}
}

TEST(FhirJsonb, SyntheaNdjsonThroughput) {
	// HDL_SHARED_DIR (as .ci/run sets it), else ../shared next to the checkout.
	const char *shared = std::getenv("HDL_SHARED_DIR");
	const fs::path dir = (shared != nullptr && *shared ? fs::path(shared) : fs::path(HDL_SOURCE_DIR) / ".." / "shared") /
	                     "data" / "synthea" / "ndjson";
	if (!fs::exists(dir))
		GTEST_SKIP() << "../shared/data/synthea is absent; JSONB throughput not measured";
	std::vector<std::string> encoded;
	size_t bytes = 0;
	double parseSeconds = 0;
	for (const auto &file : fs::directory_iterator(dir)) {
		if (file.path().extension() != ".ndjson" || file.path().filename() == "log.ndjson")
			continue;
		std::ifstream in(file.path());
		std::string line;
		while (std::getline(in, line)) {
			if (line.empty())
				continue;
			auto start = std::chrono::steady_clock::now();
			encoded.push_back(hdl::json::jsonb::Encode(nlohmann::json::parse(line)));
			parseSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
			bytes += line.size();
		}
	}
	ASSERT_EQ(encoded.size(), 7160u);
	const int rounds = 5;
	size_t failures = 0;
	auto start = std::chrono::steady_clock::now();
	for (int round = 0; round < rounds; round++)
		for (const std::string &storage : encoded)
			failures += hdl::fhir::ValidateResource(AsJsonb(storage), Level::Strict).issues.empty() ? 0 : 1;
	double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	EXPECT_EQ(failures, 0u);
	double perSecond = rounds * encoded.size() / seconds;
	std::printf("JSONB strict validation: %.0f resources/s, %.1f MB/s of source JSON "
	            "(for scale: nlohmann parse + JSONB encode ran at %.0f resources/s)\n",
	            perSecond, rounds * bytes / seconds / 1e6, encoded.size() / parseSeconds);
}
