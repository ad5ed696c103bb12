// Bulk Data manifests and export keys: the JSON readers parse (the fields the Bulk Data IG
// requires), escaping, folders and run names.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/s3/bulk_manifest.hpp"

using namespace hdl::s3;

TEST(BulkManifest, HasTheRequiredFieldsInOrder) {
	BulkManifest m;
	m.transaction_time = "2026-12-04T05:01:02.345Z";
	m.request = BulkRequest({"Observation", "Patient"}, "2026-12-01T00:00:00.000Z");
	m.output.push_back({"Observation", "s3://b/lake/Observation.ndjson.gz", 12});
	m.output.push_back({"Patient", "s3://b/lake/Patient.ndjson.gz", 3});
	nlohmann::json j = nlohmann::json::parse(BulkManifestJson(m));
	EXPECT_EQ(j["transactionTime"], "2026-12-04T05:01:02.345Z");
	EXPECT_EQ(j["request"], "$export?_type=Observation,Patient&_since=2026-12-01T00:00:00.000Z");
	EXPECT_EQ(j["requiresAccessToken"], false);
	ASSERT_EQ(j["output"].size(), 2u);
	EXPECT_EQ(j["output"][0]["type"], "Observation");
	EXPECT_EQ(j["output"][0]["url"], "s3://b/lake/Observation.ndjson.gz");
	EXPECT_EQ(j["output"][0]["count"], 12);
	EXPECT_EQ(j["output"][1]["type"], "Patient");
	EXPECT_TRUE(j["error"].is_array() && j["error"].empty());
}

TEST(BulkManifest, EmptyOutputIsAnEmptyArray) {
	BulkManifest m;
	m.transaction_time = "t";
	m.request = BulkRequest({}, "");
	nlohmann::json j = nlohmann::json::parse(BulkManifestJson(m));
	EXPECT_EQ(j["request"], "$export");
	EXPECT_TRUE(j["output"].is_array() && j["output"].empty());
}

TEST(BulkManifest, EscapesUrlsAsJson) {
	BulkManifest m;
	m.transaction_time = "t";
	m.request = "$export";
	m.output.push_back({"Patient", std::string("s3://b/a\"b\\c\n\x01/Patient.ndjson.gz"), 1});
	nlohmann::json j = nlohmann::json::parse(BulkManifestJson(m));
	EXPECT_EQ(j["output"][0]["url"], std::string("s3://b/a\"b\\c\n\x01/Patient.ndjson.gz"));
}

TEST(BulkManifest, FoldersAndKeys) {
	EXPECT_EQ(BulkFolder(""), "");
	EXPECT_EQ(BulkFolder("lake"), "lake/");
	EXPECT_EQ(BulkFolder("lake/"), "lake/");
	EXPECT_EQ(BulkFolder("lake//"), "lake/");
	EXPECT_EQ(BulkObjectKey("lake/", "Patient"), "lake/Patient.ndjson.gz");
	EXPECT_EQ(BulkObjectKey("", "Patient"), "Patient.ndjson.gz");
	EXPECT_EQ(BulkRunFolderName("2026-12-04T05:01:02.345Z"), "20261204T050102.345Z");
	EXPECT_LT(BulkRunFolderName("2026-12-04T05:01:02.345Z"), BulkRunFolderName("2026-12-04T05:01:10.000Z"));
}
