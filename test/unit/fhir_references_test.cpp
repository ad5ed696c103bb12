// ForEachReference finds Reference elements by type, with paths usable for rewriting.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/fhir/references.hpp"
#include "core/json/nlohmann_node.hpp"

TEST(FhirReferences, FindsEveryReferenceWithPaths) {
	nlohmann::json doc = nlohmann::json::parse(R"({"resourceType":"Bundle","type":"transaction","entry":[
	  {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
	    "subject":{"reference":"urn:uuid:2"},"performer":[{"reference":"Practitioner/1"},{"display":"x"}],
	    "extension":[{"url":"http://x","valueReference":{"reference":"Patient/9"}}],
	    "contained":[{"resourceType":"Provenance","target":[{"reference":"#x"}]}],
	    "identifier":[{"assigner":{"reference":"Organization/1"}}],
	    "note":[{"text":"subject"}],"valueString":"Patient/1"}}]})");
	std::vector<std::string> paths, pointers, refs;
	hdl::fhir::ForEachReference(hdl::json::FromNlohmann(doc),
	                            [&](const hdl::fhir::ElementPath &path, const hdl::json::Node &reference) {
		                            paths.push_back(path.ToFhirPath());
		                            pointers.push_back(path.ToJsonPointer());
		                            refs.push_back(std::string(reference.get("reference").str()));
	                            });
	// nlohmann visits members in key order.
	std::vector<std::string> expected = {
	    "Bundle.entry[0].resource.contained[0].target[0]",
	    "Bundle.entry[0].resource.extension[0].valueReference",
	    "Bundle.entry[0].resource.identifier[0].assigner",
	    "Bundle.entry[0].resource.performer[0]",
	    "Bundle.entry[0].resource.performer[1]",
	    "Bundle.entry[0].resource.subject",
	};
	EXPECT_EQ(paths, expected);
	EXPECT_EQ(pointers[5], "/entry/0/resource/subject");
	EXPECT_EQ(pointers[3], "/entry/0/resource/performer/0");
	EXPECT_EQ(refs[0], "#x");
	EXPECT_EQ(refs[5], "urn:uuid:2");
}

TEST(FhirReferences, IsReferenceElement) {
	EXPECT_TRUE(hdl::fhir::IsReferenceElement("Observation", "subject"));
	EXPECT_TRUE(hdl::fhir::IsReferenceElement("Observation", "performer"));
	EXPECT_TRUE(hdl::fhir::IsReferenceElement("Extension", "valueReference"));
	EXPECT_TRUE(hdl::fhir::IsReferenceElement("Identifier", "assigner"));
	EXPECT_FALSE(hdl::fhir::IsReferenceElement("Observation", "code"));
	EXPECT_FALSE(hdl::fhir::IsReferenceElement("Nope", "subject"));
}
