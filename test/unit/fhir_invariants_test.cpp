// The base invariants of R4 (issue #17 item 2): the generated table (how many there are, how many
// are evaluated, why the others are not), every evaluated one compiles with hdl's FHIRPath engine,
// real failures are reported as `invariant` issues at level strict only, and valid data passes.
#include <chrono>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "core/fhir/invariants.hpp"
#include "core/fhir/r4_schema.hpp"
#include "core/fhir/validator.hpp"
#include "core/json/nlohmann_node.hpp"

namespace fs = std::filesystem;
namespace r4 = hdl::fhir::r4;
using hdl::fhir::Level;

namespace {

fs::path
SharedDir() {
	const char *env = std::getenv("HDL_SHARED_DIR");
	if (env != nullptr && *env != '\0')
		return env;
	return fs::path(HDL_SOURCE_DIR) / ".." / "shared";
}

// "code expression: message" per issue.
std::string
Issues(const std::string &text, Level level = Level::Strict) {
	nlohmann::json doc = nlohmann::json::parse(text);
	auto result = hdl::fhir::ValidateResource(hdl::json::FromNlohmann(doc), level);
	std::string out;
	for (const auto &issue : result.issues)
		out += issue.code + " " + issue.expression + ": " + issue.message + "\n";
	return out;
}

} // namespace

// The figures of docs/validation.md: a change to the table or the engine that drops an invariant
// fails here.
TEST(FhirInvariants, TableFigures) {
	std::map<std::string, size_t> skipped;
	std::set<std::string> keys, evaluatedKeys;
	size_t evaluated = 0;
	for (size_t i = 0; i < r4::InvariantCount(); i++) {
		const r4::InvariantDef &def = r4::InvariantAt(i);
		keys.insert(def.key);
		if (def.skip[0] == '\0') {
			evaluated++;
			evaluatedKeys.insert(def.key);
			EXPECT_STREQ(def.severity, "error") << def.key;
		} else {
			skipped[def.skip]++;
		}
	}
	EXPECT_EQ(r4::InvariantCount(), 956u);
	EXPECT_EQ(evaluated, 334u);
	EXPECT_EQ(keys.size(), 240u);
	EXPECT_EQ(evaluatedKeys.size(), 186u);
	std::map<std::string, size_t> expected = {
	    {"MoneyQuantity is a profile of Quantity, which the schema uses for its elements", 1},
	    {"R5 backport in Medplum's copy: not R4's invariant", 1},
	    {"SimpleQuantity is a profile of Quantity, which the schema uses for its elements", 1},
	    {"SubscriptionStatus is a profile of DomainResource, which the schema uses for its elements", 1},
	    {"checked natively by the walk (validator_rules.cpp)", 439},
	    {"ele-1 on every element: the walk refuses empty objects and arrays", 1},
	    {"htmlChecks(): the XHTML rules of the narrative are not checked", 2},
	    {"resolve(): references are not resolved against the server", 1},
	    {"severity warning: does not refuse a resource", 175},
	};
	EXPECT_EQ(skipped, expected);
	// Every evaluated invariant compiles: none is left out silently.
	EXPECT_EQ(hdl::fhir::detail::InvariantParseFailures(), std::vector<std::string> {});
	size_t compiled = 0;
	for (r4::TypeId t = 0; t < 680; t++)
		compiled += hdl::fhir::detail::InvariantsOf(t).size();
	EXPECT_EQ(compiled, 334u);
}

TEST(FhirInvariants, PeriodStartAfterEnd) {
	std::string bad = R"({"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},
	    "period":{"start":"2020-01-02T10:00:00Z","end":"2020-01-01T10:00:00Z"}})";
	EXPECT_EQ(Issues(bad), "invariant Encounter.period: constraint per-1 failed: If present, start SHALL have a "
	                       "lower value than end\n");
	EXPECT_EQ(Issues(bad, Level::Structure), "");
	EXPECT_EQ(Issues(bad, Level::Minimal), "");
	// A daylight saving change: 01:52-04:00 is before 01:07-05:00 (Synthea has such periods).
	EXPECT_EQ(Issues(R"({"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},
	    "period":{"start":"2022-11-06T01:52:06-04:00","end":"2022-11-06T01:07:06-05:00"}})"),
	          "");
	// Different precisions cannot be ordered within the same day: not a failure (their text order
	// would be); a day before is.
	EXPECT_EQ(Issues(R"({"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},
	    "period":{"start":"2020-01-01T10:00:00Z","end":"2020-01-01"}})"),
	          "");
	EXPECT_NE(Issues(R"({"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},
	    "period":{"start":"2020-01-02","end":"2020-01-01T10:00:00Z"}})"),
	          "");
}

