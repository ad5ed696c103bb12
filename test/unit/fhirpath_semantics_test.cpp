// FHIRPath semantics added for the R4 suite: encodings, regular expression modes, type(),
// quantities in UCUM units, decimal boundaries, offsets in dateTime order, sort() and iif().
#include <gtest/gtest.h>

#include <chrono>
#include "core/error.hpp"
#include "fhirpath_test_util.hpp"

using hdl::fhirpath::testing::Eval;
using nlohmann::json;

TEST(FhirPathSemantics, EncodeDecode) {
	EXPECT_EQ(Eval("'test'.encode('base64')"), "dGVzdA==");
	EXPECT_EQ(Eval("'te'.encode('base64')"), "dGU=");
	EXPECT_EQ(Eval("'subjects?_d'.encode('urlbase64')"), "c3ViamVjdHM_X2Q=");
	EXPECT_EQ(Eval("'test'.encode('hex')"), "74657374");
	EXPECT_EQ(Eval("'c3ViamVjdHM/X2Q='.decode('base64')"), "subjects?_d");
	EXPECT_EQ(Eval("'74657374'.decode('hex')"), "test");
	EXPECT_EQ(Eval("'7465737'.decode('hex')"), "{}"); // not hex: empty
	EXPECT_EQ(Eval("'a'.encode('rot13')"), "{}");
	EXPECT_EQ(Eval("'\"1<2\"'.escape('html')"), "&quot;1&lt;2&quot;");
	EXPECT_EQ(Eval("'&quot;1&lt;2&#65;&#x42;&bogus;'.unescape('html')"), "\"1<2AB&bogus;");
	EXPECT_EQ(Eval("'\"1<2\"'.escape('json')"), "\\\"1<2\\\"");
	EXPECT_EQ(Eval("'\\\\\"1\\\\u0041\\\\\"'.unescape('json')"), "\"1A\"");
}

TEST(FhirPathSemantics, RegularExpressions) {
	// Single-line mode: '.' matches a line break too, but not inside a class or escaped.
	EXPECT_EQ(Eval("'A\\nB'.matches('A.B')"), "true");
	EXPECT_EQ(Eval("'A\\nB'.matches('A[.]B')"), "false");
	EXPECT_EQ(Eval("'A.B'.matches('A\\\\.B')"), "true");
	EXPECT_EQ(Eval("'http://x/Library/y'.matchesFull('Library')"), "false");
	EXPECT_EQ(Eval("'http://x/Library/y'.matches('Library')"), "true");
	EXPECT_EQ(Eval("'http://x/Library/y'.matchesFull('.*Library.*')"), "true");
	EXPECT_EQ(Eval("'abc'.replaceMatches('', 'x')"), "abc");
	EXPECT_EQ(Eval("'abc'.replaceMatches('b', 'x')"), "axc");
}

TEST(FhirPathSemantics, TypeFunction) {
	EXPECT_EQ(Eval("1.type().namespace"), "System");
	EXPECT_EQ(Eval("1.type().name"), "Integer");
	EXPECT_EQ(Eval("'a'.type().name"), "String");
	json patient = {{"resourceType", "Patient"}, {"active", true}};
	EXPECT_EQ(Eval("Patient.type().namespace", patient), "FHIR");
	EXPECT_EQ(Eval("Patient.type().name", patient), "Patient");
	EXPECT_EQ(Eval("Patient.active.type().name", patient), "boolean");
}

TEST(FhirPathSemantics, QuantitiesInUcumUnits) {
	EXPECT_EQ(Eval("4.0000 'g' = 4000.0 'mg'"), "true");
	EXPECT_EQ(Eval("4 'g' = 4001 'mg'"), "false");
	EXPECT_EQ(Eval("4 'g' ~ 4040 'mg'"), "true"); // at the precision of 4
	EXPECT_EQ(Eval("4.00 'g' ~ 4040 'mg'"), "false"); // 4.04 'g' at 2 digits
	EXPECT_EQ(Eval("4.0 'g' ~ 4010 'mg'"), "true");
	EXPECT_EQ(Eval("1 '[in_i]' = 2.54 'cm'"), "true");
	EXPECT_EQ(Eval("1 'km' > 999 'm'"), "true");
	EXPECT_EQ(Eval("2.0 'cm' * 2.0 'm' = 0.040 'm2'"), "true");
	EXPECT_EQ(Eval("1 'mL' = 1 'cm3'"), "true");
	EXPECT_EQ(Eval("10 'mg/dL' = 100 'mg/L'"), "true");
	EXPECT_EQ(Eval("1 'g' = 1 'm'"), "false"); // different dimensions
	EXPECT_EQ(Eval("(1 'g' + 500 'mg').toString()"), "1.5 'g'"); // in the left unit
	EXPECT_EQ(Eval("1 'cm'.comparable(1 '[in_i]')"), "true");
	EXPECT_EQ(Eval("1 'cm'.comparable(1 's')"), "false");
	EXPECT_EQ(Eval("1 'g'.toQuantity('mg').toString()"), "1000 'mg'");
}

TEST(FhirPathSemantics, CalendarDurations) {
	EXPECT_EQ(Eval("7 days = 1 week"), "true");
	EXPECT_EQ(Eval("7 days = 1 'wk'"), "true");
	EXPECT_EQ(Eval("6 days < 1 week"), "true");
	EXPECT_EQ(Eval("1 year = 12 months"), "true");
	// UCUM's 'a' and 'mo' are mean lengths, not calendar years and months
	EXPECT_EQ(Eval("1 'a' = 1 year"), "{}");
	EXPECT_EQ(Eval("1 'mo' = 1 month"), "{}");
	EXPECT_THROW(Eval("@1973-12-25 + 1 'a'"), hdl::Error);
	EXPECT_EQ(Eval("@1973-12-25 + 1 year"), "1974-12-25");
	EXPECT_EQ(Eval("1 week.toString()"), "1 week");
	EXPECT_EQ(Eval("'1 wk'.convertsToQuantity()"), "false");
	EXPECT_EQ(Eval("'1 \\'wk\\''.convertsToQuantity()"), "true");
	EXPECT_EQ(Eval("true.toQuantity().toString()"), "1.0 '1'");
}

