// The editable JSON value of the data path (core/json/value.hpp): edits as the pipeline makes
// them, exact number text, no in-band markers, JSON text, the JSONB encoder, the depth budget.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include "core/depth.hpp"
#include "core/error.hpp"
#include "core/json/jsonb_format.hpp"
#include "core/json/nlohmann_node.hpp"
#include "core/json/value.hpp"

using hdl::json::Node;
using hdl::json::ToValue;
using hdl::json::Type;
using hdl::json::Value;
namespace jsonb = hdl::json::jsonb;

namespace {

// A Node over JSONB bytes kept in storage.
Node
Over(const std::string &storage) {
	return jsonb::FromRoot(storage.data() + 4, static_cast<uint32_t>(storage.size() - 4));
}

// JSONB of `levels` arrays, each holding the next, built by hand (the encoders have budgets
// of their own): [[[...[]...]]].
std::string
NestedArrays(int levels) {
	std::string inner(4, '\0');
	uint32_t header = jsonb::FlagArray; // the innermost: empty
	std::memcpy(&inner[0], &header, 4);
	for (int i = 0; i < levels; i++) {
		std::string outer(8, '\0');
		uint32_t h = 1u | jsonb::FlagArray;
		uint32_t entry = jsonb::EntryContainer | jsonb::EntryHasOff | static_cast<uint32_t>(inner.size());
		std::memcpy(&outer[0], &h, 4);
		std::memcpy(&outer[4], &entry, 4);
		inner = outer + inner;
	}
	std::string varlena(4, '\0');
	uint32_t size = static_cast<uint32_t>(4 + inner.size()) << 2;
	std::memcpy(&varlena[0], &size, 4);
	return varlena + inner;
}

// v encoded to JSONB and copied back.
Value
RoundTrip(const Value &v) {
	std::string bytes = jsonb::Encode(v);
	return ToValue(Over(bytes));
}

} // namespace

TEST(JsonValue, BuildsAndEditsLikeTheDom) {
	Value v = Value::object();
	EXPECT_TRUE(v.isObject());
	EXPECT_TRUE(v.empty());
	v["resourceType"] = "Patient";
	v["active"] = true;
	v["count"] = 3;
	v["nothing"] = nullptr;
	v["name"].push_back(Value::object()); // null becomes an array, as nlohmann does
	v["name"][0]["family"] = "Jones";
	v["meta"]["versionId"] = "1"; // null becomes an object
	EXPECT_EQ(v.size(), 6u);
	EXPECT_EQ(
	    v.dump(),
	    R"({"resourceType":"Patient","active":true,"count":3,"nothing":null,"name":[{"family":"Jones"}],)"
	    R"("meta":{"versionId":"1"}})");
	EXPECT_EQ(v.memberStr("resourceType"), "Patient");
	EXPECT_EQ(v.memberStr("active"), ""); // not a string
	EXPECT_EQ(v.memberStr("absent"), "");
	ASSERT_NE(v.find("name"), nullptr);
	EXPECT_EQ(v.find("absent"), nullptr);
	EXPECT_TRUE(v.contains("nothing"));
	EXPECT_TRUE(v.erase("nothing"));
	EXPECT_FALSE(v.erase("nothing"));
	EXPECT_FALSE(v.contains("nothing"));
	// Assigning to an existing member keeps its place.
	v["resourceType"] = "Person";
	EXPECT_EQ(v.members().front().key, "resourceType");
	EXPECT_EQ(v.members().front().value.str(), "Person");
	// Strings edited in place (references are rewritten so).
	v["name"][0]["family"].str() = "Smith";
	EXPECT_EQ(v["name"][0].memberStr("family"), "Smith");
}

