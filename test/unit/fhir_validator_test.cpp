// Rejections of the FHIR validator, each with its FHIRPath expression.
#include <gtest/gtest.h>

#include <string>

#include "core/fhir/validator.hpp"
#include "core/json/nlohmann_node.hpp"

using hdl::fhir::Level;
using hdl::fhir::ValidationResult;

namespace {

ValidationResult
Validate(const std::string &text, Level level = Level::Strict, size_t maxIssues = 100) {
	nlohmann::json doc = nlohmann::json::parse(text);
	return hdl::fhir::ValidateResource(hdl::json::FromNlohmann(doc), level, maxIssues);
}

// "code expression" of every issue, one per line, for exact comparisons.
std::string
Summary(const ValidationResult &result) {
	std::string out;
	for (const auto &issue : result.issues)
		out += issue.code + " " + issue.expression + "\n";
	return out;
}

const char *const kObservation = R"({"resourceType":"Observation","id":"o1","status":"final",
  "code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},
  "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2019-05-31T10:00:00-04:00",
  "component":[{"code":{"text":"a"},"valueQuantity":{"value":1.5,"unit":"mm"}},
               {"code":{"text":"b"},"valueQuantity":{"value":120,"unit":"mm[Hg]"}}]})";

} // namespace

TEST(FhirValidator, ValidObservation) {
	auto result = Validate(kObservation);
	EXPECT_TRUE(result.ok()) << Summary(result);
	EXPECT_TRUE(result.issues.empty());
	EXPECT_FALSE(result.truncated);
}

TEST(FhirValidator, NotAnObject) {
	auto result = Validate(R"(["Patient"])");
	EXPECT_EQ(Summary(result), "structure \n");
	EXPECT_FALSE(result.ok());
}

TEST(FhirValidator, UnknownResourceType) {
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patientx","id":"1"})")), "invalid resourceType\n");
	EXPECT_EQ(Summary(Validate(R"({"id":"1"})")), "required resourceType\n");
	EXPECT_EQ(Summary(Validate(R"({"resourceType":7})")), "structure resourceType\n");
}

TEST(FhirValidator, BadId) {
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","id":"a b"})")), "value Patient.id\n");
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","id":12})")), "structure Patient.id\n");
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","id":")" + std::string(65, 'a') + "\"}")),
	          "value Patient.id\n");
}

TEST(FhirValidator, UnknownElement) {
	auto result = Validate(R"({"resourceType":"Patient","nmae":[{"family":"X"}],
	    "name":[{"family":"Y","givn":["a"]}]})");
	EXPECT_EQ(Summary(result), "structure Patient.name[0].givn\nstructure Patient.nmae\n");
	EXPECT_NE(result.issues[1].message.find("'nmae'"), std::string::npos);
}

TEST(FhirValidator, MalformedJsonTypes) {
	// string where an object is expected
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","maritalStatus":"M"})")),
	          "structure Patient.maritalStatus\n");
	// number where a string is expected
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","name":[{"family":42}]})")),
	          "structure Patient.name[0].family\n");
	// object where an array is expected
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","name":{"family":"X"}})")),
	          "structure Patient.name\n");
	// array where a single value is expected
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","gender":["male"]})")),
	          "structure Patient.gender\n");
	// string where a boolean is expected
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","active":"true"})")),
	          "structure Patient.active\n");
	// string where a number is expected, deep inside an array
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
	    "component":[{"code":{"text":"a"}},{"code":{"text":"b"},"valueQuantity":{"value":"1"}}]})")),
	          "structure Observation.component[1].valueQuantity.value\n");
	// null where a value is expected
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","name":[{"given":["a",null]}]})")),
	          "structure Patient.name[0].given[1]\n");
	// empty object and empty array
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","name":[{}],"telecom":[]})")),
	          "structure Patient.name[0]\nstructure Patient.telecom\n");
}

