// Invariants of the generated R4 tables (src/core/fhir/r4_tables.inc) that lookups rely on.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/fhir/r4_schema.hpp"

using namespace hdl::fhir::r4;

TEST(FhirTables, ResourceTypes) {
	ASSERT_EQ(ResourceTypeCount(), 146u);
	for (size_t i = 1; i < ResourceTypeCount(); i++)
		EXPECT_LT(TypeName(ResourceTypeAt(i - 1)), TypeName(ResourceTypeAt(i)));
	for (size_t i = 0; i < ResourceTypeCount(); i++) {
		EXPECT_EQ(Type(ResourceTypeAt(i)).kind, TypeKind::Resource);
		EXPECT_EQ(FindResourceType(TypeName(ResourceTypeAt(i))), ResourceTypeAt(i));
	}
	EXPECT_EQ(FindResourceType("HumanName"), kNoType);
}

TEST(FhirTables, ElementsSortedAndTyped) {
	for (TypeId t = 0; t < 680; t++) {
		const TypeDef &def = Type(t);
		if (def.kind != TypeKind::Complex && def.kind != TypeKind::Resource)
			continue;
		for (const ElementDef *e = ElementsBegin(t); e != ElementsEnd(t); e++) {
			if (e + 1 != ElementsEnd(t)) {
				EXPECT_LT(Name(e->name), Name((e + 1)->name)) << TypeName(t);
			}
			EXPECT_EQ(FindElement(t, Name(e->name)), e);
			EXPECT_LT(e->type, 680);
		}
	}
}

TEST(FhirTables, KnownShapes) {
	TypeId patient = FindResourceType("Patient");
	const ElementDef *name = FindElement(patient, "name");
	ASSERT_NE(name, nullptr);
	EXPECT_TRUE(name->isArray());
	EXPECT_EQ(TypeName(name->type), "HumanName");
	const ElementDef *gender = FindElement(patient, "gender");
	ASSERT_NE(gender, nullptr);
	EXPECT_EQ(Type(gender->type).primitive, Primitive::Code);
	EXPECT_TRUE(EnumContains(gender->enumId, "female"));
	EXPECT_FALSE(EnumContains(gender->enumId, "F"));
	EXPECT_TRUE(gender->allowsPrimitiveExtension());
	const ElementDef *deceased = FindElement(patient, "deceasedDateTime");
	ASSERT_NE(deceased, nullptr);
	EXPECT_TRUE(deceased->isChoice());
	EXPECT_EQ(Name(Choice(patient, deceased->choiceSlot).name), "deceased");
	EXPECT_EQ(Type(deceased->type).primitive, Primitive::DateTime);
	EXPECT_EQ(FindElement(patient, "deceased"), nullptr);
	EXPECT_EQ(FindElement(patient, "resourceType"), nullptr);
	TypeId observation = FindResourceType("Observation");
	EXPECT_TRUE(FindElement(observation, "status")->isRequired());
	EXPECT_TRUE(FindElement(observation, "code")->isRequired());
	EXPECT_FALSE(FindElement(observation, "reasonCode") != nullptr &&
	             FindElement(observation, "reasonCode")->isChoice());
	EXPECT_EQ(FindElement(observation, "contained")->type, kResourceListType);
	EXPECT_EQ(FindType("Bundle_Entry"), kBundleEntryType);
	EXPECT_TRUE(FindElement(kExtensionType, "url")->isRequired());
}

// Only required bindings get a table of codes (issue #17): the JSON schema also enumerates
// Expression.language, whose R4 binding is extensible.
TEST(FhirTables, OnlyRequiredBindingsEnumerated) {
	const ElementDef *language = FindElement(FindType("Expression"), "language");
	ASSERT_NE(language, nullptr);
	EXPECT_EQ(Type(language->type).primitive, Primitive::Code);
	EXPECT_EQ(language->enumId, 0);
	EXPECT_TRUE(language->isRequired());
	EXPECT_NE(FindElement(FindType("Narrative"), "status")->enumId, 0);
	EXPECT_NE(FindElement(FindType("Bundle_Request"), "method")->enumId, 0);
	EXPECT_NE(FindElement(FindResourceType("Measure"), "status")->enumId, 0);
}

// A required binding the JSON schema does not enumerate gets its ValueSet's codes from
// valuesets.json (issue #17 item 3): Procedure.status (event-status), MedicationRequest.intent,
// a backbone element's code; a ValueSet not defined there (mime types) stays unchecked.
TEST(FhirTables, RequiredBindingsFromValueSets) {
	const ElementDef *status = FindElement(FindResourceType("Procedure"), "status");
	ASSERT_NE(status, nullptr);
	ASSERT_NE(status->enumId, 0);
	EXPECT_TRUE(EnumContains(status->enumId, "completed"));
	EXPECT_TRUE(EnumContains(status->enumId, "entered-in-error"));
	EXPECT_FALSE(EnumContains(status->enumId, "bogus"));
	const ElementDef *intent = FindElement(FindResourceType("MedicationRequest"), "intent");
	ASSERT_NE(intent->enumId, 0);
	EXPECT_TRUE(EnumContains(intent->enumId, "order"));
	EXPECT_FALSE(EnumContains(intent->enumId, "Order"));
	EXPECT_NE(FindElement(FindResourceType("Immunization"), "status")->enumId, 0);
	EXPECT_NE(FindElement(FindResourceType("CarePlan"), "status")->enumId, 0);
	EXPECT_EQ(FindElement(FindType("Attachment"), "contentType")->enumId, 0);
}

// The committed tables match the generator and ../shared definitions (CI runs the same check).
TEST(FhirTables, GeneratedFileUpToDate) {
	const std::filesystem::path shared =
	    std::filesystem::path(HDL_SOURCE_DIR) / ".." / "shared" / "data" / "fhir-r4";
	if (!std::filesystem::exists(shared))
		GTEST_SKIP() << "../shared/data/fhir-r4 is absent; generated tables not compared";
	if (std::system("python3 --version > /dev/null 2>&1") != 0)
		GTEST_SKIP() << "python3 is not available";
	std::string command = "python3 \"" HDL_SOURCE_DIR "/tools/fhir-tables/generate.py\" --check > /dev/null";
	EXPECT_EQ(std::system(command.c_str()), 0) << "run: python3 tools/fhir-tables/generate.py";
}