TEST(JsonValue, WrongAccessorsAreHarmlessOrRefused) {
	const Value number = 12;
	EXPECT_EQ(number.str(), "");
	EXPECT_FALSE(number.boolean());
	EXPECT_EQ(number.size(), 0u);
	EXPECT_TRUE(number.elements().empty());
	EXPECT_TRUE(number[3].isNull());
	Value text = "x";
	EXPECT_EQ(text.numberText(), "");
	EXPECT_THROW(text["k"], hdl::Error);         // a string is not an object
	EXPECT_THROW(text.push_back(1), hdl::Error); // nor an array
	Value array = Value::array();
	EXPECT_THROW(array[0], hdl::Error); // out of range
	Value n = 5;
	EXPECT_THROW(n.str(), hdl::Error);
}

TEST(JsonValue, NumbersKeepTheirExactText) {
	for (const char *text :
	     {"1.50", "0.000", "-0.00012", "12345678901234567890.123456789", "1e3", "-2E-7", "0"}) {
		Value v = Value::Number(text);
		EXPECT_TRUE(v.isNumber()) << text;
		EXPECT_EQ(v.numberText(), text);
		EXPECT_EQ(v.dump(), text);
	}
	for (const char *bad :
	     {"", "-", "01", "1.", ".5", "1e", "+1", "NaN", "Infinity", "1 ", "0x10", "1.5.2"}) {
		EXPECT_FALSE(hdl::json::IsNumberText(bad)) << bad;
		EXPECT_THROW(Value::Number(bad), hdl::Error) << bad;
	}
	EXPECT_EQ(Value(static_cast<long long>(-9223372036854775807LL - 1)).numberText(), "-9223372036854775808");
	EXPECT_EQ(Value(18446744073709551615ULL).numberText(), "18446744073709551615");
}

TEST(JsonValue, DecimalsSurviveJsonb) {
	// Postgres's numeric keeps the scale (1.50, 0.000); an exponent is stored as its value.
	Value v = Value::object();
	v["a"] = Value::Number("1.50");
	v["b"] = Value::Number("0.000");
	v["c"] = Value::Number("1e3");
	v["d"] = Value::Number("12345678901234567890.123456789");
	v["e"] = Value::Number("-0.0000001");
	Value back = RoundTrip(v);
	EXPECT_EQ(back["a"].numberText(), "1.50");
	EXPECT_EQ(back["b"].numberText(), "0.000");
	EXPECT_EQ(back["c"].numberText(), "1000");
	EXPECT_EQ(back["d"].numberText(), "12345678901234567890.123456789");
	EXPECT_EQ(back["e"].numberText(), "-0.0000001");
	// A second round trip changes nothing, byte for byte.
	EXPECT_EQ(jsonb::Encode(back), jsonb::Encode(RoundTrip(back)));
}

TEST(JsonValue, NoInBandMarkers) {
	// The string the old editable copy took for an exact number stays a string.
	const std::string marker = "\x1fhdl-number:12";
	Value v = Value::object();
	v["text"] = marker;
	v["list"].push_back(marker);
	std::string bytes = jsonb::Encode(v);
	Node n = Over(bytes);
	EXPECT_TRUE(n.get("text").isString());
	EXPECT_EQ(n.get("text").str(), marker);
	Value back = ToValue(n);
	EXPECT_TRUE(back["text"].isString());
	EXPECT_EQ(back["text"].str(), marker);
	EXPECT_EQ(back["list"][0].str(), marker);
	EXPECT_EQ(back.dump(), R"({"list":["\u001fhdl-number:12"],"text":"\u001fhdl-number:12"})");
	EXPECT_EQ(jsonb::Encode(back), bytes);
	// nlohmann documents (tools) see it as a string too.
	nlohmann::json j = {{"text", marker}};
	EXPECT_TRUE(hdl::json::FromNlohmann(j).get("text").isString());
}

TEST(JsonValue, DumpEscapesWhatJsonRequires) {
	static const char raw[] = "q\"b\\s/\n\r\t\b\f\x01\x7f é\0z";
	Value v = std::string(raw, sizeof raw - 1);
	EXPECT_EQ(v.dump(), "\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\x7f é\\u0000z\"");
	// What dump writes, a JSON parser reads back unchanged.
	Value object = Value::object();
	object["k\"ey"] = v;
	nlohmann::json parsed = nlohmann::json::parse(object.dump());
	EXPECT_EQ(parsed["k\"ey"].get<std::string>(), v.str());
}

