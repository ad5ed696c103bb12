// Control characters in FHIR strings (U+0000-U+001F except tab, CR and LF) are refused at strict
// validation in every string-valued primitive, with the element named and the value not quoted.
#include <gtest/gtest.h>

#include <string>

#include "core/fhir/formats.hpp"
#include "core/fhir/validator.hpp"
#include "core/json/nlohmann_node.hpp"

using hdl::fhir::Level;
using hdl::fhir::ValidationResult;
using nlohmann::json;

namespace {

ValidationResult
Validate(const json &doc, Level level = Level::Strict) {
	return hdl::fhir::ValidateResource(hdl::json::FromNlohmann(doc), level);
}

std::string
Summary(const ValidationResult &result) {
	std::string out;
	for (const auto &issue : result.issues)
		out += issue.code + " " + issue.expression + "\n";
	return out;
}

json
PatientWithFamily(const std::string &family) {
	return {{"resourceType", "Patient"}, {"name", json::array({{{"family", family}}})}};
}

} // namespace

TEST(FhirControlCharacters, FindsOnlyTheForbiddenOnes) {
	EXPECT_EQ(hdl::fhir::FindControlCharacter("plain text, é"), std::string_view::npos);
	EXPECT_EQ(hdl::fhir::FindControlCharacter("tab\tcr\rlf\n"), std::string_view::npos);
	EXPECT_EQ(hdl::fhir::FindControlCharacter("\x1fhdl-number:12"), 0u);
	EXPECT_EQ(hdl::fhir::FindControlCharacter("ab\x1b[31m"), 2u);
	EXPECT_EQ(hdl::fhir::FindControlCharacter(std::string("a\0b", 3)), 1u);
	EXPECT_EQ(hdl::fhir::FindControlCharacter("\x7f"), std::string_view::npos); // DEL is not below U+0020
}

TEST(FhirControlCharacters, RefusedInStringsWithTheElementNamed) {
	ValidationResult r = Validate(PatientWithFamily("\x1fhdl-number:12"));
	EXPECT_EQ(Summary(r), "value Patient.name[0].family\n");
	ASSERT_EQ(r.issues.size(), 1u);
	EXPECT_EQ(r.issues[0].message,
	          "control character U+001F (byte 1) is not allowed in a string: FHIR allows "
	          "only tab, carriage return and line feed below U+0020");
	EXPECT_EQ(r.issues[0].message.find("hdl-number"), std::string::npos) << "the value is not quoted";
	EXPECT_EQ(Summary(Validate(PatientWithFamily("Jones\x01"))), "value Patient.name[0].family\n");
	EXPECT_TRUE(Validate(PatientWithFamily("Jones\tSmith\r\nJr")).ok());
}

TEST(FhirControlCharacters, RefusedInEveryStringPrimitive) {
	json p = {
	    {"resourceType", "Patient"},
	    {"gender", "\x1bmale"},                                                   // code
	    {"telecom", json::array({{{"system", "phone"}, {"value", "0113\x07"}}})}, // string
	    {"extension", json::array({{{"url", "http://example.org/x\x02"}, {"valueMarkdown", "*a*\x0b"}}})},
	    {"birthDate", "1990-01-01"}};
	EXPECT_EQ(
	    Summary(Validate(p)), // in nlohmann's key order
	    "value Patient.extension[0].url\nvalue Patient.extension[0].valueMarkdown\nvalue Patient.gender\n"
	    "value Patient.telecom[0].value\n");
}

TEST(FhirControlCharacters, AFormatCheckOnlyAtStrict) {
	// Structure and minimal validation check no primitive formats, control characters included.
	EXPECT_TRUE(Validate(PatientWithFamily("\x1f"), Level::Structure).ok());
	EXPECT_TRUE(Validate(PatientWithFamily("\x1f"), Level::Minimal).ok());
}