TEST(FhirPathSemantics, DecimalBoundaries) {
	EXPECT_EQ(Eval("1.587.lowBoundary()"), "1.58650000");
	EXPECT_EQ(Eval("1.587.highBoundary(2)"), "1.59");
	EXPECT_EQ(Eval("(-1.587).lowBoundary(2)"), "-1.59");
	EXPECT_EQ(Eval("1.587.lowBoundary(-1)"), "{}");
	EXPECT_EQ(Eval("1.587.lowBoundary(32)"), "{}");
	EXPECT_EQ(Eval("0.0034.highBoundary(1)"), "0.0");
	EXPECT_EQ(Eval("(-0.0034).lowBoundary(1)"), "-0.0");
	EXPECT_EQ(Eval("120.lowBoundary(2)"), "119.50");
}

TEST(FhirPathSemantics, OffsetsInDateTimeOrder) {
	// 10:00 without an offset is 20:00Z the day before to 22:00Z: around 15:00Z, unknown
	EXPECT_EQ(Eval("@2012-04-15T15:00:00Z = @2012-04-15T10:00:00"), "{}");
	EXPECT_EQ(Eval("@2012-04-15T15:00:00Z < @2012-04-17T10:00:00"), "true");
	EXPECT_EQ(Eval("@2012-04-17T10:00:00 > @2012-04-15T15:00:00+02:00"), "true");
	EXPECT_EQ(Eval("@2012-04-15T15:00:00+02:00 = @2012-04-15T16:00:00+03:00"), "true");
}

TEST(FhirPathSemantics, SortAndIif) {
	json doc = json::parse(R"({"name": [{"family": "A", "use": "a"}, {"use": "none"}, {"family": "B", "use": "b"}]})");
	EXPECT_EQ(Eval("name.sort(-family).use", doc), "none|b|a"); // an empty key first either way
	EXPECT_EQ(Eval("name.sort(family).use", doc), "none|a|b");
	EXPECT_THROW(Eval("iif('x', 1, 2)"), hdl::Error);
	EXPECT_EQ(Eval("iif({}, 1, 2)"), "2");
}

TEST(FhirPathSemantics, ConformsTo) {
	json patient = {{"resourceType", "Patient"}};
	EXPECT_EQ(Eval("conformsTo('http://hl7.org/fhir/StructureDefinition/Patient')", patient), "true");
	EXPECT_EQ(Eval("conformsTo('http://hl7.org/fhir/StructureDefinition/DomainResource')", patient), "true");
	EXPECT_EQ(Eval("conformsTo('http://hl7.org/fhir/StructureDefinition/Person')", patient), "false");
	EXPECT_THROW(Eval("conformsTo('http://example.org/profile/X')", patient), hdl::Error);
}

TEST(FhirPathSemantics, DescendantsReachPrimitiveParts) {
	// the extensions of a primitive ("_system") are its children in FHIRPath
	json vs = json::parse(R"({"resourceType": "ValueSet",
		"compose": {"include": [{"system": "http://x/cs",
			"_system": {"extension": [{"url": "http://x/ext", "valueCanonical": "#c1"}]}}]}})");
	EXPECT_EQ(Eval("'#c1' in %resource.descendants()", vs), "true");
	EXPECT_EQ(Eval("descendants().where(url = 'http://x/ext').count()", vs), "1");
	// children() stays the element's own members
	EXPECT_EQ(Eval("compose.include.children().count()", vs), "1");
}

// distinct()/isDistinct()/union over many texts use a hash set (que-2 and csd-1 on resources with
// thousands of linkIds or codes): the same answers as the pairwise comparison, in linear time.
TEST(FhirPathSemantics, DistinctOverManyTexts) {
	nlohmann::json doc = {{"resourceType", "Questionnaire"}};
	for (int i = 0; i < 50000; i++)
		doc["item"].push_back({{"linkId", "l" + std::to_string(i)}});
	auto start = std::chrono::steady_clock::now();
	EXPECT_EQ(Eval("item.linkId.isDistinct()", doc), "true");
	EXPECT_EQ(Eval("item.linkId.distinct().count()", doc), "50000");
	EXPECT_EQ(Eval("(item.linkId | item.linkId).count()", doc), "50000");
	doc["item"].push_back({{"linkId", "l7"}});
	EXPECT_EQ(Eval("item.linkId.isDistinct()", doc), "false");
	EXPECT_EQ(Eval("item.linkId.distinct().count()", doc), "50000");
	EXPECT_EQ(Eval("(item.linkId | item.linkId).take(3)", doc), "l0|l1|l2");
	// a generous bound: the pairwise comparison took 40 s here
	EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 10.0);
	// the first of equal items is kept, in order
	EXPECT_EQ(Eval("('b' | 'a' | 'b' | 'c' | 'a' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i' | 'j' | 'k' | 'l' | 'm' | 'n' | 'o' | 'p' | 'q')"
	               ".take(3)"),
	          "b|a|c");
	// mixed kinds keep the comparison of values: 1 and 1.0 are one item, '1' another
	EXPECT_EQ(Eval("(1 | 1.0 | '1' | 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i' | 'j' | 'k' | 'l' | 'm' | 'n' | 'o').count()"),
	          "17");
}
