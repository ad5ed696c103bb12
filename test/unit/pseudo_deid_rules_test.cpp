// The generated de-identification rules (src/core/pseudo/deid_rules.inc): lookups, and that every
// rule names a real R4 element (the two generated tables agree).
#include <gtest/gtest.h>

#include <string>

#include "core/fhir/r4_schema.hpp"
#include "core/pseudo/deid_rules.hpp"

using namespace hdl::pseudo;
namespace r4 = hdl::fhir::r4;

TEST(DeidRules, PersonClasses) {
	EXPECT_EQ(PersonClassOf("Patient"), PersonClass::Patient);
	EXPECT_EQ(PersonClassOf("Person"), PersonClass::Patient);
	EXPECT_EQ(PersonClassOf("RelatedPerson"), PersonClass::Patient);
	EXPECT_EQ(PersonClassOf("Practitioner"), PersonClass::Staff);
	EXPECT_EQ(PersonClassOf("PractitionerRole"), PersonClass::None);
	EXPECT_EQ(PersonClassOf("Observation"), PersonClass::None);
	EXPECT_EQ(PersonClassOf(""), PersonClass::None);
}

TEST(DeidRules, ElementActions) {
	EXPECT_EQ(ElementAction("Patient", "name", PersonClass::Patient), Action::Vault);
	EXPECT_EQ(ElementAction("Patient", "identifier", PersonClass::Patient), Action::Vault);
	EXPECT_EQ(ElementAction("Patient", "photo", PersonClass::Patient), Action::Vault);
	EXPECT_EQ(ElementAction("Patient", "address", PersonClass::Patient), Action::GeneraliseAddress);
	EXPECT_EQ(ElementAction("Patient", "birthDate", PersonClass::Patient), Action::GeneraliseDate);
	EXPECT_EQ(ElementAction("Patient", "_birthDate", PersonClass::Patient), Action::Vault);
	EXPECT_EQ(ElementAction("Patient", "deceasedDateTime", PersonClass::Patient), Action::GeneraliseDate);
	EXPECT_EQ(ElementAction("Patient", "deceasedBoolean", PersonClass::Patient), Action::Keep);
	EXPECT_EQ(ElementAction("Patient", "gender", PersonClass::Patient), Action::Keep);
	EXPECT_EQ(ElementAction("Patient_Contact", "name", PersonClass::Patient), Action::Vault);
	EXPECT_EQ(ElementAction("Patient_Contact", "telecom", PersonClass::Patient), Action::Vault);
	EXPECT_EQ(ElementAction("Patient_Contact", "relationship", PersonClass::Patient), Action::Keep);
	EXPECT_EQ(ElementAction("Person", "telecom", PersonClass::Patient), Action::Vault);
	EXPECT_EQ(ElementAction("RelatedPerson", "birthDate", PersonClass::Patient), Action::GeneraliseDate);
	// staff: professional identity and birth date kept, photo not
	EXPECT_EQ(ElementAction("Practitioner", "name", PersonClass::Staff), Action::Keep);
	EXPECT_EQ(ElementAction("Practitioner", "identifier", PersonClass::Staff), Action::Keep);
	EXPECT_EQ(ElementAction("Practitioner", "photo", PersonClass::Staff), Action::Vault);
	EXPECT_EQ(ElementAction("Practitioner", "birthDate", PersonClass::Staff), Action::Keep); // workforce data
	// extension values: in patient-class resources only
	EXPECT_EQ(ElementAction("Extension", "valueHumanName", PersonClass::Patient), Action::VaultExtension);
	EXPECT_EQ(ElementAction("Extension", "valueAttachment", PersonClass::Patient), Action::VaultExtension);
	EXPECT_EQ(ElementAction("Extension", "valueString", PersonClass::Patient), Action::Keep);
	EXPECT_EQ(ElementAction("Extension", "valueHumanName", PersonClass::Staff), Action::Keep);
	EXPECT_EQ(ElementAction("Observation", "subject", PersonClass::None), Action::Keep);
}

TEST(DeidRules, ReferenceTargets) {
	EXPECT_EQ(ReferenceTargets("Observation", "subject") & kTargetPatient, kTargetPatient);
	EXPECT_EQ(ReferenceTargets("Observation", "subject") & kTargetOther, kTargetOther); // Group, Device, Location
	EXPECT_EQ(ReferenceTargets("AllergyIntolerance", "patient"), kTargetPatient);
	EXPECT_NE(ReferenceTargets("Observation", "performer") & kTargetPractitioner, 0);
	EXPECT_NE(ReferenceTargets("Annotation", "authorReference") & kTargetRelatedPerson, 0);
	EXPECT_EQ(ReferenceTargets("Extension", "valueReference"), kTargetAny);
	EXPECT_EQ(ReferenceTargets("Patient_Link", "other"), kTargetPatient | kTargetRelatedPerson);
	EXPECT_EQ(ReferenceTargets("Encounter", "serviceProvider"), 0); // Organization only
	EXPECT_EQ(ReferenceTargets("Patient", "managingOrganization"), 0);
	EXPECT_EQ(ReferenceTargets("Nope", "subject"), 0);
}

TEST(DeidRules, Extensions) {
	EXPECT_TRUE(IsIdentifyingExtensionUrl("http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName"));
	EXPECT_TRUE(IsIdentifyingExtensionUrl("http://hl7.org/fhir/StructureDefinition/patient-birthTime"));
	EXPECT_FALSE(IsIdentifyingExtensionUrl("http://hl7.org/fhir/StructureDefinition/patient-religion"));
	EXPECT_TRUE(AddressKeeps("district"));
	EXPECT_FALSE(AddressKeeps("line"));
	EXPECT_FALSE(AddressKeeps("postalCode")); // kept only as its district, by the policy
}

// Every rule names an element of the R4 tables, sorted as the lookup needs.
TEST(DeidRules, RulesNameR4Elements) {
	ASSERT_GT(ElementRuleCount(), 30u);
	for (size_t i = 0; i < ElementRuleCount(); i++) {
		const rules::ElementRule &r = ElementRuleAt(i);
		r4::TypeId owner = r4::FindType(r.owner);
		ASSERT_NE(owner, r4::kNoType) << r.owner;
		std::string element = r.element;
		bool extension = element[0] == '_';
		const r4::ElementDef *def = r4::FindElement(owner, extension ? element.substr(1) : element);
		ASSERT_NE(def, nullptr) << r.owner << "." << r.element;
		if (extension) {
			EXPECT_TRUE(def->allowsPrimitiveExtension()) << r.owner << "." << r.element;
		}
		if (i > 0) {
			const rules::ElementRule &p = ElementRuleAt(i - 1);
			EXPECT_LE(std::string(p.owner) + "\x01" + p.element, std::string(r.owner) + "\x01" + r.element);
		}
		EXPECT_EQ(ElementAction(r.owner, r.element, r.cls), r.action) << r.owner << "." << r.element;
	}
}
