// Column types of mart columns: FHIR types inferred from the R4 element tables for columns
// without a "type", type tags, typed time columns, and the start of partial dates' periods.
#include <gtest/gtest.h>

#include "core/json/nlohmann_node.hpp"
#include "core/sof/column_type.hpp"
#include "core/sof/view.hpp"

using nlohmann::json;

namespace {

hdl::sof::CompiledView
CompileView(const json &view) {
	return hdl::sof::Compile(hdl::json::FromNlohmann(view));
}

// The inferred type of a column without a type, with the path on the given resource type.
std::string
Inferred(const std::string &resource, const std::string &path) {
	json view = {{"resource", resource}, {"select", {{{"column", {{{"name", "c"}, {"path", path}}}}}}}};
	return CompileView(view).columns().at(0).inferred_type;
}

TEST(SofColumnType, InfersPrimitiveElementTypes) {
	EXPECT_EQ(Inferred("Observation", "value.ofType(Quantity).value"), "decimal");
	EXPECT_EQ(Inferred("Observation", "value.ofType(FHIR.Quantity).unit"), "string");
	EXPECT_EQ(Inferred("Observation", "effective.ofType(dateTime)"), "dateTime");
	EXPECT_EQ(Inferred("Observation", "issued"), "instant");
	EXPECT_EQ(Inferred("Observation", "(value as Quantity).value"), "decimal");
	EXPECT_EQ(Inferred("Patient", "active"), "boolean");
	EXPECT_EQ(Inferred("Patient", "Patient.active"), "boolean");
	EXPECT_EQ(Inferred("Patient", "birthDate"), "date");
	EXPECT_EQ(Inferred("Patient", "name.first().family"), "string");
	EXPECT_EQ(Inferred("Patient", "name.where(use = 'official').given.first()"), "string");
	EXPECT_EQ(Inferred("Encounter", "period.start"), "dateTime");
	EXPECT_EQ(Inferred("Condition", "onset.ofType(dateTime)"), "dateTime");
	EXPECT_EQ(Inferred("Condition", "recordedDate"), "dateTime");
	EXPECT_EQ(Inferred("MedicationRequest", "dispenseRequest.quantity.value"), "decimal");
	EXPECT_EQ(Inferred("Patient", "multipleBirth.ofType(integer)"), "integer");
	EXPECT_EQ(Inferred("Patient", "meta.lastUpdated"), "instant");
}

TEST(SofColumnType, InfersFunctionAndOperatorResults) {
	EXPECT_EQ(Inferred("Patient", "name.count()"), "integer");
	EXPECT_EQ(Inferred("Patient", "name.exists()"), "boolean");
	EXPECT_EQ(Inferred("Patient", "gender = 'female'"), "boolean");
	EXPECT_EQ(Inferred("Patient", "deceased is dateTime"), "boolean");
	EXPECT_EQ(Inferred("Patient", "getResourceKey()"), "string");
	EXPECT_EQ(Inferred("Observation", "subject.getReferenceKey(Patient)"), "string");
	EXPECT_EQ(Inferred("Patient", "birthDate.toString().substring(0, 4).toInteger()"), "integer");
	EXPECT_EQ(Inferred("Patient", "name.family & ', '"), "string");
}

TEST(SofColumnType, UndecidableStaysUntyped) {
	EXPECT_EQ(Inferred("Observation", "value"), "");                  // a choice without ofType
	EXPECT_EQ(Inferred("Observation", "value.ofType(Period).start"), "dateTime");
	EXPECT_EQ(Inferred("Observation", "value.ofType(Nonsense)"), ""); // no such choice
	EXPECT_EQ(Inferred("Observation", "code"), "");                   // complex: not a primitive
	EXPECT_EQ(Inferred("Patient", "noSuchElement"), "");
	EXPECT_EQ(Inferred("Patient", "iif(active, 1, 2)"), "");
	EXPECT_EQ(Inferred("Patient", "%resource.id"), "");
	EXPECT_EQ(Inferred("Patient", "extension('http://x').value.ofType(string)"), "string");
	EXPECT_EQ(Inferred("NotAResource", "active"), "");
}

TEST(SofColumnType, ExplicitTypeWinsAndForEachMovesTheContext) {
	json view = json::parse(R"J({"resource":"Patient","select":[
		{"column":[{"name":"a","path":"active","type":"string"}]},
		{"forEach":"name","column":[{"name":"fam","path":"family"},{"name":"start","path":"period.start"}]},
		{"forEach":"contact","select":[{"forEach":"telecom","column":[{"name":"rank","path":"rank"}]}]},
		{"repeat":["link"],"column":[{"name":"r","path":"type"}]},
		{"column":[{"name":"after","path":"birthDate"}]}]})J");
	hdl::sof::CompiledView v = CompileView(view);
	ASSERT_EQ(v.columns().size(), 6u);
	EXPECT_EQ(v.columns()[0].inferred_type, "");
	EXPECT_EQ(v.columns()[0].fhirType(), "string");
	EXPECT_EQ(v.columns()[1].fhirType(), "string");
	EXPECT_EQ(v.columns()[2].fhirType(), "dateTime");
	EXPECT_EQ(v.columns()[3].fhirType(), "positiveInt");
	EXPECT_EQ(v.columns()[4].fhirType(), ""); // repeat: unknown context
	EXPECT_EQ(v.columns()[5].fhirType(), "date");
}

