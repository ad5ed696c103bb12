// Recursion budgets of the FHIRPath parser and evaluator (core/depth.hpp): expressions nested or
// chained past the budget are refused with TooDeep (54001), never a stack overflow, and the
// budget does not stay taken after a refusal.
#include <gtest/gtest.h>

#include <string>

#include "core/depth.hpp"
#include "core/error.hpp"
#include "fhirpath_test_util.hpp"

using hdl::fhirpath::Parse;
using hdl::fhirpath::testing::Eval;

namespace {

hdl::ErrorKind
KindOf(const std::string &expression) {
	try {
		(void)Parse(expression);
	} catch (const hdl::Error &e) {
		return e.kind();
	}
	return hdl::ErrorKind::Internal;
}

} // namespace

TEST(FhirPathDepth, DeepExpressionsAreRefused) {
	EXPECT_EQ(KindOf(std::string(10000, '(') + "1" + std::string(10000, ')')), hdl::ErrorKind::TooDeep);
	EXPECT_EQ(KindOf(std::string(10000, '-') + "1"), hdl::ErrorKind::TooDeep);
	std::string path = "a", sum = "1", index = "a";
	for (int i = 0; i < 5000; i++) {
		path += ".a";
		sum += " + 1";
		index += "[0]";
	}
	EXPECT_EQ(KindOf(path), hdl::ErrorKind::TooDeep);
	EXPECT_EQ(KindOf(sum), hdl::ErrorKind::TooDeep);
	EXPECT_EQ(KindOf(index), hdl::ErrorKind::TooDeep);
	EXPECT_EQ(hdl::depth::nesting, 0);
}

TEST(FhirPathDepth, WithinTheBudgetEvaluates) {
	EXPECT_EQ(Eval(std::string(200, '(') + "1 + 1" + std::string(200, ')')), "2");
	std::string sum = "1";
	for (int i = 0; i < 300; i++)
		sum += " + 1";
	EXPECT_EQ(Eval(sum), "301");
	EXPECT_EQ(hdl::depth::nesting, 0);
}