TEST(FhirValidator, BadDateAndDateTime) {
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","birthDate":"1970-13-01"})")),
	          "value Patient.birthDate\n");
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","birthDate":"2019-02-29"})")),
	          "value Patient.birthDate\n");
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","birthDate":"1970-01-01T10:00:00Z"})")),
	          "value Patient.birthDate\n");
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","deceasedDateTime":"2019-05-31T10:00"})")),
	          "value Patient.deceasedDateTime\n");
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","deceasedDateTime":"2019-05-31T10:00:00"})")),
	          "value Patient.deceasedDateTime\n");
	EXPECT_TRUE(
	    Validate(R"({"resourceType":"Patient","deceasedDateTime":"2020-02-29T23:59:60.123+14:00"})").ok());
	EXPECT_TRUE(Validate(R"({"resourceType":"Patient","deceasedDateTime":"2019-05"})").ok());
}

TEST(FhirValidator, BadPrimitiveFormats) {
	auto result = Validate(R"({"resourceType":"Patient","multipleBirthInteger":1.5,
	    "photo":[{"data":"abc"},{"size":-1},{"url":"http://x y"}],
	    "communication":[{"language":{"text":"x"},"preferred":true}],
	    "telecom":[{"rank":0,"value":""}],"identifier":[{"system":"urn:oid:1.02"}]})");
	EXPECT_EQ(Summary(result), "value Patient.multipleBirthInteger\n"
	                           "value Patient.photo[0].data\n"
	                           "value Patient.photo[1].size\n"
	                           "value Patient.photo[2].url\n"
	                           "value Patient.telecom[0].rank\n"
	                           "value Patient.telecom[0].value\n");
}

TEST(FhirValidator, MissingRequiredElement) {
	// Observation.code (complex, from the schema) and Observation.status (primitive, supplemented)
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Observation","subject":{"reference":"Patient/1"}})")),
	          "required Observation.code\nrequired Observation.status\n");
	// Required inside a backbone element and in a datatype (Narrative.div and Narrative.status)
	EXPECT_EQ(Summary(Validate(
	              R"({"resourceType":"Patient","link":[{"type":"seealso"}],"text":{"status":"generated"}})")),
	          "required Patient.link[0].other\nrequired Patient.text.div\n");
	// A primitive present only as _status (extensions, no value) satisfies min 1.
	EXPECT_TRUE(Validate(R"({"resourceType":"Observation","code":{"text":"x"},
	    "_status":{"extension":[{"url":"http://x","valueString":"unknown"}]}})")
	                .ok());
}

TEST(FhirValidator, TwoChoiceTypes) {
	auto result = Validate(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
	    "valueString":"a","valueInteger":1})");
	EXPECT_EQ(Summary(result), "structure Observation.value\n");
	EXPECT_NE(result.issues[0].message.find("value[x]"), std::string::npos);
	// A required choice group missing (MedicationRequest.medication[x]).
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"MedicationRequest","status":"active","intent":"order",
	    "subject":{"reference":"Patient/1"}})")),
	          "required MedicationRequest.medication\n");
}

TEST(FhirValidator, BadReference) {
	auto result = Validate(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
	    "subject":{"reference":"Patinet/1"},"performer":[{"reference":"Practitioner/1"},{"reference":"has space"},
	    {"reference":"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|999"},{"reference":"#c1"},
	    {"reference":"urn:uuid:7f1c1a30-2a36-4b0b-9b1e-2d5a1b9f0c11"},{"reference":"https://x.org/fhir/Patient/1"},
	    {"reference":"urn:uuid:"},{"reference":"Patient/a/b"}]})");
	EXPECT_EQ(Summary(result), "value Observation.performer[1].reference\n"
	                           "value Observation.performer[6].reference\n"
	                           "value Observation.performer[7].reference\n"
	                           "value Observation.subject.reference\n");
}

