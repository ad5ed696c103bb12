// Quoted values are withheld from log text: single and double quotes, several per message,
// unterminated quotes, apostrophes inside words, empty quotes, and a buffer too small.
#include <gtest/gtest.h>

#include <string>

#include "core/fhir/redact.hpp"

namespace {

using hdl::fhir::RedactQuoted;

TEST(FhirRedact, WithholdsQuotedValues) {
	EXPECT_EQ(RedactQuoted("at Patient.birthDate: invalid date '1931-02-31'"),
	          "at Patient.birthDate: invalid date '?'");
	EXPECT_EQ(RedactQuoted("conditional reference \"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919\" "
	                       "matches 0 resources"),
	          "conditional reference \"?\" matches 0 resources");
	EXPECT_EQ(RedactQuoted("resource id \"a\" does not match the request url \"Patient/b\""),
	          "resource id \"?\" does not match the request url \"?\"");
	EXPECT_EQ(RedactQuoted("ifMatch W/\"1\" does not match"), "ifMatch W/\"?\" does not match");
	EXPECT_EQ(RedactQuoted("''"), "'?'");
}

TEST(FhirRedact, KeepsApostrophesAndUnquotedText) {
	EXPECT_EQ(RedactQuoted("the caller's source"), "the caller's source");
	EXPECT_EQ(RedactQuoted("missing required element"), "missing required element");
	EXPECT_EQ(RedactQuoted(""), "");
}

TEST(FhirRedact, UnterminatedQuoteWithholdsTheRest) {
	EXPECT_EQ(RedactQuoted("invalid input syntax: \"07700 900461"), "invalid input syntax: \"?");
	EXPECT_EQ(RedactQuoted("'"), "'?");
}

TEST(FhirRedact, NeverOverrunsTheBuffer) {
	char small[8];
	size_t n = RedactQuoted("a 'value' and more text", small, sizeof small);
	EXPECT_EQ(n, 7u);
	EXPECT_EQ(std::string(small), "a '?' a");
	char none[1] = {'x'};
	EXPECT_EQ(RedactQuoted("'x'", none, sizeof none), 0u);
	EXPECT_EQ(none[0], '\0');
}

} // namespace

namespace {

using hdl::fhir::Quoted;

TEST(FhirRedact, QuotedValuesHoldingQuotesStayWithheld) {
	EXPECT_EQ(Quoted("x'); DROP TABLE t; --", '\''), "'x''); DROP TABLE t; --'");
	EXPECT_EQ(RedactQuoted("invalid id " + Quoted("x'); DROP TABLE t; --", '\'') + ": 1-64 characters"),
	          "invalid id '?': 1-64 characters");
	EXPECT_EQ(RedactQuoted("reference " + Quoted("Patient?identifier=a|\"9434765919\"") + " matches 0"),
	          "reference \"?\" matches 0");
}

} // namespace
