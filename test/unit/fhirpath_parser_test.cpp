// FHIRPath lexer and parser: literals, precedence and associativity, comments, and errors.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "fhirpath_test_util.hpp"

using hdl::fhirpath::Parse;
using hdl::fhirpath::testing::Eval;

TEST(FhirPathParser, Literals) {
	EXPECT_EQ(Eval("42"), "42");
	EXPECT_EQ(Eval("42L"), "42");
	EXPECT_EQ(Eval("1.50"), "1.50");
	EXPECT_EQ(Eval("'a\\'b'"), "a'b");
	EXPECT_EQ(Eval("'\\u0041'"), "A");
	EXPECT_EQ(Eval("true"), "true");
	EXPECT_EQ(Eval("{}"), "{}");
	EXPECT_EQ(Eval("@2014-01-25"), "2014-01-25");
	EXPECT_EQ(Eval("@2014-01-25T14:30:14.559+01:00"), "2014-01-25T14:30:14.559+01:00");
	EXPECT_EQ(Eval("@T14:30"), "14:30");
	EXPECT_EQ(Eval("5 'mg'"), "5 'mg'");
	EXPECT_EQ(Eval("3 days"), "3 days"); // a calendar duration prints as its keyword
}

TEST(FhirPathParser, Precedence) {
	EXPECT_EQ(Eval("1 + 2 * 3"), "7");
	EXPECT_EQ(Eval("(1 + 2) * 3"), "9");
	EXPECT_EQ(Eval("10 - 4 - 3"), "3"); // left associative
	EXPECT_EQ(Eval("7 div 2 * 2"), "6");
	EXPECT_EQ(Eval("-2 + 5"), "3");
	EXPECT_EQ(Eval("1 + 1 = 2 and 2 > 1"), "true");
	EXPECT_EQ(Eval("false and true or true"), "true"); // and binds tighter than or
	EXPECT_EQ(Eval("true or false implies false"), "false");
	EXPECT_EQ(Eval("(1 | 2 | 3).count()"), "3");
	EXPECT_EQ(Eval("1 | 2 = 1 | 2"), "true"); // | binds tighter than =
	EXPECT_EQ(Eval("2 in (1 | 2)"), "true");
	EXPECT_EQ(Eval("'a' & 'b' + 'c'"), "abc");
	EXPECT_EQ(Eval("1 is Integer and 'x' is String"), "true");
	EXPECT_EQ(Eval("(1 | 2 | 3)[1]"), "2");
}

TEST(FhirPathParser, Comments) {
	EXPECT_EQ(Eval("2 + 2 // four"), "4");
	EXPECT_EQ(Eval("2 /* inline */ + 2"), "4");
}

TEST(FhirPathParser, DelimitedIdentifiersAndKeywords) {
	nlohmann::json doc = {{"div", 1}, {"given name", "x"}};
	EXPECT_EQ(Eval("`div`", doc), "1");
	EXPECT_EQ(Eval("`given name`", doc), "x");
}

TEST(FhirPathParser, Errors) {
	for (const char *bad : {"", "1 +", "name.", "(1", "@@", "name.where(", "1 2", "'unterminated",
	                        "unknownFn()", "first(1)", "substring()", "/* open", "name[0", "$foo", "%"}) {
		EXPECT_THROW(Parse(bad), hdl::Error) << bad;
	}
	try {
		Parse("name.frist()");
		FAIL();
	} catch (const hdl::Error &e) {
		EXPECT_EQ(e.kind(), hdl::ErrorKind::InvalidParameter);
		EXPECT_NE(std::string(e.what()).find("unknown function \"frist\""), std::string::npos) << e.what();
	}
}

TEST(FhirPathParser, CollectsConstants) {
	auto e = Parse("name.where(use = %a and family = %b or given = %a)");
	ASSERT_EQ(e.constants().size(), 2u);
	EXPECT_EQ(e.constants()[0], "a");
	EXPECT_EQ(e.constants()[1], "b");
}

// Found by test/fuzz/fhirpath_fuzz.cpp: a \u escape without four hex digits threw
// std::invalid_argument (an internal error in the server), and an out-of-range Long literal
// std::out_of_range; both are invalid expressions.
TEST(FhirPathParser, MalformedEscapesAndLongsAreInvalid) {
	for (const char *expr : {"'\\u00'", "'\\u+1ab'", "'\\u 1ab'", "'\\uzzzz'", "'\\u-001'", "99999999999999999999L"}) {
		try {
			(void) Parse(expr);
			ADD_FAILURE() << expr << " parsed";
		} catch (const hdl::Error &e) {
			EXPECT_EQ(e.kind(), hdl::ErrorKind::InvalidParameter) << expr;
		}
	}
	EXPECT_EQ(Eval("'\\u0041\\u00e9'"), "A\xc3\xa9");
	EXPECT_EQ(Eval("9223372036854775807L"), "9223372036854775807");
}
