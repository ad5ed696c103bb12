// FHIRPath function families: existence, filtering, subsetting, combining, strings,
// conversion, math, tree navigation, and the FHIR / SQL-on-FHIR functions.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "fhirpath_test_util.hpp"

using hdl::fhirpath::testing::Eval;
using nlohmann::json;

namespace {

const json &
Doc() {
	static const json d = json::parse(R"({
		"resourceType": "Patient", "id": "p1",
		"name": [{"use": "official", "family": "Chalmers", "given": ["Peter", "James"]},
		         {"use": "usual", "given": ["Jim"]}],
		"link": [{"other": {"reference": "Patient/p2"}}, {"other": {"reference": "http://x/fhir/RelatedPerson/r1/_history/2"}}],
		"extension": [{"url": "http://x/race", "extension": [{"url": "ombCategory", "valueCoding": {"code": "2106-3"}}]},
		              {"url": "http://x/sex", "valueCode": "F"}],
		"birthDate": "1970-06"
	})");
	return d;
}

} // namespace

TEST(FhirPathFunctions, Existence) {
	EXPECT_EQ(Eval("name.exists()", Doc()), "true");
	EXPECT_EQ(Eval("telecom.exists()", Doc()), "false");
	EXPECT_EQ(Eval("name.exists(use = 'usual')", Doc()), "true");
	EXPECT_EQ(Eval("telecom.empty()", Doc()), "true");
	EXPECT_EQ(Eval("name.all(given.exists())", Doc()), "true");
	EXPECT_EQ(Eval("name.all(family.exists())", Doc()), "false");
	EXPECT_EQ(Eval("(true | false).allTrue()"), "false");
	EXPECT_EQ(Eval("(true | false).anyTrue()"), "true");
	EXPECT_EQ(Eval("name.given.count()", Doc()), "3");
	EXPECT_EQ(Eval("(1 | 2).subsetOf(1 | 2 | 3)"), "true");
	EXPECT_EQ(Eval("(1 | 1 | 2).isDistinct()"), "true"); // | already removes duplicates
	EXPECT_EQ(Eval("(1).combine(1).isDistinct()"), "false");
	EXPECT_EQ(Eval("(1).combine(1).distinct().count()"), "1");
}

TEST(FhirPathFunctions, FilteringAndProjection) {
	EXPECT_EQ(Eval("name.where(use = 'official').family", Doc()), "Chalmers");
	EXPECT_EQ(Eval("name.select(given.first())", Doc()), "Peter|Jim");
	EXPECT_EQ(Eval("(1 | 2 | 'a').ofType(Integer)"), "1|2");
	EXPECT_EQ(Eval("name.repeat(given).count()", Doc()), "3");
	EXPECT_EQ(Eval("iif(name.exists(), 'yes', 'no')", Doc()), "yes");
	EXPECT_EQ(Eval("iif({}, 'yes')"), "{}");
}

TEST(FhirPathFunctions, Subsetting) {
	EXPECT_EQ(Eval("name.given.first()", Doc()), "Peter");
	EXPECT_EQ(Eval("name.given.last()", Doc()), "Jim");
	EXPECT_EQ(Eval("name.given.tail()", Doc()), "James|Jim");
	EXPECT_EQ(Eval("name.given.skip(2)", Doc()), "Jim");
	EXPECT_EQ(Eval("name.given.take(2)", Doc()), "Peter|James");
	EXPECT_EQ(Eval("(1 | 2 | 3).intersect(2 | 3 | 4)"), "2|3");
	EXPECT_EQ(Eval("(1 | 2 | 3).exclude(2)"), "1|3");
	EXPECT_EQ(Eval("(1 | 2).union(2 | 3)"), "1|2|3");
	EXPECT_EQ(Eval("(1 | 2).combine(2 | 3)"), "1|2|2|3");
	EXPECT_THROW(Eval("name.given.single()", Doc()), hdl::Error);
}

