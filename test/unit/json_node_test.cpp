// The two JSON back ends behave alike, and the JSONB encoder/reader round-trips.
#include <cerrno>
#include <cstdlib>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json/jsonb_format.hpp"
#include "core/json/nlohmann_node.hpp"
#include "core/json/object_index.hpp"
#include "core/json/value.hpp"

using hdl::json::Node;
using hdl::json::Type;
using nlohmann::json;
namespace jsonb = hdl::json::jsonb;

namespace {

// Encodes j as JSONB and returns a Node over the bytes (kept alive in `storage`).
Node
AsJsonb(const json &j, std::string &storage) {
	storage = jsonb::Encode(j);
	return jsonb::FromRoot(storage.data() + 4, static_cast<uint32_t>(storage.size() - 4));
}

} // namespace

TEST(JsonNode, NlohmannAccessors) {
	json j = json::parse(R"({"a":[1,2.5,"x",true,null],"b":{"c":"d"}})");
	Node n = hdl::json::FromNlohmann(j);
	ASSERT_TRUE(n.isObject());
	EXPECT_EQ(n.size(), 2u);
	EXPECT_EQ(n.get("a").size(), 5u);
	EXPECT_EQ(n.get("a").at(2).str(), "x");
	EXPECT_TRUE(n.get("a").at(3).boolean());
	EXPECT_TRUE(n.get("a").at(4).isNull());
	EXPECT_TRUE(n.get("missing").missing());
	EXPECT_TRUE(n.get("a").at(9).missing());
	EXPECT_EQ(n.get("b").get("c").str(), "d");
}

TEST(JsonNode, JsonbRoundTripMatchesNlohmann) {
	json j = json::parse(R"({"resourceType":"Observation","id":"x1","valueQuantity":{"value":1.50,"unit":"kg"},
		"component":[{"code":{"text":"a"}},{"code":{"text":"b"}}],"flag":false,"nothing":null,
		"big":12345678901234,"neg":-0.00012,"zero":0,"e":1e3,"aa":"", "b":"é"})");
	std::string storage;
	Node n = AsJsonb(j, storage);
	ASSERT_TRUE(n.isObject());
	EXPECT_EQ(n.get("resourceType").str(), "Observation");
	EXPECT_EQ(n.get("component").at(1).get("code").get("text").str(), "b");
	EXPECT_FALSE(n.get("flag").boolean());
	EXPECT_TRUE(n.get("nothing").isNull());
	EXPECT_EQ(n.get("big").numberText(), "12345678901234");
	EXPECT_EQ(n.get("neg").numberText(), "-0.00012");
	EXPECT_EQ(n.get("zero").numberText(), "0");
	EXPECT_EQ(n.get("e").numberText(), "1000.0"); // nlohmann parses 1e3 as a double
	EXPECT_DOUBLE_EQ(n.get("valueQuantity").get("value").numberDouble(), 1.5);
	EXPECT_EQ(n.get("b").str(), "é");
	EXPECT_TRUE(hdl::json::DeepEqual(n, hdl::json::FromNlohmann(j)));
	EXPECT_EQ(json::parse(hdl::json::ToValue(n).dump()), j);
	// JSONB keys are ordered by length, then bytes.
	EXPECT_EQ(n.keyAt(0), "b");
	EXPECT_EQ(n.keyAt(1), "e");
}

TEST(JsonNode, JsonbManyMembersUseOffsetStride) {
	json j = json::object();
	json arr = json::array();
	for (int i = 0; i < 100; i++) {
		j["key" + std::to_string(i)] = "value" + std::to_string(i);
		arr.push_back(i * 3);
	}
	j["arr"] = arr;
	std::string storage;
	Node n = AsJsonb(j, storage);
	for (int i = 0; i < 100; i++) {
		EXPECT_EQ(n.get("key" + std::to_string(i)).str(), "value" + std::to_string(i));
		int64_t v = -1;
		ASSERT_TRUE(n.get("arr").at(static_cast<size_t>(i)).numberInt64(v));
		EXPECT_EQ(v, i * 3);
	}
}

TEST(JsonNode, ReencodingAJsonbNodeIsByteIdentical) {
	json j = json::parse(R"({"x":[{"y":1.25},"s",[true,false]],"k":{"deep":{"deeper":[null,-7]}}})");
	std::string first;
	Node n = AsJsonb(j, first);
	EXPECT_EQ(jsonb::Encode(n), first);
}

TEST(JsonNode, ScalarRoots) {
	std::string storage;
	EXPECT_EQ(AsJsonb(json("hi"), storage).str(), "hi");
	EXPECT_EQ(AsJsonb(json(42), storage).numberText(), "42");
	EXPECT_TRUE(AsJsonb(json(nullptr), storage).isNull());
}

TEST(JsonNode, NumericTextRoundTrip) {
	for (const char *text : {"0", "1", "-1", "10000", "123456789.000123", "0.5", "-0.0001", "1.50", "99999",
	                         "100000000000000000000000000001", "0.000000000000000000000000000000000000001"}) {
		std::string numeric = jsonb::TextToNumeric(text);
		EXPECT_EQ(jsonb::NumericToText(numeric.data()), text) << text;
	}
	EXPECT_EQ(jsonb::NumericToText(jsonb::TextToNumeric("1.5e-3").data()), "0.0015");
	EXPECT_EQ(jsonb::NumericToText(jsonb::TextToNumeric("-0").data()), "0");
	EXPECT_THROW(jsonb::TextToNumeric("abc"), hdl::Error);
	EXPECT_THROW(jsonb::TextToNumeric("1e"), hdl::Error);
}