// Issue #17: a urn:uuid: reference whose value is not a UUID is well formed (the HL7 validator
// accepts it: fhir-test-cases ref-policy-r4.json); an empty one or one with whitespace is not.
TEST(FhirValidator, UrnUuidReferenceNotAUuid) {
	auto observation = [](const std::string &reference) {
		return Validate(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
		    "subject":{"reference":")" + reference + R"("}})");
	};
	EXPECT_EQ(Summary(observation("urn:uuid:23ac0bc6-0959-4181-8af0-6db5e2ef8176-X")), "");
	EXPECT_EQ(Summary(observation("urn:uuid:NOT-A-UUID")), "");
	EXPECT_EQ(Summary(observation("urn:uuid:7F1C1A30-2A36-4B0B-9B1E-2D5A1B9F0C11")), "");
	EXPECT_EQ(Summary(observation("urn:uuid:")), "value Observation.subject.reference\n");
	EXPECT_EQ(Summary(observation("urn:uuid:a b")), "value Observation.subject.reference\n");
	// A uuid-typed element is still a UUID (ImagingStudy.series.uid is an id, Identifier.value a
	// string; Bundle.entry.fullUrl is a uri: the R4 uuid type is used by few elements, so the
	// checker is tested in fhir_formats_test).
}

// Issue #17: Expression.language is bound extensible in R4, so a media type outside the value set
// (text/cql, text/fhirpath, application/x-fhir-query) is allowed. The JSON schema enumerates it
// anyway; the generator keeps an enum only for required bindings.
TEST(FhirValidator, ExtensibleBindingIsNotEnforced) {
	auto measure = [](const std::string &language) {
		return Validate(R"({"resourceType":"Measure","status":"active","group":[{"population":[{
		    "criteria":{"language":")" + language + R"(","expression":"numTotBeds"}}]}]})");
	};
	EXPECT_EQ(Summary(measure("text/plain")), "");
	EXPECT_EQ(Summary(measure("text/cql")), "");
	EXPECT_EQ(Summary(measure("application/x-fhir-query")), "");
	// still a code: its format is checked
	EXPECT_EQ(Summary(measure(" text/plain")), "value Measure.group[0].population[0].criteria.language\n");
	// required bindings still are (Measure.status)
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Measure","status":"ready"})")), "code-invalid Measure.status\n");
}

// Issue #17: R4 strings SHALL NOT exceed 1 MB (1024*1024 characters): code points, not bytes.
TEST(FhirValidator, StringLengthLimit) {
	const size_t kMax = 1024 * 1024;
	auto patientText = [](const std::string &text) {
		return Validate(R"({"resourceType":"Patient","name":[{"text":")" + text + R"("}]})");
	};
	EXPECT_EQ(Summary(patientText(std::string(kMax, 'a'))), "");
	// 1,048,576 characters in 1,048,577 bytes (one two-byte character): at the limit
	EXPECT_EQ(Summary(patientText(std::string(kMax - 1, 'a') + "\u00e9")), "");
	EXPECT_EQ(Summary(patientText(std::string(kMax - 1, 'a') + "\\u00e9")), ""); // a JSON escape: one character
	// 1,048,576 four-byte characters (4 MB): still at the limit
	std::string wide;
	for (size_t i = 0; i < kMax; i++)
		wide += "\U0001F600";
	EXPECT_EQ(Summary(patientText(wide)), "");
	auto result = patientText(std::string(kMax, 'a') + "b");
	ASSERT_EQ(Summary(result), "too-long Patient.name[0].text\n");
	EXPECT_EQ(result.issues[0].message,
	          "a string of 1048577 characters is longer than FHIR R4 allows (at most 1048576 characters, 1 MB)");
	EXPECT_EQ(result.issues[0].message.find("aaaa"), std::string::npos); // the value is not echoed
	EXPECT_EQ(result.issues[0].message.find('\''), std::string::npos);
	EXPECT_EQ(Summary(patientText(wide + "\u00e9")), "too-long Patient.name[0].text\n");
	// the types derived from string: code, id, markdown (and an element id, a string)
	std::string big(kMax + 1, 'x');
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","identifier":[{"system":"urn:oid:1.2","value":")" +
	                           big + R"("}],"maritalStatus":{"coding":[{"code":")" + big + R"("}]},
	    "contact":[{"id":")" + big + R"(","name":{"family":"X"}}],
	    "extension":[{"url":"http://x.org/e","valueMarkdown":")" + big + R"("}]})")),
	          "too-long Patient.contact[0].id\n"
	          "too-long Patient.extension[0].valueMarkdown\n"
	          "too-long Patient.identifier[0].value\n"
	          "too-long Patient.maritalStatus.coding[0].code\n");
	// not string types: base64Binary (Attachment.data), uri
	std::string base64(4 * (kMax / 4 + 1), 'A');
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","photo":[{"contentType":"image/png","data":")" + base64 + R"(",
	    "url":"http://x.org/)" + big + R"("}]})")),
	          "");
	// only strict checks it, with the other primitive formats
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","name":[{"text":")" + big + R"("}]})", Level::Structure)),
	          "");
}

