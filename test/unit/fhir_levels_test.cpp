// What each validation level checks and skips, and the OperationOutcome form of the result.
#include <gtest/gtest.h>

#include <string>

#include "core/fhir/operation_outcome.hpp"
#include "core/fhir/validator.hpp"
#include "core/json/nlohmann_node.hpp"

using hdl::fhir::Level;
using hdl::fhir::ValidationResult;

namespace {

ValidationResult
Validate(const std::string &text, Level level) {
	nlohmann::json doc = nlohmann::json::parse(text);
	return hdl::fhir::ValidateResource(hdl::json::FromNlohmann(doc), level);
}

size_t
Count(const std::string &text, Level level) {
	return Validate(text, level).issues.size();
}

} // namespace

TEST(FhirLevels, MinimalChecksObjectTypeAndId) {
	EXPECT_EQ(Count(R"([1])", Level::Minimal), 1u);
	EXPECT_EQ(Count(R"({"resourceType":"Nope"})", Level::Minimal), 1u);
	EXPECT_EQ(Count(R"({"resourceType":"Patient","id":"a_b"})", Level::Minimal), 1u);
	// Everything else is skipped.
	EXPECT_EQ(Count(R"({"resourceType":"Patient","id":"a","nope":1,"gender":["x"],"birthDate":"x"})",
	                Level::Minimal),
	          0u);
	// Bundle entries' resources get the same minimal checks.
	auto result = Validate(R"({"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient"}},
	    {"resource":{"resourceType":"Nope"}},{"resource":{"resourceType":"Patient","id":"x y"}}]})",
	                       Level::Minimal);
	ASSERT_EQ(result.issues.size(), 2u);
	EXPECT_EQ(result.issues[0].expression, "Bundle.entry[1].resource.resourceType");
	EXPECT_EQ(result.issues[1].expression, "Bundle.entry[2].resource.id");
}

TEST(FhirLevels, StructureSkipsFormatsAndCodes) {
	const std::string formats = R"({"resourceType":"Patient","birthDate":"1970-13-45","gender":"M",
	    "multipleBirthInteger":1.5,"telecom":[{"value":""}]})";
	EXPECT_EQ(Count(formats, Level::Structure), 0u);
	EXPECT_EQ(Count(formats, Level::Strict), 4u);
	// But checks JSON types, unknown elements, required elements, choices, references, Bundles.
	EXPECT_EQ(Count(R"({"resourceType":"Patient","birthDate":19700101})", Level::Structure), 1u);
	EXPECT_EQ(Count(R"({"resourceType":"Patient","nope":1})", Level::Structure), 1u);
	EXPECT_EQ(Count(R"({"resourceType":"Patient","link":[{"type":"seealso"}]})", Level::Structure), 1u);
	EXPECT_EQ(Count(R"({"resourceType":"Patient","deceasedBoolean":true,"deceasedDateTime":"2019"})",
	                Level::Structure),
	          1u);
	EXPECT_EQ(
	    Count(R"({"resourceType":"Patient","managingOrganization":{"reference":"x y"}})", Level::Structure),
	    1u);
	EXPECT_EQ(
	    Count(R"({"resourceType":"Bundle","type":"batch","entry":[{"resource":{"resourceType":"Patient"}}]})",
	          Level::Structure),
	    1u);
	EXPECT_EQ(Count(R"({"resourceType":"Patient","extension":[{"url":"x"}]})", Level::Structure), 1u);
}

TEST(FhirLevels, ParseLevel) {
	Level level = Level::Minimal;
	EXPECT_TRUE(hdl::fhir::ParseLevel("strict", level));
	EXPECT_EQ(level, Level::Strict);
	EXPECT_TRUE(hdl::fhir::ParseLevel("structure", level));
	EXPECT_EQ(level, Level::Structure);
	EXPECT_TRUE(hdl::fhir::ParseLevel("minimal", level));
	EXPECT_EQ(level, Level::Minimal);
	EXPECT_FALSE(hdl::fhir::ParseLevel("Strict", level));
	EXPECT_STREQ(hdl::fhir::LevelName(Level::Structure), "structure");
}

TEST(FhirOperationOutcome, IssuesAndTruncation) {
	auto result = Validate(R"({"resourceType":"Patient","gender":"M"})", Level::Strict);
	nlohmann::json oo = nlohmann::json::parse(hdl::fhir::ToOperationOutcome(result).dump());
	EXPECT_EQ(oo["resourceType"], "OperationOutcome");
	ASSERT_EQ(oo["issue"].size(), 1u);
	EXPECT_EQ(oo["issue"][0]["severity"], "error");
	EXPECT_EQ(oo["issue"][0]["code"], "code-invalid");
	EXPECT_EQ(oo["issue"][0]["expression"], nlohmann::json::array({"Patient.gender"}));
	EXPECT_TRUE(oo["issue"][0]["diagnostics"].get<std::string>().find("'M'") != std::string::npos);

	hdl::fhir::ValidationResult truncated;
	truncated.issues.push_back({"error", "value", "bad", "Patient.id"});
	truncated.truncated = true;
	oo = nlohmann::json::parse(hdl::fhir::ToOperationOutcome(truncated).dump());
	ASSERT_EQ(oo["issue"].size(), 2u);
	EXPECT_EQ(oo["issue"][1]["code"], "too-costly");

	oo = nlohmann::json::parse(hdl::fhir::ToOperationOutcome(hdl::fhir::ValidationResult {}).dump());
	ASSERT_EQ(oo["issue"].size(), 1u);
	EXPECT_EQ(oo["issue"][0]["severity"], "information");
}
