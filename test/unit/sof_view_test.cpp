// ViewDefinition features: columns and nested selects, forEach/forEachOrNull, unionAll,
// repeat, where, constants, %rowIndex, collection columns, cell kinds, and compile errors.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "sof_test_util.hpp"

using hdl::sof::testing::RunView;
using hdl::sof::testing::SortedRows;
using nlohmann::json;

namespace {

std::vector<json>
Patients() {
	return {json::parse(R"J({"resourceType":"Patient","id":"pt1","active":true,"birthDate":"1950-01-01",
	                "name":[{"use":"official","family":"F1","given":["A","B"]},{"family":"F2"}],
	                "contact":[{"telecom":[{"system":"phone"},{"system":"email"}]}]})J"),
	        json::parse(R"J({"resourceType":"Patient","id":"pt2","active":false})J"),
	        json::parse(R"J({"resourceType":"Observation","id":"o1"})J")};
}

void
ExpectRows(const json &view, const std::vector<json> &expected) {
	EXPECT_EQ(SortedRows(RunView(view, Patients())), SortedRows(expected)) << view.dump();
}

void
ExpectInvalid(const json &view, const std::string &fragment) {
	try {
		RunView(view, Patients());
		ADD_FAILURE() << "no error for " << view.dump();
	} catch (const hdl::Error &e) {
		EXPECT_EQ(e.kind(), hdl::ErrorKind::InvalidParameter);
		EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
	}
}

} // namespace

TEST(SofView, ColumnsOnlyForTheViewResourceType) {
	ExpectRows(json::parse(R"J({"resource":"Patient","select":[{"column":[{"name":"id","path":"id"},
	             {"name":"active","path":"active","type":"boolean"}]}]})J"),
	           {{{"id", "pt1"}, {"active", true}}, {{"id", "pt2"}, {"active", false}}});
}

TEST(SofView, CompiledViewDescribesColumns) {
	auto view = hdl::sof::Compile(hdl::json::FromNlohmann(json::parse(R"J({"resource":"Patient","select":[
		{"column":[{"name":"id","path":"id","type":"id","description":"key"}]},
		{"forEach":"name","column":[{"name":"given","path":"given","type":"string","collection":true}]}]})J")));
	EXPECT_EQ(view.resourceType(), "Patient");
	ASSERT_EQ(view.columns().size(), 2u);
	EXPECT_EQ(view.columns()[0].name, "id");
	EXPECT_EQ(view.columns()[0].type, "id");
	EXPECT_EQ(view.columns()[0].description, "key");
	EXPECT_TRUE(view.columns()[1].collection);
}

TEST(SofView, ForEachAndForEachOrNull) {
	ExpectRows(json::parse(R"J({"resource":"Patient","select":[{"column":[{"name":"id","path":"id"}]},
	             {"forEach":"name","column":[{"name":"family","path":"family"}]}]})J"),
	           {{{"id", "pt1"}, {"family", "F1"}}, {{"id", "pt1"}, {"family", "F2"}}});
	ExpectRows(json::parse(R"J({"resource":"Patient","select":[{"column":[{"name":"id","path":"id"}]},
	             {"forEachOrNull":"name","column":[{"name":"family","path":"family"},
	             {"name":"i","path":"%rowIndex"}]}]})J"),
	           {{{"id", "pt1"}, {"family", "F1"}, {"i", 0}},
	            {{"id", "pt1"}, {"family", "F2"}, {"i", 1}},
	            {{"id", "pt2"}, {"family", nullptr}, {"i", 0}}});
}

TEST(SofView, UnionAllAndNestedSelects) {
	ExpectRows(json::parse(R"J({"resource":"Patient","where":[{"path":"id = 'pt1'"}],"select":[
	             {"column":[{"name":"id","path":"id"}],
	              "unionAll":[{"forEach":"name","column":[{"name":"v","path":"family"}]},
	                          {"forEach":"contact.telecom","column":[{"name":"v","path":"system"}]}]}]})J"),
	           {{{"id", "pt1"}, {"v", "F1"}},
	            {{"id", "pt1"}, {"v", "F2"}},
	            {{"id", "pt1"}, {"v", "phone"}},
	            {{"id", "pt1"}, {"v", "email"}}});
}

TEST(SofView, Repeat) {
	json qr = json::parse(R"J({"resourceType":"QuestionnaireResponse","id":"q","item":[
		{"linkId":"1","item":[{"linkId":"1.1","answer":[{"item":[{"linkId":"1.1.1"}]}]}]},{"linkId":"2"}]})J");
	json view =
	    json::parse(R"J({"resource":"QuestionnaireResponse","select":[{"repeat":["item","answer.item"],
		"column":[{"name":"linkId","path":"linkId"},{"name":"i","path":"%rowIndex"}]}]})J");
	EXPECT_EQ(SortedRows(RunView(view, {qr})), SortedRows({{{"linkId", "1"}, {"i", 0}},
	                                                       {{"linkId", "1.1"}, {"i", 1}},
	                                                       {{"linkId", "1.1.1"}, {"i", 2}},
	                                                       {{"linkId", "2"}, {"i", 3}}}));
}

