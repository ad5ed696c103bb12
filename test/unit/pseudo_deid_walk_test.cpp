// The rule-driven de-identification walk (src/core/pseudo/deid_walk.cpp) without a server:
// person resources nested anywhere, unknown elements, identifying extensions, generalisation,
// the hooks' view of references, and a Practitioner's staff data.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json/nlohmann_node.hpp"
#include "core/json/value.hpp"
#include "core/pseudo/deid_walk.hpp"

using hdl::json::Value;
using namespace hdl::pseudo;

namespace {

Value
Parse(const char *text) {
	static std::vector<nlohmann::json> keep; // the Node points into its document
	keep.push_back(nlohmann::json::parse(text));
	return hdl::json::ToValue(hdl::json::FromNlohmann(keep.back()));
}

// Compared as JSON: key order is not the point.
nlohmann::json
J(const std::string &text) {
	return nlohmann::json::parse(text);
}

struct Recorder : DeidHooks {
	std::vector<uint8_t> targets;
	void
	Reference(Value &ref, uint8_t t) override {
		targets.push_back(t);
		ref.erase("display");
	}
};

} // namespace

TEST(DeidWalk, ContainedPatientInParametersInBundle) {
	Value doc = Parse(R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{
		"resourceType":"Parameters","parameter":[{"name":"p","resource":{"resourceType":"Observation","status":"final",
		"code":{"text":"x"},"subject":{"reference":"#c","display":"Ann Example"},
		"contained":[{"resourceType":"Patient","id":"c","name":[{"family":"Example"}],"birthDate":"1950-03-04",
		"telecom":[{"value":"07700 900111"}],"address":[{"line":["1 Lane"],"postalCode":"LS21 3QZ","country":"GB"}],
		"nhsNumber":"9434765870"}]}}]}}]})");
	Recorder hooks;
	DeidResult r = Deidentify(doc, Policy {}, hooks);
	EXPECT_FALSE(r.root_is_person);
	ASSERT_EQ(r.nested.size(), 1u);
	EXPECT_EQ(r.nested[0].path, "entry[0].resource.parameter[0].resource.contained[0]");
	EXPECT_EQ(r.nested[0].type, "Patient");
	EXPECT_EQ(J(r.nested[0].identity.vault.dump()), J(R"({"name":[{"family":"Example"}],"birthDate":"1950-03-04","telecom":[{"value":"07700 900111"}],)"
	          R"("address":[{"line":["1 Lane"],"postalCode":"LS21 3QZ","country":"GB"}],"nhsNumber":"9434765870"})"));
	const Value &patient = doc["entry"][0]["resource"]["parameter"][0]["resource"]["contained"][0];
	EXPECT_EQ(J(patient.dump()), J(R"({"resourceType":"Patient","id":"c","birthDate":"1950-03","address":[{"postalCode":"LS21","country":"GB"}]})"));
	// Observation.subject may be a Patient (bit 1) among others (16)
	ASSERT_EQ(hooks.targets.size(), 1u);
	EXPECT_EQ(hooks.targets[0], kTargetPatient | kTargetOther);
}

TEST(DeidWalk, TopLevelPatientExtensionsAndEmptiedElements) {
	Value doc = Parse(R"({"resourceType":"Patient","gender":"female",
		"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName","valueString":"Maiden"},
		             {"url":"https://x.example/ext","valueAddress":{"city":"Town"}},
		             {"url":"https://x.example/keep","valueCode":"a"}],
		"contact":[{"name":{"family":"Kin"}}],"_birthDate":{"extension":[{"url":"u","valueDateTime":"1950-03-04T01:02:03Z"}]}})");
	DeidHooks none;
	DeidResult r = Deidentify(doc, Policy {}, none);
	ASSERT_TRUE(r.root_is_person);
	EXPECT_EQ(J(doc.dump()), J(R"({"resourceType":"Patient","gender":"female","extension":[{"url":"https://x.example/keep","valueCode":"a"}]})"));
	std::string vault = r.root.vault.dump();
	EXPECT_NE(vault.find("Maiden"), std::string::npos);
	EXPECT_NE(vault.find("Town"), std::string::npos);
	EXPECT_NE(vault.find("Kin"), std::string::npos);
	EXPECT_NE(vault.find("1950-03-04T01:02:03Z"), std::string::npos);
}

TEST(DeidWalk, RootRulesSkippedAndNestedOff) {
	Value doc = Parse(R"({"resourceType":"Patient","birthDate":"1950-03","contained":[{"resourceType":"Person","name":[{"text":"P"}]}]})");
	DeidHooks none;
	DeidResult r = Deidentify(doc, Policy {}, none, {false, false});
	EXPECT_FALSE(r.root_is_person);
	EXPECT_TRUE(r.nested.empty());
	EXPECT_EQ(J(doc.dump()), J(R"({"resourceType":"Patient","birthDate":"1950-03","contained":[{"resourceType":"Person","name":[{"text":"P"}]}]})"));
}

TEST(DeidWalk, PractitionerIsStaff) {
	Value doc = Parse(R"({"resourceType":"Practitioner","name":[{"family":"Dr"}],"birthDate":"1970-01-02",
		"photo":[{"url":"https://x.example/p.png"}],"fullName":"Dr Who"})");
	DeidHooks none;
	Policy year;
	year.birth_date = BirthDateRule::Year;
	DeidResult r = Deidentify(doc, year, none);
	EXPECT_EQ(J(doc.dump()), J(R"({"resourceType":"Practitioner","name":[{"family":"Dr"}],"birthDate":"1970-01-02"})"));
	EXPECT_EQ(J(r.root.vault.dump()), J(R"({"photo":[{"url":"https://x.example/p.png"}],"fullName":"Dr Who"})"));
}

TEST(DeidWalk, BirthDatePolicyAndNonPersonUnknownKeys) {
	Value doc = Parse(R"({"resourceType":"RelatedPerson","patient":{"reference":"Patient/x"},"birthDate":"1950-03-04"})");
	DeidHooks none;
	Policy drop;
	drop.birth_date = BirthDateRule::Drop;
	Deidentify(doc, drop, none);
	EXPECT_EQ(J(doc.dump()), J(R"({"resourceType":"RelatedPerson","patient":{"reference":"Patient/x"}})"));
	// outside person resources an unknown key stays; what looks like a reference below it reaches the hooks
	Value obs = Parse(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},"who":{"reference":"Patient/y","display":"D"}})");
	Recorder hooks;
	Deidentify(obs, Policy {}, hooks);
	EXPECT_EQ(J(obs.dump()), J(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},"who":{"reference":"Patient/y"}})"));
	ASSERT_EQ(hooks.targets.size(), 1u);
	EXPECT_EQ(hooks.targets[0], kTargetAny);
}