TEST(FhirInvariants, ObservationValueAndDataAbsentReason) {
	EXPECT_EQ(Issues(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
	    "valueQuantity":{"value":1},"dataAbsentReason":{"text":"unknown"}})"),
	          "invariant Observation: constraint obs-6 failed: dataAbsentReason SHALL only be present if "
	          "Observation.value[x] is not present\n");
	EXPECT_EQ(Issues(R"({"resourceType":"Observation","status":"final",
	    "code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},"valueString":"x",
	    "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},"valueString":"y"}]})"),
	          "invariant Observation: constraint obs-7 failed: If Observation.code is the same as an "
	          "Observation.component.code then the value element associated with the code SHALL NOT be "
	          "present\n");
}

TEST(FhirInvariants, ReferencesAndContained) {
	EXPECT_EQ(Issues(R"({"resourceType":"Patient","managingOrganization":{"reference":"#org"}})"),
	          "invariant Patient.managingOrganization: constraint ref-1 failed: SHALL have a contained "
	          "resource if a local reference is provided\n");
	EXPECT_EQ(Issues(R"({"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"org",
	    "name":"O"}],"managingOrganization":{"reference":"#org"}})"),
	          "");
	// A contained resource's references see the container (%rootResource).
	EXPECT_EQ(Issues(R"({"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"org",
	    "name":"O","partOf":{"reference":"#parent"}},{"resourceType":"Organization","id":"parent","name":"P"}],
	    "managingOrganization":{"reference":"#org"}})"),
	          "");
	// ref-1 (checked natively): "#" refers to the container only from inside a contained resource
	EXPECT_EQ(Issues(R"({"resourceType":"Patient","managingOrganization":{"reference":"#"}})"),
	          "invariant Patient.managingOrganization: constraint ref-1 failed: SHALL have a contained "
	          "resource if a local reference is provided\n");
	// a Bundle's entries each have their own contained resources
	EXPECT_EQ(Issues(R"({"resourceType":"Bundle","type":"collection","entry":[
	    {"fullUrl":"urn:uuid:0a7c6f7e-6c2e-4a41-9d8f-2a8b1a2f0c11","resource":{"resourceType":"Patient",
	      "contained":[{"resourceType":"Organization","id":"org","name":"O"}],"managingOrganization":{"reference":"#org"}}},
	    {"fullUrl":"urn:uuid:0a7c6f7e-6c2e-4a41-9d8f-2a8b1a2f0c12","resource":{"resourceType":"Patient",
	      "managingOrganization":{"reference":"#org"}}}]})"),
	          "invariant Bundle.entry[1].resource.managingOrganization: constraint ref-1 failed: SHALL have a "
	          "contained resource if a local reference is provided\n");
	// dom-3 (checked natively): a contained resource nothing refers to, at its place.
	EXPECT_EQ(Issues(R"({"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"org",
	    "name":"O"}]})"),
	          "invariant Patient.contained[0]: constraint dom-3 failed: If the resource is contained in another "
	          "resource, it SHALL be referred to from elsewhere in the resource or SHALL refer to the containing "
	          "resource (contained resource 'org' is not referred to)\n");
	// referred to by a canonical (the engine cannot type it; the HL7 suite's contained.json)
	EXPECT_EQ(Issues(R"({"resourceType":"Questionnaire","status":"draft","item":[{"linkId":"q1","type":"choice",
	    "answerValueSet":"#options-1"}],"contained":[{"resourceType":"ValueSet","id":"options-1","status":"draft"}]})"),
	          "");
	// referring to its container with "#"
	EXPECT_EQ(Issues(R"({"resourceType":"Patient","id":"p","contained":[{"resourceType":"Provenance","id":"prov",
	    "target":[{"reference":"#"}],"recorded":"2020-01-01T00:00:00Z","agent":[{"who":{"display":"x"}}]}]})"),
	          "");
	// only the second of two is referred to; a contained resource without an id is not checked
	EXPECT_EQ(Issues(R"({"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"a","name":"A"},
	    {"resourceType":"Organization","id":"b","name":"B"},{"resourceType":"Organization","name":"C"}],
	    "managingOrganization":{"reference":"#b"}})"),
	          "invariant Patient.contained[0]: constraint dom-3 failed: If the resource is contained in another "
	          "resource, it SHALL be referred to from elsewhere in the resource or SHALL refer to the containing "
	          "resource (contained resource 'a' is not referred to)\n");
	// "#a" written by another contained resource counts (the definition reads %resource.descendants())
	EXPECT_EQ(Issues(R"({"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"a","name":"A"},
	    {"resourceType":"Organization","id":"b","name":"B","partOf":{"reference":"#a"}}],
	    "managingOrganization":{"reference":"#b"}})"),
	          "");
	// structure level evaluates no invariant
	EXPECT_EQ(Issues(R"({"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"org",
	    "name":"O"}]})",
	                 Level::Structure),
	          "");
}