TEST(JsonValue, CopiesEveryNodeType) {
	nlohmann::json j = nlohmann::json::parse(
	    R"({"s":"x","n":-4,"f":2.5,"t":true,"no":false,"z":null,"a":[1,[2,{"k":[]}],{}],"o":{"p":{"q":"r"}}})");
	std::string bytes = jsonb::Encode(j);
	for (const Node &node : {hdl::json::FromNlohmann(j), Over(bytes)}) {
		Value v = ToValue(node);
		EXPECT_EQ(nlohmann::json::parse(v.dump()), j);
		EXPECT_EQ(v["z"].type(), Type::Null);
		EXPECT_EQ(v["a"][1][1]["k"].type(), Type::Array);
		EXPECT_EQ(v["a"][2].type(), Type::Object);
		EXPECT_EQ(jsonb::Encode(v), bytes) << "the one writer gives the same bytes for a Value and its Node";
	}
	EXPECT_TRUE(ToValue(Node()).isNull()); // missing
}

TEST(JsonValue, EncodesLikePostgres) {
	// Members sorted by length then bytes in JSONB; insertion order in dump.
	Value v = Value::object();
	v["bb"] = 1;
	v["a"] = 2;
	v["ccc"] = Value::array();
	Node n = Over(jsonb::Encode(v));
	EXPECT_EQ(v.dump(), R"({"bb":1,"a":2,"ccc":[]})");
	// (the Node above points into a temporary: check the order on a kept copy)
	std::string bytes = jsonb::Encode(v);
	Node kept = Over(bytes);
	EXPECT_EQ(kept.keyAt(0), "a");
	EXPECT_EQ(kept.keyAt(1), "bb");
	EXPECT_EQ(kept.keyAt(2), "ccc");
	(void)n;
	// A key given twice (only possible by editing members directly): the last one wins.
	Value dup = Value::object();
	dup.members().push_back({"k", 1});
	dup.members().push_back({"k", 2});
	std::string dup_bytes = jsonb::Encode(dup);
	Node d = Over(dup_bytes);
	EXPECT_EQ(d.size(), 1u);
	EXPECT_EQ(d.get("k").numberText(), "2");
	// Scalars at the root are JSONB's raw scalars.
	std::string scalar = jsonb::Encode(Value("x"));
	EXPECT_EQ(Over(scalar).str(), "x");
	// Many members and elements: the offset stride of 32.
	Value wide = Value::object();
	for (int i = 0; i < 100; i++)
		wide["member" + std::to_string(i)] = Value::Number(std::to_string(i) + ".50");
	Value back = RoundTrip(wide);
	ASSERT_EQ(back.size(), 100u);
	std::string wide_bytes = jsonb::Encode(wide);
	EXPECT_EQ(Over(wide_bytes).get("member77").numberText(), "77.50");
}

TEST(JsonValue, DepthBudgetFailsCleanly) {
	// JSONB nested deeper than the budget (Postgres itself accepts this much): TooDeep (54001),
	// not a stack overflow.
	std::string bytes = NestedArrays(hdl::depth::MAX_NESTING + 5);
	ASSERT_EQ(Over(bytes).at(0).at(0).type(), Type::Array);
	try {
		ToValue(Over(bytes));
		FAIL() << "a document deeper than the budget was copied";
	} catch (const hdl::Error &e) {
		EXPECT_EQ(e.kind(), hdl::ErrorKind::TooDeep);
		EXPECT_STREQ(e.what(), "JSON value is nested too deeply");
	}
	EXPECT_EQ(hdl::depth::nesting, 0);
	// Within the budget: copied, dumped and encoded byte for byte as built.
	std::string fine_bytes = NestedArrays(200);
	Value v = ToValue(Over(fine_bytes));
	EXPECT_EQ(jsonb::Encode(v), fine_bytes);
	EXPECT_EQ(v.dump().size(), 2u * 201);
}
