// The engine gives the same rows over JSONB bytes as over nlohmann documents, and the
// SQL-on-FHIR conformance files in ../shared/sof-tests pass over both back ends.
#include <gtest/gtest.h>

#include <dirent.h>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "sof_test_util.hpp"

using hdl::sof::testing::RunView;
using hdl::sof::testing::RunViewOverJsonb;
using hdl::sof::testing::SortedRows;
using nlohmann::json;

TEST(SofBackends, JsonbAgreesWithNlohmann) {
	std::vector<json> resources = {
	    json::parse(R"J({"resourceType":"Observation","id":"o1","status":"final",
	      "valueQuantity":{"value":1.50,"unit":"kg"},"effectiveDateTime":"2020-01-02",
	      "component":[{"code":{"text":"a"},"valueString":"x"},{"code":{"text":"b"},"valueInteger":7}],
	      "subject":{"reference":"Patient/p1"}})J"),
	    json::parse(R"J({"resourceType":"Observation","id":"o2","status":"final","valueBoolean":true})J")};
	json view = json::parse(R"J({"resource":"Observation","select":[
		{"column":[{"name":"id","path":"getResourceKey()"},{"name":"patient","path":"subject.getReferenceKey(Patient)"},
		           {"name":"v","path":"value.ofType(Quantity).value"},{"name":"b","path":"value.ofType(boolean)"},
		           {"name":"hi","path":"value.ofType(Quantity).value.highBoundary()"},
		           {"name":"eff","path":"effective.ofType(dateTime)"}]},
		{"forEachOrNull":"component","column":[{"name":"code","path":"code.text"},
		           {"name":"cv","path":"value.ofType(string) | value.ofType(integer).toString()"}]}]})J");
	auto viaNlohmann = RunView(view, resources);
	auto viaJsonb = RunViewOverJsonb(view, resources);
	EXPECT_EQ(viaNlohmann.size(), 3u);
	EXPECT_EQ(SortedRows(viaJsonb), SortedRows(viaNlohmann));
}

TEST(SofBackends, JsonbKeepsDecimalText) {
	json obs = json::parse(R"J({"resourceType":"Observation","id":"o1","valueQuantity":{"value":1.50}})J");
	std::string bytes = hdl::json::jsonb::Encode(obs);
	hdl::json::Node node =
	    hdl::json::jsonb::FromRoot(bytes.data() + 4, static_cast<uint32_t>(bytes.size() - 4));
	auto view = hdl::sof::Compile(hdl::json::FromNlohmann(json::parse(
	    R"J({"resource":"Observation","select":[{"column":[{"name":"v","path":"value.value"}]}]})J")));
	struct Capture : hdl::sof::RowSink {
		std::string text;
		void
		OnRow(const hdl::sof::Row &row) override {
			text = row[0].toText();
		}
	} sink;
	hdl::sof::Evaluate(view, node, sink);
	// The encoder received nlohmann's double 1.5; JSONB stores what it was given.
	EXPECT_EQ(sink.text, node.get("valueQuantity").get("value").numberText());
}

namespace {

std::string
SofTestsDir() {
	return std::string(HDL_SOURCE_DIR) + "/../shared/sof-tests";
}

std::vector<std::string>
TestFiles(const std::string &dir) {
	std::vector<std::string> files;
	if (DIR *d = opendir(dir.c_str())) {
		while (dirent *e = readdir(d)) {
			std::string n = e->d_name;
			if (n.size() > 5 && n.compare(n.size() - 5, 5, ".json") == 0 && n != "tests.schema.json")
				files.push_back(dir + "/" + n);
		}
		closedir(d);
	}
	return files;
}

// Runs one conformance test; returns "" when it passes, else why not.
std::string
RunConformanceTest(const json &test, const std::vector<json> &resources, bool jsonb) {
	std::vector<json> rows;
	try {
		rows = jsonb ? RunViewOverJsonb(test.at("view"), resources) : RunView(test.at("view"), resources);
	} catch (const hdl::Error &e) {
		return test.value("expectError", false) ? "" : e.what();
	}
	if (test.value("expectError", false))
		return "expected an error";
	if (test.contains("expectCount"))
		return rows.size() == test["expectCount"].get<size_t>() ? "" : "wrong count";
	std::vector<json> expected = test.at("expect").get<std::vector<json>>();
	return SortedRows(rows) == SortedRows(expected) ? "" : "rows differ";
}

} // namespace

TEST(SofBackends, ConformanceSuiteOverBothBackends) {
	std::vector<std::string> files = TestFiles(SofTestsDir());
	if (files.empty())
		GTEST_SKIP() << "SQL-on-FHIR tests not found in " << SofTestsDir() << " (../shared is absent)";
	int tests = 0;
	for (const std::string &file : files) {
		std::ifstream in(file);
		std::stringstream ss;
		ss << in.rdbuf();
		json suite = json::parse(ss.str());
		std::vector<json> resources = suite.at("resources").get<std::vector<json>>();
		for (const json &test : suite.at("tests")) {
			for (bool jsonb : {false, true}) {
				std::string why = RunConformanceTest(test, resources, jsonb);
				EXPECT_EQ(why, "") << file << " / " << test.value("title", "") << (jsonb ? " (JSONB)" : "");
			}
			tests++;
		}
	}
	EXPECT_GE(tests, 89);
}
