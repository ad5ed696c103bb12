// The FHIRPath evaluator under the R4 type model (fhir/fhirpath_model.cpp): typed navigation,
// semantic errors, and FHIR types told from System types; without the model as before.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/fhir/fhirpath_model.hpp"
#include "fhirpath_test_util.hpp"

using hdl::fhirpath::testing::Eval;
using nlohmann::json;

namespace {

const json &
Patient() {
	static const json p = json::parse(R"({
		"resourceType": "Patient", "active": true, "gender": "male",
		"name": [{"use": "official", "given": ["Peter"]}],
		"birthDate": "1974-12-25",
		"identifier": [{"period": {"start": "2001-05-06", "end": "2001-05-06T10:10:10Z"}}]
	})");
	return p;
}

std::string
Typed(const std::string &expr, const json &doc = Patient()) {
	hdl::fhirpath::Environment env;
	env.model = &hdl::fhir::R4FhirPathModel();
	return Eval(expr, doc, env);
}

} // namespace

TEST(FhirPathModel, ElementsAreTyped) {
	EXPECT_EQ(Typed("Patient.gender.is(code)"), "true");
	EXPECT_EQ(Typed("Patient.gender.is(string)"), "true"); // a code is a string for is()
	EXPECT_EQ(Typed("Patient.gender.as(string)"), "{}");   // not for as()
	EXPECT_EQ(Typed("Patient.gender.ofType(code)"), "male");
	EXPECT_EQ(Typed("Patient.name.ofType(HumanName).use"), "official");
	EXPECT_EQ(Typed("Patient.gender.type().name"), "code");
	// start is a dateTime, so its low boundary is one, and compares with end
	EXPECT_EQ(Typed("Patient.identifier.period.all(start.lowBoundary() < end.highBoundary())"), "true");
}

TEST(FhirPathModel, FhirAndSystemTypes) {
	EXPECT_EQ(Typed("Patient.active.is(Boolean)"), "false");
	EXPECT_EQ(Typed("Patient.active.is(FHIR.boolean)"), "true");
	EXPECT_EQ(Typed("true.is(Boolean)"), "true");
	EXPECT_EQ(Typed("Patient.is(System.Patient)"), "false");
	EXPECT_EQ(Typed("Patient.is(DomainResource)"), "true");
	// without the model, JSON primitives match either spelling, as the invariants rely on
	EXPECT_EQ(Eval("Patient.active.is(Boolean)", Patient()), "true");
}

TEST(FhirPathModel, SemanticErrors) {
	EXPECT_THROW(Typed("name.given1"), hdl::Error);
	EXPECT_THROW(Typed("Encounter.status"), hdl::Error);
	EXPECT_THROW(Typed("Patient.gender.as(string1)"), hdl::Error);
	json obs = json::parse(R"({"resourceType": "Observation", "valueQuantity": {"value": 1, "unit": "g"}})");
	EXPECT_THROW(Typed("Observation.valueQuantity.unit", obs), hdl::Error);
	EXPECT_EQ(Typed("Observation.value.unit", obs), "g");
	EXPECT_EQ(Typed("Observation.value.is(Quantity)", obs), "true");
	// without the model these are empty, not errors
	EXPECT_EQ(Eval("name.given1", Patient()), "{}");
	EXPECT_EQ(Eval("Observation.valueQuantity.unit", obs), "g");
}

TEST(FhirPathModel, AsNeedsOneItem) {
	json p = json::parse(R"({"resourceType": "Patient", "name": [{"use": "official"}, {"use": "usual"}]})");
	EXPECT_THROW(Typed("Patient.name.as(HumanName).use", p), hdl::Error);
	EXPECT_EQ(Typed("Patient.name.first().as(HumanName).use", p), "official");
	EXPECT_EQ(Eval("Patient.name.as(HumanName).count()", p), "0"); // without a model: a filter
}