// An ObjectIndex finds what Node::get finds, and lists the members in forEachMember's order.
TEST(JsonNode, ObjectIndexAgreesWithTheObject) {
	json j = json::parse(R"({"resourceType":"Observation","id":"o1","status":"final","code":{"text":"x"},
		"valueQuantity":{"value":1.5},"component":[{"a":1},{"a":2}],"issued":null,"effectiveDateTime":"2020",
		"flag":true,"n":42})");
	std::string storage;
	Node n = AsJsonb(j, storage);
	hdl::json::ObjectIndex index;
	ASSERT_TRUE(index.reset(n));
	EXPECT_TRUE(index.indexes(n));
	EXPECT_FALSE(index.indexes(n.get("code")));
	ASSERT_EQ(index.size(), n.size());
	size_t i = 0;
	n.forEachMember([&](std::string_view key, const Node &value) {
		EXPECT_EQ(index.keyAt(i), key);
		EXPECT_TRUE(hdl::json::DeepEqual(index.valueAt(i), value)) << key;
		EXPECT_EQ(index.valueAt(i).type(), value.type()) << key;
		EXPECT_TRUE(hdl::json::DeepEqual(index.get(key), n.get(key))) << key;
		i++;
	});
	for (const char *absent : {"", "x", "ids", "value", "statuses", "zzzzzzzzzzzzzzzzzzzzzzzzz"})
		EXPECT_TRUE(index.get(absent).missing()) << absent;
	// nlohmann documents, and objects over MaxMembers members, are not indexed
	EXPECT_FALSE(index.reset(hdl::json::FromNlohmann(j)));
	EXPECT_FALSE(index.indexes(n));
	json big = json::object();
	for (int k = 0; k < static_cast<int>(hdl::json::ObjectIndex::MaxMembers); k++)
		big["k" + std::to_string(k)] = json::array({k}); // 64 entries: some carry offsets, not lengths
	Node full = AsJsonb(big, storage);
	ASSERT_TRUE(index.reset(full));
	for (size_t k = 0; k < full.size(); k++) {
		EXPECT_EQ(index.keyAt(k), full.keyAt(k));
		EXPECT_TRUE(hdl::json::DeepEqual(index.valueAt(k), full.valueAt(k))) << k;
		EXPECT_TRUE(hdl::json::DeepEqual(index.get(full.keyAt(k)), full.valueAt(k))) << k;
	}
	big["k" + std::to_string(hdl::json::ObjectIndex::MaxMembers)] = 0;
	EXPECT_FALSE(index.reset(AsJsonb(big, storage)));
}

// NumericToInt64 agrees with parsing NumericToText's text (no decimal point, fits int64).
TEST(JsonNode, NumericToInt64AgreesWithItsText) {
	for (const char *text : {"0", "-0", "7", "-7", "9999", "10000", "-10000", "123456789", "1e3", "1200",
	                         "9223372036854775807", "-9223372036854775808", "9223372036854775808",
	                         "-9223372036854775809", "100000000000000000000000000001", "1.0", "1.5", "0.5",
	                         "-0.0001", "1.5e-3", "12e-1"}) {
		std::string numeric = jsonb::TextToNumeric(text);
		std::string printed = jsonb::NumericToText(numeric.data());
		errno = 0;
		char *end = nullptr;
		long long expected = std::strtoll(printed.c_str(), &end, 10);
		bool whole = printed.find('.') == std::string::npos && errno == 0 && *end == '\0';
		int64_t got = 42;
		EXPECT_EQ(jsonb::NumericToInt64(numeric.data(), got), whole) << text;
		if (whole) {
			EXPECT_EQ(got, expected) << text;
		}
	}
}

TEST(JsonNode, ExactDecimalsSurviveTheEditableCopy) {
	// JSONB holding decimals as Postgres stores them (exact text, trailing zeros kept).
	hdl::json::Value with_exact = hdl::json::Value::object();
	with_exact["value"] = hdl::json::Value::Number("72.50");
	with_exact["long"] = hdl::json::Value::Number("0.12345678901234567890123");
	with_exact["int"] = 3;
	std::string bytes = jsonb::Encode(with_exact);
	Node node = jsonb::FromRoot(bytes.data() + 4, static_cast<uint32_t>(bytes.size() - 4));
	EXPECT_EQ(node.get("value").numberText(), "72.50");
	EXPECT_EQ(node.get("long").numberText(), "0.12345678901234567890123");
	// Round trip through the editable copy keeps every digit.
	hdl::json::Value copy = hdl::json::ToValue(node);
	EXPECT_EQ(copy["value"].numberText(), "72.50");
	EXPECT_EQ(jsonb::Encode(copy), bytes);
	EXPECT_EQ(copy.dump(),
	          R"({"int":3,"long":0.12345678901234567890123,"value":72.50})"); // JSONB's key order
}
