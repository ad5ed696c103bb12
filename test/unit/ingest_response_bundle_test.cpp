// The response Bundle assembled from encoded entries is byte for byte what encoding the whole
// document at once makes: across the 32-entry offset stride, with odd-length strings that need
// alignment padding, with nested containers, and empty.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/ingest/response_bundle.hpp"
#include "core/json/nlohmann_node.hpp"

namespace {

using nlohmann::json;
namespace jb = hdl::json::jsonb;

json
EntryNumber(int i) {
	json response = {{"status", i % 3 == 0 ? "200 OK" : "201 Created"},
	                 {"location", "Observation/" + std::string(static_cast<size_t>(i % 7) + 1, 'x') + "/_history/1"}};
	if (i % 5 != 0)
		response["etag"] = "W/\"" + std::to_string(i) + "\"";
	json out = {{"response", response}};
	if (i % 2 == 0)
		out["fullUrl"] = "urn:uuid:" + std::to_string(i);
	if (i % 11 == 0)
		out["response"]["outcome"] = {{"resourceType", "OperationOutcome"},
		                              {"issue", json::array({{{"severity", "error"}, {"code", "value"}}})}};
	return out;
}

void
ExpectSameAsWhole(int n, const std::string &type) {
	json whole = {{"resourceType", "Bundle"}, {"type", type}, {"entry", json::array()}};
	std::vector<std::string> parts;
	for (int i = 0; i < n; i++) {
		whole["entry"].push_back(EntryNumber(i));
		parts.push_back(jb::Encode(EntryNumber(i)));
	}
	EXPECT_EQ(hdl::ingest::AssembleResponseBundle(type, parts), jb::Encode(whole)) << n << " entries";
}

TEST(ResponseBundle, SameBytesAsEncodingTheWholeDocument) {
	for (int n : {0, 1, 2, 31, 32, 33, 64, 65, 1000})
		ExpectSameAsWhole(n, "transaction-response");
	ExpectSameAsWhole(40, "batch-response");
}

TEST(ResponseBundle, ReadsBackThroughTheJsonbView) {
	std::vector<std::string> parts = {jb::Encode(EntryNumber(1)), jb::Encode(EntryNumber(2))};
	std::string bytes = hdl::ingest::AssembleResponseBundle("batch-response", parts);
	hdl::json::Node root = jb::FromRoot(bytes.data() + 4, static_cast<uint32_t>(bytes.size() - 4));
	EXPECT_EQ(root.get("type").str(), "batch-response");
	ASSERT_EQ(root.get("entry").size(), 2u);
	EXPECT_EQ(root.get("entry").at(1).get("fullUrl").str(), "urn:uuid:2");
	EXPECT_EQ(root.get("entry").at(0).get("response").get("status").str(), "201 Created");
}

TEST(ResponseBundle, RefusesEntriesThatAreNotEncodedObjects) {
	EXPECT_THROW(hdl::ingest::AssembleResponseBundle("batch-response", {std::string("abc")}), hdl::Error);
	EXPECT_THROW(hdl::ingest::AssembleResponseBundle("batch-response", {jb::Encode(json::array({1}))}), hdl::Error);
}

} // namespace
