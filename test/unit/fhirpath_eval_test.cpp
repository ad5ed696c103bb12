// FHIRPath evaluation: navigation (choice types, type-name first step, arrays), constants,
// three-valued logic, equality and comparison, decimal arithmetic, dates with precision.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "fhirpath_test_util.hpp"

using hdl::fhirpath::Environment;
using hdl::fhirpath::Value;
using hdl::fhirpath::ValueKind;
using hdl::fhirpath::testing::Eval;
using nlohmann::json;

namespace {

const json &
Patient() {
	static const json p = json::parse(R"({
		"resourceType": "Patient", "id": "p1", "active": true, "gender": "female", "birthDate": "1974-12-25",
		"name": [{"use": "official", "family": "Chalmers", "given": ["Peter", "James"]},
		         {"use": "usual", "given": ["Jim"]}],
		"deceasedBoolean": false,
		"contact": [{"name": {"family": "du Marché"}}],
		"extension": [{"url": "http://x/ext", "valueCode": "M"}]
	})");
	return p;
}

const json &
Observation() {
	static const json o = json::parse(R"({
		"resourceType": "Observation", "id": "o1", "status": "final",
		"valueQuantity": {"value": 185.5, "unit": "lbs", "code": "[lb_av]"},
		"effectiveDateTime": "2020-03-04T10:00:00Z",
		"subject": {"reference": "Patient/p1"}
	})");
	return o;
}

} // namespace

TEST(FhirPathEval, Navigation) {
	EXPECT_EQ(Eval("name.given", Patient()), "Peter|James|Jim");
	EXPECT_EQ(Eval("Patient.name.family", Patient()), "Chalmers");
	EXPECT_EQ(Eval("Observation.name", Patient()), "{}"); // wrong type-name step
	EXPECT_EQ(Eval("name[1].given", Patient()), "Jim");
	EXPECT_EQ(Eval("name[5].given", Patient()), "{}");
	EXPECT_EQ(Eval("contact.name.family", Patient()), "du Marché");
	EXPECT_EQ(Eval("missing.path", Patient()), "{}");
}

TEST(FhirPathEval, ChoiceTypes) {
	EXPECT_EQ(Eval("value.unit", Observation()), "lbs");
	EXPECT_EQ(Eval("value.ofType(Quantity).value", Observation()), "185.5");
	EXPECT_EQ(Eval("value.ofType(string)", Observation()), "{}");
	EXPECT_EQ(Eval("value is Quantity", Observation()), "true");
	EXPECT_EQ(Eval("deceased.ofType(boolean)", Patient()), "false");
	EXPECT_EQ(Eval("effective.ofType(dateTime) > @2020-01-01", Observation()), "true");
	EXPECT_EQ(Eval("value > 100 '[lb_av]'", Observation()), "true");
}

TEST(FhirPathEval, ThreeValuedLogic) {
	EXPECT_EQ(Eval("{} and false"), "false");
	EXPECT_EQ(Eval("{} and true"), "{}");
	EXPECT_EQ(Eval("{} or true"), "true");
	EXPECT_EQ(Eval("{} or false"), "{}");
	EXPECT_EQ(Eval("true xor {}"), "{}");
	EXPECT_EQ(Eval("false implies {}"), "true");
	EXPECT_EQ(Eval("{} implies true"), "true");
	EXPECT_EQ(Eval("{} implies false"), "{}");
	EXPECT_EQ(Eval("{}.not()"), "{}");
	EXPECT_EQ(Eval("(1 = 1).not()"), "false");
}

TEST(FhirPathEval, EqualityAndComparison) {
	EXPECT_EQ(Eval("1 = 1.0"), "true");
	EXPECT_EQ(Eval("'a' = 'A'"), "false");
	EXPECT_EQ(Eval("'a' ~ 'A'"), "true");
	EXPECT_EQ(Eval("1.2 ~ 1.3"), "false");
	EXPECT_EQ(Eval("{} = 1"), "{}");
	EXPECT_EQ(Eval("(1 | 2) = (1 | 2)"), "true");
	EXPECT_EQ(Eval("(1 | 2) != (2 | 1)"), "true");
	EXPECT_EQ(Eval("'abc' < 'abd'"), "true");
	EXPECT_EQ(Eval("2 >= 2.0"), "true");
	EXPECT_EQ(Eval("name.where(use = 'official') = name[0]", Patient()), "true");
	EXPECT_THROW(Eval("1 < 'a'"), hdl::Error);
}