TEST(SofColumnType, UnionAllKeepsOnlyAgreedTypes) {
	json view = json::parse(R"J({"resource":"Patient","select":[{"unionAll":[
		{"column":[{"name":"x","path":"birthDate"},{"name":"y","path":"active"}]},
		{"column":[{"name":"x","path":"birthDate"},{"name":"y","path":"gender"}]}]}]})J");
	hdl::sof::CompiledView v = CompileView(view);
	EXPECT_EQ(v.columns()[0].fhirType(), "date");
	EXPECT_EQ(v.columns()[1].fhirType(), "");
}

TEST(SofColumnType, TypedTimeColumns) {
	json view = json::parse(R"J({"resource":"Patient","select":[{"column":[
		{"name":"b","path":"birthDate"},
		{"name":"d","path":"deceased.ofType(dateTime)","type":"dateTime"},
		{"name":"t","path":"birthDate","tag":[{"name":"postgres/type","value":"text"}]},
		{"name":"u","path":"meta.lastUpdated"},
		{"name":"c","path":"birthDate","collection":true}]}]})J");
	hdl::sof::CompiledView v = CompileView(view);
	EXPECT_TRUE(v.columns()[0].typedTime());
	EXPECT_TRUE(v.columns()[1].typedTime());
	EXPECT_FALSE(v.columns()[2].typedTime()); // a tag decides
	EXPECT_EQ(v.columns()[2].sql_type, "text");
	EXPECT_FALSE(v.columns()[3].typedTime()); // instants are complete: timestamptz alone
	EXPECT_FALSE(v.columns()[4].typedTime()); // collections are jsonb
	EXPECT_EQ(hdl::sof::TimeTextColumnName("b"), "b_text");
}

TEST(SofColumnType, PatientKeys) {
	json view = json::parse(R"J({"resource":"Observation","select":[{"column":[
		{"name":"p","path":"subject.getReferenceKey(Patient)"},
		{"name":"q","path":"subject.getReferenceKey(Group)"},
		{"name":"r","path":"getResourceKey()"},
		{"name":"s","path":"subject.reference"}]}]})J");
	hdl::sof::CompiledView v = CompileView(view);
	EXPECT_TRUE(v.columns()[0].patient_key);
	EXPECT_FALSE(v.columns()[1].patient_key);
	EXPECT_FALSE(v.columns()[2].patient_key);
	EXPECT_FALSE(v.columns()[3].patient_key);
	json patients = json::parse(R"J({"resource":"Patient","select":[{"column":[{"name":"id","path":"getResourceKey()"}]}]})J");
	EXPECT_TRUE(CompileView(patients).columns()[0].patient_key);
}

TEST(SofColumnType, PeriodStarts) {
	int64_t days = 0;
	ASSERT_TRUE(hdl::sof::FhirDateStartDays("2019", days));
	EXPECT_EQ(days, 17897); // 2019-01-01
	ASSERT_TRUE(hdl::sof::FhirDateStartDays("2019-05", days));
	EXPECT_EQ(days, 18017); // 2019-05-01
	ASSERT_TRUE(hdl::sof::FhirDateStartDays("2019-05-03", days));
	EXPECT_EQ(days, 18019);
	ASSERT_TRUE(hdl::sof::FhirDateStartDays("1900-02", days));
	EXPECT_EQ(days, -25536); // 1900-02-01
	EXPECT_FALSE(hdl::sof::FhirDateStartDays("2019-13", days));
	EXPECT_FALSE(hdl::sof::FhirDateStartDays("2019-02-30", days));
	EXPECT_FALSE(hdl::sof::FhirDateStartDays("2019-05-03T10:00:00Z", days));
	EXPECT_FALSE(hdl::sof::FhirDateStartDays("soon", days));

	int64_t micros = 0;
	ASSERT_TRUE(hdl::sof::FhirDateTimeStartMicros("2019", micros));
	EXPECT_EQ(micros, 17897LL * 86400 * 1000000);
	ASSERT_TRUE(hdl::sof::FhirDateTimeStartMicros("2019-05", micros));
	EXPECT_EQ(micros, 18017LL * 86400 * 1000000);
	ASSERT_TRUE(hdl::sof::FhirDateTimeStartMicros("2019-05-03", micros)); // UTC midnight
	EXPECT_EQ(micros, 18019LL * 86400 * 1000000);
	ASSERT_TRUE(hdl::sof::FhirDateTimeStartMicros("2019-05-03T10:11:12+01:00", micros));
	EXPECT_EQ(micros, (18019LL * 86400 + 9 * 3600 + 11 * 60 + 12) * 1000000);
	ASSERT_TRUE(hdl::sof::FhirDateTimeStartMicros("2019-05-03T10:11:12.5Z", micros));
	EXPECT_EQ(micros, (18019LL * 86400 + 10 * 3600 + 11 * 60 + 12) * 1000000 + 500000);
	ASSERT_TRUE(hdl::sof::FhirDateTimeStartMicros("2019-05-03T10:11:12", micros)); // no offset: UTC
	EXPECT_EQ(micros, (18019LL * 86400 + 10 * 3600 + 11 * 60 + 12) * 1000000);
	EXPECT_FALSE(hdl::sof::FhirDateTimeStartMicros("2019T", micros));
	EXPECT_FALSE(hdl::sof::FhirDateTimeStartMicros("2019-05-03 10:11:12", micros));
	EXPECT_FALSE(hdl::sof::FhirDateTimeStartMicros("yesterday", micros));
	EXPECT_FALSE(hdl::sof::FhirDateTimeStartMicros("", micros));
}

} // namespace