TEST(FhirValidator, BadCodeOfRequiredBinding) {
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","gender":"M"})")),
	          "code-invalid Patient.gender\n");
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Observation","status":"done","code":{"text":"x"}})")),
	          "code-invalid Observation.status\n");
	// code format (leading space) is reported as a bad value, not also as a bad code
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Patient","gender":" male"})")), "value Patient.gender\n");
}

TEST(FhirValidator, BadExtension) {
	auto result = Validate(R"({"resourceType":"Patient","extension":[
	    {"valueString":"no url"},
	    {"url":"http://a","valueString":"x","extension":[{"url":"b","valueCode":"c"}]},
	    {"url":"http://b"},
	    {"url":"http://c","valueString":"x","valueCode":"y"},
	    {"url":"http://d","valueFoo":1}]})");
	EXPECT_EQ(Summary(result), "required Patient.extension[0].url\n"
	                           "invalid Patient.extension[1]\n"
	                           "invalid Patient.extension[2]\n"
	                           "structure Patient.extension[3].value\n"
	                           "structure Patient.extension[4].valueFoo\n"
	                           "invalid Patient.extension[4]\n");
}

TEST(FhirValidator, PrimitiveExtensions) {
	EXPECT_TRUE(Validate(R"({"resourceType":"Patient","birthDate":"1970-01-01",
	    "_birthDate":{"extension":[{"url":"http://x","valueDateTime":"1970-01-01T10:00:00Z"}]},
	    "name":[{"given":["a",null],"_given":[null,{"extension":[{"url":"http://y","valueCode":"IN"}]}]}]})")
	                .ok());
	auto result =
	    Validate(R"({"resourceType":"Patient","_birthDate":"x","_gender":{"extension":[{"url":"u"}]},
	    "name":[{"given":["a"],"_given":[null,{"id":"x"}]}],"_name":{"id":"1"}})");
	EXPECT_EQ(Summary(result),
	          "structure Patient.birthDate\n"         // _birthDate is not an object
	          "invalid Patient.gender.extension[0]\n" // extension without value
	          "structure Patient._name\n"             // name is not primitive
	          "structure Patient.name[0].given\n");   // _given longer than given
}

TEST(FhirValidator, BadContained) {
	auto result = Validate(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
	    "contained":[{"resourceType":"Patient","id":"p","gender":"x"},
	                 {"resourceType":"Patient","id":"q","contained":[{"resourceType":"Patient","id":"r"}]},
	                 {"resourceType":"Nope"}, "text",
	                 {"resourceType":"Patient","id":"s","meta":{"versionId":"1"}}]})");
	EXPECT_EQ(Summary(result), "code-invalid Observation.contained[0].gender\n"
	                           "invalid Observation.contained[1].contained\n"
	                           "invalid Observation.contained[2].resourceType\n"
	                           "structure Observation.contained[3]\n"
	                           "invalid Observation.contained[4].meta\n");
}