TEST(FhirPathEval, DecimalArithmetic) {
	EXPECT_EQ(Eval("0.1 + 0.2"), "0.3");
	EXPECT_EQ(Eval("1.50 + 1"), "2.50");
	EXPECT_EQ(Eval("3 / 2"), "1.5");
	EXPECT_EQ(Eval("1 / 3"), "0.3333333333333333");
	EXPECT_EQ(Eval("2.5 * 2"), "5.0");
	EXPECT_EQ(Eval("7 mod 3"), "1");
	EXPECT_EQ(Eval("7.5 div 2"), "3");
	EXPECT_EQ(Eval("1 / 0"), "{}");
	EXPECT_EQ(Eval("9223372036854775807 + 1"), "{}");
	EXPECT_EQ(Eval("'a' + 'b'"), "ab");
	EXPECT_EQ(Eval("value.value * 2", Observation()), "371.0");
}

TEST(FhirPathEval, DatesWithPartialPrecision) {
	EXPECT_EQ(Eval("@2014 < @2015-01-01"), "true");
	EXPECT_EQ(Eval("@2014-01 = @2014-01-05"), "{}");
	EXPECT_EQ(Eval("@2014-01 < @2014-02-05"), "true");
	EXPECT_EQ(Eval("@2012-04-15T15:00:00Z = @2012-04-15T10:00:00-05:00"), "true");
	EXPECT_EQ(Eval("@2012-04-15T15:30:31 = @2012-04-15T15:30:31.0"), "true");
	EXPECT_EQ(Eval("birthDate < @1980-01-01", Patient()), "true");
	EXPECT_EQ(Eval("birthDate = @1974-12-25", Patient()), "true");
	EXPECT_EQ(Eval("@2014-01-31 + 1 month"), "2014-02-28");
	EXPECT_EQ(Eval("@T10:00 < @T11:00"), "true");
}

TEST(FhirPathEval, Constants) {
	Environment env;
	env.constants.push_back({"use", {Value::Text(ValueKind::String, "usual")}});
	env.rowIndex = 3;
	EXPECT_EQ(Eval("name.where(use = %use).given", Patient(), env), "Jim");
	EXPECT_EQ(Eval("%rowIndex", Patient(), env), "3");
	EXPECT_EQ(Eval("%resource.id", Patient()), "p1");
	EXPECT_EQ(Eval("%ucum"), "http://unitsofmeasure.org");
	EXPECT_THROW(Eval("%nope"), hdl::Error);
}

TEST(FhirPathEval, ThisAndIndex) {
	EXPECT_EQ(Eval("name.given.where($this.startsWith('J'))", Patient()), "James|Jim");
	EXPECT_EQ(Eval("name.given.select($index)", Patient()), "0|1|2");
	EXPECT_EQ(Eval("name.given.where(substring($this.length() - 1) = 's')", Patient()), "James");
}

// where() criteria the fast path decides in place give what the general evaluator gives (the
// union with {} keeps the expression out of the fast path).
TEST(FhirPathEval, SimpleWhereCriteriaAgreeWithTheEvaluator) {
	json doc = json::parse(R"({"items":[{"id":"a","use":"home"},{"id":"b"},{"id":"c","use":["home","work"]},
		{"id":"d","use":null},{"id":"e","use":1},{"id":"f","use":"Home"},{"id":"g","use":"2020-01-01"},
		{"id":"h","use":"home","system":"x"},{"id":"i","valueString":"home"},{"id":"j","use":true}]})");
	for (const char *criteria :
	     {"use = 'home'", "use = 'home' or use.empty()", "use.exists() and use = 'home'", "use.empty()",
	      "use.exists()", "use = 1", "use = true", "use = @2020-01-01", "use = 'home' and system = 'x'",
	      "(use = 'work' or use = 'home') and system.empty()", "value = 'home'", "use = 'home' or use = 1"}) {
		std::string fast = std::string("items.where(") + criteria + ").id";
		EXPECT_EQ(Eval(fast, doc), Eval("(" + fast + ") | {}", doc)) << criteria;
	}
	EXPECT_EQ(Eval("items.where(use = 'home' or use.empty()).id", doc), "a|b|d|h|i");
}
