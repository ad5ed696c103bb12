// Identifiers typed into free text (src/core/pseudo/free_text.cpp): what is found, what is not
// (near misses that must survive: wrong check digits, other numbers, dates, codes), and which
// strings of a resource are looked at.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json/nlohmann_node.hpp"
#include "core/json/value.hpp"
#include "core/pseudo/free_text.hpp"

using namespace hdl::pseudo;

namespace {

std::string
Redacted(std::string text) {
	RedactIdentifiers(text);
	return text;
}

} // namespace

TEST(FreeText, NhsNumberCheckDigit) {
	EXPECT_TRUE(IsNhsNumber("9434765919"));
	EXPECT_TRUE(IsNhsNumber("9000000009"));
	EXPECT_FALSE(IsNhsNumber("9434765918")); // wrong check digit
	EXPECT_FALSE(IsNhsNumber("1000000010")); // check digit 10: never issued
	EXPECT_FALSE(IsNhsNumber("943476591"));
	EXPECT_FALSE(IsNhsNumber("94347659x9"));
}

TEST(FreeText, NhsNumbers) {
	EXPECT_EQ(Redacted("NHS no 9434765919."), "NHS no [NHS number removed].");
	EXPECT_EQ(Redacted("nhs: 943 476 5919, seen"), "nhs: [NHS number removed], seen");
	EXPECT_EQ(Redacted("943-476-5919"), "[NHS number removed]");
	// not NHS numbers: a wrong check digit, digits running on, mixed separators, one separator
	EXPECT_EQ(Redacted("9434765918"), "9434765918");
	EXPECT_EQ(Redacted("94347659190"), "94347659190");
	EXPECT_EQ(Redacted("x9434765919"), "x9434765919");
	EXPECT_EQ(Redacted("943 476-5919"), "943 476-5919");
	EXPECT_EQ(Redacted("943 4765919"), "943 4765919");
	EXPECT_EQ(Redacted("9434765919.5 mg"), "9434765919.5 mg");
}

TEST(FreeText, Emails) {
	EXPECT_EQ(Redacted("mail jo.bloggs+gp@example.nhs.uk."), "mail [email removed].");
	EXPECT_EQ(Redacted("a@b.co and c@d.org"), "[email removed] and [email removed]");
	EXPECT_EQ(Redacted("@home"), "@home");
	EXPECT_EQ(Redacted("x@localhost"), "x@localhost");
	EXPECT_EQ(Redacted("x@example.c0m"), "x@example.c0m");
}

TEST(FreeText, UkPhoneNumbers) {
	EXPECT_EQ(Redacted("call 07700 900123 today"), "call [phone number removed] today");
	EXPECT_EQ(Redacted("+44 7700 900123"), "[phone number removed]");
	EXPECT_EQ(Redacted("+44 (0)113 496 0000"), "[phone number removed]");
	EXPECT_EQ(Redacted("(0113) 496 0000"), "[phone number removed]");
	EXPECT_EQ(Redacted("0161-496-0000"), "[phone number removed]");
	EXPECT_EQ(Redacted("020 7946 0018;"), "[phone number removed];");
	// two numbers side by side; the longest run of groups that is a number, then the rest
	EXPECT_EQ(Redacted("07700900123 07700900456"), "[phone number removed] [phone number removed]");
	EXPECT_EQ(Redacted("(0)113 496 076 013 4996 004"), "[phone number removed] [phone number removed]");
	// found by fuzzing: whatever is left has nothing more to find
	for (std::string text : {std::string(" or +44 (0)113 496 03 496 076 591(0)113 496 000([p0"),
	                         std::string("A113 496 076 513 4396 013  or +44 (0)113 496 076 013 4996 004"),
	                         std::string("BP16 jo.bl+ogg@exao.bl+ogg@esmp.s.uk l1911;eS L 4 "),
	                         std::string("0(114960444)0864060045"), std::string("0(111496044)_@b.co")}) {
		RedactIdentifiers(text);
		EXPECT_EQ(RedactIdentifiers(text), 0) << text;
	}
	// not phone numbers: too short, a decimal, a date, a range, a 06 prefix, a short mobile
	EXPECT_EQ(Redacted("0113 496"), "0113 496");
	EXPECT_EQ(Redacted("0.5 mg"), "0.5 mg");
	EXPECT_EQ(Redacted("01/02/2024"), "01/02/2024");
	EXPECT_EQ(Redacted("2019-2020"), "2019-2020");
	EXPECT_EQ(Redacted("06123 456789"), "06123 456789");
	EXPECT_EQ(Redacted("0770 090012"), "0770 090012");
	EXPECT_EQ(Redacted("01134960000123"), "01134960000123");
}