// Many contained resources and local references: linear, not quadratic (20,000 of each took
// minutes when ref-1 and dom-3 were evaluated by the engine).
TEST(FhirInvariants, ManyContainedResources) {
	nlohmann::json doc = {{"resourceType", "Patient"}};
	for (int i = 0; i < 20000; i++) {
		doc["contained"].push_back({{"resourceType", "Organization"}, {"id", "o" + std::to_string(i)}, {"name", "x"}});
		doc["generalPractitioner"].push_back({{"reference", "#o" + std::to_string(i)}});
	}
	doc["generalPractitioner"].push_back({{"reference", "#missing"}});
	auto start = std::chrono::steady_clock::now();
	auto result = hdl::fhir::ValidateResource(hdl::json::FromNlohmann(doc), Level::Strict);
	double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	ASSERT_EQ(result.issues.size(), 1u);
	EXPECT_EQ(result.issues[0].expression, "Patient.generalPractitioner[20000]");
	EXPECT_LT(seconds, 10.0); // a generous bound: quadratic work takes minutes
}

TEST(FhirInvariants, DatatypesAndBackboneElements) {
	// several at once, each at its element
	EXPECT_EQ(Issues(R"({"resourceType":"Questionnaire","status":"active","item":[{"linkId":"a","type":"group",
	    "item":[{"linkId":"a","type":"string"}]}],"useContext":[{"code":{"code":"age"},
	    "valueQuantity":{"value":18,"code":"a"}}]})"),
	          "invariant Questionnaire.useContext[0].valueQuantity: constraint qty-3 failed: If a code for the "
	          "unit is present, the system SHALL also be present\n"
	          "invariant Questionnaire: constraint que-2 failed: The link ids for groups and questions must be "
	          "unique within the questionnaire\n");
	// not evaluated where the resource has another kind of error
	EXPECT_EQ(Issues(R"({"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"bad":1,
	    "period":{"start":"2020-01-02T10:00:00Z","end":"2020-01-01T10:00:00Z"}})"),
	          "structure Encounter.bad: unknown element 'bad'\n");
	EXPECT_EQ(Issues(R"({"resourceType":"Patient","photo":[{"data":"AAAA"}]})"),
	          "invariant Patient.photo[0]: constraint att-1 failed: If the Attachment has data, it SHALL have a "
	          "contentType\n");
	EXPECT_EQ(Issues(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
	    "valueQuantity":{"value":1,"code":"mg"}})"),
	          "invariant Observation.valueQuantity: constraint qty-3 failed: If a code for the unit is present, "
	          "the system SHALL also be present\n");
	EXPECT_EQ(Issues(R"({"resourceType":"Questionnaire","status":"active","item":[{"linkId":"a","type":"group",
	    "item":[{"linkId":"a","type":"string"}]}]})"),
	          "invariant Questionnaire: constraint que-2 failed: The link ids for groups and questions must be "
	          "unique within the questionnaire\n");
}

// The one HL7 R4 example of fhir-test-cases that an invariant refuses: two concepts coded chol-mass.
TEST(FhirInvariants, CodeSystemExampleDuplicateCodes) {
	fs::path file = SharedDir() / "fhir-test-cases" / "r4-examples" / "codesystem-example.json";
	if (!fs::exists(file))
		GTEST_SKIP() << file << " is absent (set HDL_SHARED_DIR)";
	std::ifstream in(file);
	nlohmann::json doc = nlohmann::json::parse(in);
	auto result = hdl::fhir::ValidateResource(hdl::json::FromNlohmann(doc), Level::Strict);
	ASSERT_EQ(result.issues.size(), 1u);
	EXPECT_EQ(result.issues[0].code, "invariant");
	EXPECT_EQ(result.issues[0].expression, "CodeSystem");
	EXPECT_EQ(result.issues[0].message,
	          "constraint csd-1 failed: Within a code system definition, all the codes SHALL be unique");
}