TEST(SofView, ConstantsAndWhere) {
	ExpectRows(json::parse(R"J({"resource":"Patient","constant":[{"name":"u","valueString":"official"},
	             {"name":"born","valueDate":"1950-01-01"}],
	             "where":[{"path":"birthDate = %born"}],
	             "select":[{"column":[{"name":"f","path":"name.where(use = %u).family"}]}]})J"),
	           {{{"f", "F1"}}});
}

TEST(SofView, CollectionColumns) {
	ExpectRows(json::parse(R"J({"resource":"Patient","select":[{"column":[{"name":"id","path":"id"},
	             {"name":"given","path":"name.given","collection":true}]}]})J"),
	           {{{"id", "pt1"}, {"given", {"A", "B"}}}, {{"id", "pt2"}, {"given", json::array()}}});
	try {
		RunView(json::parse(
		            R"J({"resource":"Patient","select":[{"column":[{"name":"f","path":"name.family"}]}]})J"),
		        Patients());
		ADD_FAILURE() << "multiple values without collection=true must fail";
	} catch (const hdl::Error &e) {
		EXPECT_NE(std::string(e.what()).find("\"f\""), std::string::npos) << e.what();
		EXPECT_FALSE(e.hint().empty());
	}
}

TEST(SofView, CellKindsPointIntoTheDocument) {
	auto view =
	    hdl::sof::Compile(hdl::json::FromNlohmann(json::parse(R"J({"resource":"Patient","select":[{"column":[
		{"name":"id","path":"id"},{"name":"active","path":"active"},{"name":"n","path":"name.count()"},
		{"name":"name","path":"name.first()"},{"name":"d","path":"1.50 + 1"}]}]})J")));
	struct Capture : hdl::sof::RowSink {
		std::vector<hdl::sof::Row> rows;
		void
		OnRow(const hdl::sof::Row &row) override {
			rows.push_back(row);
		}
	} sink;
	json pt = Patients()[0];
	hdl::sof::Evaluate(view, hdl::json::FromNlohmann(pt), sink);
	ASSERT_EQ(sink.rows.size(), 1u);
	const auto &row = sink.rows[0];
	using Kind = hdl::sof::CellValue::Kind;
	EXPECT_EQ(row[0].kind, Kind::String);
	EXPECT_EQ(row[0].node.str(), "pt1"); // no copy: the node in the document
	EXPECT_EQ(row[1].kind, Kind::Boolean);
	EXPECT_EQ(row[2].kind, Kind::Integer);
	EXPECT_EQ(row[2].integer, 2);
	EXPECT_EQ(row[3].kind, Kind::Node);
	EXPECT_EQ(row[4].kind, Kind::Decimal);
	EXPECT_EQ(row[4].toText(), "2.50");
}

TEST(SofView, InvalidViewsAreRefusedAtCompileTime) {
	ExpectInvalid(json::object(), "resource");
	ExpectInvalid(json::parse(R"J({"resource":"Patient"})J"), "select");
	ExpectInvalid(json::parse(R"J({"resource":"Patient","select":[{"forEach":"@@"}]})J"),
	              "select[0].forEach");
	ExpectInvalid(json::parse(R"J({"resource":"Patient","select":[{"forEach":1}]})J"), "select[0].forEach");
	ExpectInvalid(
	    json::parse(R"J({"resource":"Patient","select":[{"column":[{"name":"a","path":"name.("}]}]})J"),
	    "select[0].column[0].path");
	ExpectInvalid(json::parse(R"J({"resource":"Patient","select":[{"column":[{"name":"a","path":"%x"}]}]})J"),
	              "undefined constant %x");
	ExpectInvalid(json::parse(R"J({"resource":"Patient","constant":[{"name":"x"}],
	                "select":[{"column":[{"name":"a","path":"%x"}]}]})J"),
	              "value[x]");
	ExpectInvalid(json::parse(R"J({"resource":"Patient","select":[{"column":[{"name":"a","path":"id"}]},
	                {"column":[{"name":"a","path":"id"}]}]})J"),
	              "duplicate column");
	ExpectInvalid(json::parse(R"J({"resource":"Patient","select":[{"unionAll":[
	                {"column":[{"name":"a","path":"id"},{"name":"b","path":"id"}]},
	                {"column":[{"name":"b","path":"id"},{"name":"a","path":"id"}]}]}]})J"),
	              "unionAll");
	ExpectInvalid(json::parse(R"J({"resource":"Patient","where":[{"path":"name.family"}],
	                "select":[{"column":[{"name":"a","path":"id"}]}]})J"),
	              "boolean");
}