TEST(FhirValidator, BadBundle) {
	auto result = Validate(R"({"resourceType":"Bundle","type":"transaction","entry":[
	    {"fullUrl":"urn:uuid:7f1c1a30-2a36-4b0b-9b1e-2d5a1b9f0c11","resource":{"resourceType":"Patient"},
	     "request":{"method":"POST","url":"Patient"}},
	    {"resource":{"resourceType":"Patient"}},
	    {"resource":{"resourceType":"Patient"},"request":{"method":"POST"}},
	    {"resource":{"resourceType":"Patient","gender":"x"},"request":{"method":"PUSH","url":"Patient"}},
	    {"resource":{"resourceType":"Observation","subject":{"reference":"bad ref"},"status":"final",
	     "code":{"text":"x"}},"request":{"method":"POST","url":"Observation"}}]})");
	EXPECT_EQ(Summary(result), "required Bundle.entry[2].request.url\n"
	                           "code-invalid Bundle.entry[3].request.method\n"
	                           "code-invalid Bundle.entry[3].resource.gender\n"
	                           "value Bundle.entry[4].resource.subject.reference\n"
	                           "required Bundle.entry[1].request\n");
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Bundle"})")), "required Bundle.type\n");
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Bundle","type":"collction"})")),
	          "code-invalid Bundle.type\n");
	EXPECT_EQ(Summary(Validate(R"({"resourceType":"Bundle","type":"collection","total":1,"entry":[
	    {"resource":{"resourceType":"Patient"},"request":{"method":"GET","url":"Patient"}},{"fullUrl":"x"},
	    {"fullUrl":"http://a/Patient/1","resource":{"resourceType":"Patient"}},
	    {"fullUrl":"http://a/Patient/1","resource":{"resourceType":"Patient"}}]})")),
	          "invalid Bundle.total\ninvalid Bundle.entry[0].request\ninvalid Bundle.entry[1]\ninvalid "
	          "Bundle.entry\n");
}

TEST(FhirValidator, IssueCap) {
	std::string text = R"({"resourceType":"Patient","name":[)";
	for (int i = 0; i < 20; i++)
		text += std::string(i ? "," : "") + R"({"family":1})";
	text += "]}";
	auto result = Validate(text, Level::Strict, 5);
	EXPECT_EQ(result.issues.size(), 5u);
	EXPECT_TRUE(result.truncated);
	EXPECT_EQ(result.issues[4].expression, "Patient.name[4].family");
	auto all = Validate(text, Level::Strict, 100);
	EXPECT_EQ(all.issues.size(), 20u);
	EXPECT_FALSE(all.truncated);
}

// Each entry of a Bundle has its own cap: many bad entries are all reported, and an entry past
// its cap gets one too-costly issue at the entry (not truncated: the others are complete).
TEST(FhirValidator, IssueCapPerBundleEntry) {
	std::string text = R"({"resourceType":"Bundle","type":"batch","entry":[)";
	for (int e = 0; e < 10; e++) {
		text += std::string(e ? "," : "") + R"({"request":{"method":"POST","url":"Patient"},"resource":{"resourceType":"Patient","name":[)";
		for (int i = 0; i < (e == 3 ? 7 : 1); i++)
			text += std::string(i ? "," : "") + R"({"family":1})";
		text += "]}}";
	}
	text += "]}";
	auto result = Validate(text, Level::Strict, 5);
	EXPECT_FALSE(result.truncated);
	ASSERT_EQ(result.issues.size(), 9u + 5u + 1u);
	size_t entry3 = 0;
	for (const auto &issue : result.issues)
		if (issue.expression.rfind("Bundle.entry[3]", 0) == 0)
			entry3++;
	EXPECT_EQ(entry3, 6u);
	bool capped = false;
	for (const auto &issue : result.issues)
		if (issue.expression == "Bundle.entry[3]" && issue.code == "too-costly")
			capped = true;
	EXPECT_TRUE(capped);
	EXPECT_EQ(result.issues.back().expression, "Bundle.entry[9].resource.name[0].family");
}

TEST(FhirValidator, KnownResourceTypes) {
	EXPECT_TRUE(hdl::fhir::IsKnownResourceType("Patient"));
	EXPECT_TRUE(hdl::fhir::IsKnownResourceType("Bundle"));
	EXPECT_TRUE(hdl::fhir::IsKnownResourceType("VisionPrescription"));
	EXPECT_FALSE(hdl::fhir::IsKnownResourceType("patient"));
	EXPECT_FALSE(hdl::fhir::IsKnownResourceType("HumanName"));
	EXPECT_FALSE(hdl::fhir::IsKnownResourceType(""));
}