TEST(FreeText, UkPostcodes) {
	EXPECT_EQ(Redacted("lives at LS1 4AP now"), "lives at [postcode removed] now");
	EXPECT_EQ(Redacted("SW1A 1AA"), "[postcode removed]");
	EXPECT_EQ(Redacted("m60 1nw"), "[postcode removed]");
	EXPECT_EQ(Redacted("B33 8TH,"), "[postcode removed],");
	EXPECT_EQ(Redacted("M11AE"), "[postcode removed]");
	// not postcodes: inward letters never used (C I K M O V), a district alone, run-on words
	EXPECT_EQ(Redacted("LS1 4CI"), "LS1 4CI");
	EXPECT_EQ(Redacted("LS1"), "LS1");
	EXPECT_EQ(Redacted("XLS1 4AP"), "XLS1 4AP");
	EXPECT_EQ(Redacted("LS1 4APX"), "LS1 4APX");
	EXPECT_EQ(Redacted("take 2 tablets"), "take 2 tablets");
}

TEST(FreeText, NothingFoundLeavesTheText) {
	std::string text = "BP 120/80, HbA1c 48 mmol/mol, 2024-05-06T10:00:00Z, SNOMED 44054006";
	EXPECT_EQ(RedactIdentifiers(text), 0);
	EXPECT_EQ(text, "BP 120/80, HbA1c 48 mmol/mol, 2024-05-06T10:00:00Z, SNOMED 44054006");
}

TEST(FreeText, ResourceStrings) {
	nlohmann::json doc = nlohmann::json::parse(R"({
		"resourceType": "Observation", "id": "9434765919", "status": "final",
		"code": {"coding": [{"system": "http://loinc.org", "code": "9434765919", "display": "seen 9434765919"}],
		         "text": "called 07700 900123"},
		"identifier": [{"system": "urn:lab", "value": "9434765919"}, {"value": "9434765919"}],
		"subject": {"reference": "Patient/9434765919"},
		"note": [{"text": "NHS 9434765919, jo@example.org, LS1 4AP"}],
		"valueString": "943 476 5919",
		"contained": [{"resourceType": "Basic", "code": {"text": "x"}, "extension": [{"url": "http://e.org/9434765919",
		               "valueString": "ring 0161 496 0000"}]}],
		"component": [{"code": {"text": "c"}, "valueString": "postcode m60 1nw"}],
		"performer": [{"display": "GP", "extension": [{"url": "http://e.org/a", "valueAddress": {"postalCode": "LS1 4AP"}}]}]
	})");
	hdl::json::Value r = hdl::json::ToValue(hdl::json::FromNlohmann(doc));
	EXPECT_EQ(RedactFreeText(r), 9);
	nlohmann::json want = nlohmann::json::parse(R"({
		"resourceType": "Observation", "id": "9434765919", "status": "final",
		"code": {"coding": [{"system": "http://loinc.org", "code": "9434765919", "display": "seen [NHS number removed]"}],
		         "text": "called [phone number removed]"},
		"identifier": [{"system": "urn:lab", "value": "9434765919"}, {"value": "[NHS number removed]"}],
		"subject": {"reference": "Patient/9434765919"},
		"note": [{"text": "NHS [NHS number removed], [email removed], [postcode removed]"}],
		"valueString": "[NHS number removed]",
		"contained": [{"resourceType": "Basic", "code": {"text": "x"}, "extension": [{"url": "http://e.org/9434765919",
		               "valueString": "ring [phone number removed]"}]}],
		"component": [{"code": {"text": "c"}, "valueString": "postcode [postcode removed]"}],
		"performer": [{"display": "GP", "extension": [{"url": "http://e.org/a", "valueAddress": {"postalCode": "LS1 4AP"}}]}]
	})");
	EXPECT_EQ(nlohmann::json::parse(r.dump()), want);
}