TEST(FhirPathFunctions, Strings) {
	EXPECT_EQ(Eval("'abcdef'.substring(2, 3)"), "cde");
	EXPECT_EQ(Eval("'abcdef'.substring(9)"), "{}");
	EXPECT_EQ(Eval("'abc'.startsWith('ab') and 'abc'.endsWith('bc') and 'abc'.contains('b')"), "true");
	EXPECT_EQ(Eval("'AbC'.upper() & 'AbC'.lower()"), "ABCabc");
	EXPECT_EQ(Eval("'a.b.c'.replace('.', '/')"), "a/b/c");
	EXPECT_EQ(Eval("'2019-01'.matches('^[0-9]{4}-[0-9]{2}$')"), "true");
	EXPECT_EQ(Eval("'abc123'.replaceMatches('[0-9]', 'x')"), "abcxxx");
	EXPECT_EQ(Eval("'hello'.length()"), "5");
	EXPECT_EQ(Eval("'hello'.indexOf('l')"), "2");
	EXPECT_EQ(Eval("'  x  '.trim()"), "x");
	EXPECT_EQ(Eval("'a,b,c'.split(',')"), "a|b|c");
	EXPECT_EQ(Eval("name.given.join(', ')", Doc()), "Peter, James, Jim");
	EXPECT_EQ(Eval("name.given.join()", Doc()), "PeterJamesJim");
	EXPECT_EQ(Eval("'abc'.toChars()"), "a|b|c");
}

TEST(FhirPathFunctions, Conversion) {
	EXPECT_EQ(Eval("'12'.toInteger() + 1"), "13");
	EXPECT_EQ(Eval("'1.5'.toDecimal()"), "1.5");
	EXPECT_EQ(Eval("'x'.toInteger()"), "{}");
	EXPECT_EQ(Eval("'yes'.toBoolean()"), "true");
	EXPECT_EQ(Eval("1.5.toString()"), "1.5");
	EXPECT_EQ(Eval("'2014-01-01'.toDate() = @2014-01-01"), "true");
	EXPECT_EQ(Eval("'2014-01-01T10:00:00Z'.toDateTime()"), "2014-01-01T10:00:00Z");
	EXPECT_EQ(Eval("'5 \\'mg\\''.toQuantity()"), "5 'mg'");
	EXPECT_EQ(Eval("'a'.convertsToInteger()"), "false");
}

TEST(FhirPathFunctions, Math) {
	EXPECT_EQ(Eval("(-5).abs()"), "5");
	EXPECT_EQ(Eval("1.1.ceiling()"), "2");
	EXPECT_EQ(Eval("(-1.1).floor()"), "-2");
	EXPECT_EQ(Eval("3.14159.round(2)"), "3.14");
	EXPECT_EQ(Eval("2.power(10)"), "1024");
	EXPECT_EQ(Eval("16.sqrt()"), "4");
	EXPECT_EQ(Eval("1.9.truncate()"), "1");
}

TEST(FhirPathFunctions, Tree) {
	json doc = {{"a", {{"b", {{"c", 1}}}}}, {"d", {1, 2}}};
	EXPECT_EQ(Eval("children().count()", doc), "3");
	EXPECT_EQ(Eval("descendants().count()", doc), "5");
}

TEST(FhirPathFunctions, FhirAndSqlOnFhir) {
	EXPECT_EQ(Eval("extension('http://x/sex').value.ofType(code)", Doc()), "F");
	EXPECT_EQ(Eval("extension('http://x/race').extension('ombCategory').value.ofType(Coding).code", Doc()),
	          "2106-3");
	EXPECT_EQ(Eval("getResourceKey()", Doc()), "p1");
	EXPECT_EQ(Eval("link.other.getReferenceKey()", Doc()), "p2|r1");
	EXPECT_EQ(Eval("link.other.getReferenceKey(Patient)", Doc()), "p2");
	EXPECT_EQ(Eval("link.other.getReferenceKey(RelatedPerson)", Doc()), "r1");
	EXPECT_EQ(Eval("1.0.lowBoundary()"), "0.95000000"); // 8 digits by default
	EXPECT_EQ(Eval("1.0.highBoundary()"), "1.05000000");
	EXPECT_EQ(Eval("birthDate.lowBoundary()", Doc()), "1970-06-01");
	EXPECT_EQ(Eval("birthDate.highBoundary()", Doc()), "1970-06-30");
	EXPECT_EQ(Eval("@2010-10-10T.lowBoundary()"), "2010-10-10T00:00:00.000+14:00");
	EXPECT_EQ(Eval("@2010-10-10T.highBoundary()"), "2010-10-10T23:59:59.999-12:00");
	EXPECT_EQ(Eval("@T12:34.highBoundary()"), "12:34:59.999");
}
