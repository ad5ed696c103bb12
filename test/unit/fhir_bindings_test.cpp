// Required bindings on CodeableConcept elements (issue #17 item 3), checked at level strict against
// the codes generate.py expanded from valuesets.json: a coding of the bound code system with a code
// outside the ValueSet is refused at its code, a CodeableConcept with no coding is refused, codings
// of other systems are not (docs/validation.md, Tables).
#include <gtest/gtest.h>

#include <string>

#include "core/fhir/r4_schema.hpp"
#include "core/fhir/validator.hpp"
#include "core/json/nlohmann_node.hpp"

using hdl::fhir::Level;
using hdl::fhir::ValidationResult;
namespace r4 = hdl::fhir::r4;

namespace {

const char *const kClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";

ValidationResult
Validate(const std::string &text, Level level = Level::Strict) {
	nlohmann::json doc = nlohmann::json::parse(text);
	return hdl::fhir::ValidateResource(hdl::json::FromNlohmann(doc), level, 100);
}

// A Condition whose clinicalStatus is the given CodeableConcept.
std::string
Condition(const std::string &clinicalStatus) {
	return R"({"resourceType":"Condition","subject":{"reference":"Patient/p"},"clinicalStatus":)" +
	       clinicalStatus + "}";
}

std::string
Coding(const std::string &system, const std::string &code) {
	return R"({"system":")" + system + R"(","code":")" + code + R"("})";
}

std::string
Summary(const ValidationResult &result) {
	std::string out;
	for (const auto &issue : result.issues)
		out += issue.code + " " + issue.expression + "\n";
	return out;
}

} // namespace

TEST(FhirBindings, TablesHaveSystemAndValueSet) {
	const r4::ElementDef *status = r4::FindElement(r4::FindResourceType("Condition"), "clinicalStatus");
	ASSERT_NE(status, nullptr);
	ASSERT_NE(status->enumId, 0);
	EXPECT_EQ(r4::EnumSystem(status->enumId), kClinical);
	EXPECT_EQ(r4::EnumValueSet(status->enumId), "http://hl7.org/fhir/ValueSet/condition-clinical");
	EXPECT_TRUE(r4::EnumContains(status->enumId, "relapse")); // a child concept of active
	EXPECT_EQ(r4::EnumCodeCount(status->enumId), 6u);
	// a backbone element's CodeableConcept
	const r4::ElementDef *applicability =
	    r4::FindElement(r4::FindType("InsurancePlan_Cost"), "applicability");
	ASSERT_NE(applicability, nullptr);
	EXPECT_TRUE(r4::EnumContains(applicability->enumId, "in-network"));
	// code elements carry no system; UCUM (an external code system) stays unchecked
	EXPECT_EQ(r4::EnumSystem(r4::FindElement(r4::FindResourceType("Procedure"), "status")->enumId), "");
	EXPECT_EQ(r4::FindElement(r4::FindType("RiskEvidenceSynthesis_RiskEstimate"), "unitOfMeasure")->enumId,
	          0);
	EXPECT_EQ(r4::FindElement(r4::FindType("Money"), "currency")->enumId, 0);
}

TEST(FhirBindings, CodeOfTheBoundSystem) {
	EXPECT_TRUE(Validate(Condition(R"({"coding":[)" + Coding(kClinical, "active") + "]}")).ok());
	auto bad = Validate(Condition(R"({"coding":[)" + Coding(kClinical, "bogus") + R"(],"text":"x"})"));
	EXPECT_EQ(Summary(bad), "code-invalid Condition.clinicalStatus.coding[0].code\n");
	EXPECT_NE(bad.issues[0].message.find("http://hl7.org/fhir/ValueSet/condition-clinical"),
	          std::string::npos);
	EXPECT_NE(bad.issues[0].message.find("active | recurrence"), std::string::npos) << bad.issues[0].message;
	// codes are case sensitive
	EXPECT_FALSE(Validate(Condition(R"({"coding":[)" + Coding(kClinical, "Active") + "]}")).ok());
	// not checked below strict
	EXPECT_TRUE(
	    Validate(Condition(R"({"coding":[)" + Coding(kClinical, "bogus") + "]}"), Level::Structure).ok());
}

TEST(FhirBindings, SeveralCodings) {
	// another system beside a good coding (fhir-test-cases allergy.json): accepted
	EXPECT_TRUE(Validate(Condition(R"({"coding":[)" + Coding("http://example.org/status", "on") + "," +
	                               Coding(kClinical, "active") + "]}"))
	                .ok());
	// a bad code of the bound system is refused even beside a good one: it is unknown to the system
	EXPECT_EQ(Summary(Validate(Condition(R"({"coding":[)" + Coding(kClinical, "active") + "," +
	                                     Coding(kClinical, "bogus") + "]}"))),
	          "code-invalid Condition.clinicalStatus.coding[1].code\n");
}

TEST(FhirBindings, OtherSystemsAndTextOnly) {
	// only other systems, or no system: not refused (the Java validator refuses them only when its
	// terminology server knows the system)
	EXPECT_TRUE(
	    Validate(Condition(R"({"coding":[)" + Coding("http://snomed.info/sct", "55561003") + "]}")).ok());
	EXPECT_TRUE(Validate(Condition(R"({"coding":[{"code":"bogus"}]})")).ok());
	EXPECT_TRUE(
	    Validate(Condition(R"({"coding":[{"system":")" + std::string(kClinical) + R"(","display":"A"}]})"))
	        .ok());
	// no coding at all: refused at the element
	auto text = Validate(Condition(R"({"text":"active"})"));
	EXPECT_EQ(Summary(text), "code-invalid Condition.clinicalStatus\n");
	EXPECT_NE(text.issues[0].message.find("text alone"), std::string::npos);
	EXPECT_EQ(
	    Summary(Validate(Condition(
	        R"({"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason","valueCode":"unknown"}]})"))),
	    "code-invalid Condition.clinicalStatus\n");
	// an empty object is a structure issue only
	EXPECT_EQ(Summary(Validate(Condition("{}"))), "structure Condition.clinicalStatus\n");
}

TEST(FhirBindings, InBundlesAndBackboneElements) {
	std::string plan = R"({"resourceType":"InsurancePlan","plan":[{"specificCost":[{"category":{"text":"c"},
	  "benefit":[{"type":{"text":"t"},"cost":[{"type":{"text":"x"},"applicability":{"coding":[{
	  "system":"http://terminology.hl7.org/CodeSystem/applicability","code":"nowhere"}]}}]}]}]}]})";
	EXPECT_EQ(Summary(Validate(plan)),
	          "code-invalid "
	          "InsurancePlan.plan[0].specificCost[0].benefit[0].cost[0].applicability.coding[0].code\n");
	std::string bundle = R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":)" +
	                     Condition(R"({"coding":[)" + Coding(kClinical, "gone") + "]}") + "}]}";
	EXPECT_EQ(Summary(Validate(bundle)),
	          "code-invalid Bundle.entry[0].resource.clinicalStatus.coding[0].code\n");
}
