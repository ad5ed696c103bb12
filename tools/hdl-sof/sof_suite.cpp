// `hdl-sof test`: runs the SQL-on-FHIR v2 test files through the engine (nlohmann back end)
// and writes the official test report ({file: {tests: [{name, result: {passed}}]}}).
#include "core/error.hpp"
#include "core/json/nlohmann_node.hpp"
#include "core/sof/view.hpp"
#include "tool.hpp"

#include <algorithm>
#include <cmath>
#include <dirent.h>
#include <fstream>
#include <iostream>

namespace hdl::tools {

namespace {

using nlohmann::json;

bool
ValuesMatch(const json &expected, const json &actual) {
	if (expected.is_number() && actual.is_number())
		return std::fabs(expected.get<double>() - actual.get<double>()) < 1e-9;
	if (expected.is_array() && actual.is_array()) {
		if (expected.size() != actual.size())
			return false;
		for (size_t i = 0; i < expected.size(); i++) {
			if (!ValuesMatch(expected[i], actual[i]))
				return false;
		}
		return true;
	}
	// An empty collection column and null both mean "no value".
	if (expected.is_null() && actual.is_array() && actual.empty())
		return true;
	if (expected.is_object() && actual.is_object()) {
		if (expected.size() != actual.size())
			return false;
		for (auto it = expected.begin(); it != expected.end(); ++it) {
			if (!actual.contains(it.key()) || !ValuesMatch(it.value(), actual[it.key()]))
				return false;
		}
		return true;
	}
	return expected == actual;
}

bool
RowsMatch(const json &expected, const json &actual) {
	for (auto it = expected.begin(); it != expected.end(); ++it) {
		json a = actual.contains(it.key()) ? actual[it.key()] : json(nullptr);
		if (!ValuesMatch(it.value(), a))
			return false;
	}
	for (auto it = actual.begin(); it != actual.end(); ++it) {
		if (!expected.contains(it.key()) && !it.value().is_null())
			return false;
	}
	return true;
}

// Order-insensitive comparison of row multisets.
bool
RowSetsMatch(const json &expected, const std::vector<json> &actual, std::string &why) {
	if (expected.size() != actual.size()) {
		why = "expected " + std::to_string(expected.size()) + " rows, got " + std::to_string(actual.size());
		return false;
	}
	std::vector<bool> used(actual.size(), false);
	for (const json &row : expected) {
		bool found = false;
		for (size_t i = 0; i < actual.size() && !found; i++) {
			if (!used[i] && RowsMatch(row, actual[i])) {
				used[i] = true;
				found = true;
			}
		}
		if (!found) {
			why = "no actual row matches " + row.dump();
			return false;
		}
	}
	return true;
}

bool
RunTest(const json &test, const json &resources, std::string &why) {
	bool expectError = test.value("expectError", false);
	std::vector<json> rows;
	std::vector<std::string> columns;
	try {
		sof::CompiledView view = sof::Compile(hdl::json::FromNlohmann(test.at("view")));
		for (const auto &c : view.columns())
			columns.push_back(c.name);
		sof::JsonRowCollector sink(view);
		for (const json &r : resources)
			sof::Evaluate(view, hdl::json::FromNlohmann(r), sink);
		rows = std::move(sink.rows);
	} catch (const Error &e) {
		if (expectError)
			return true;
		why = std::string("error: ") + e.what();
		return false;
	}
	if (expectError) {
		why = "expected an error, got " + std::to_string(rows.size()) + " rows";
		return false;
	}
	if (test.contains("expectColumns")) {
		std::vector<std::string> wanted = test["expectColumns"].get<std::vector<std::string>>();
		if (wanted != columns) {
			why = "columns differ";
			return false;
		}
	}
	if (test.contains("expectCount")) {
		if (test["expectCount"].get<size_t>() != rows.size()) {
			why = "expected count " + test["expectCount"].dump() + ", got " + std::to_string(rows.size());
			return false;
		}
		return true;
	}
	return RowSetsMatch(test.at("expect"), rows, why);
}

std::vector<std::string>
ListJsonFiles(const std::string &dir) {
	std::vector<std::string> files;
	DIR *d = opendir(dir.c_str());
	if (!d)
		throw std::runtime_error("cannot open directory " + dir);
	while (dirent *e = readdir(d)) {
		std::string n = e->d_name;
		if (n.size() > 5 && n.compare(n.size() - 5, 5, ".json") == 0 && n != "tests.schema.json")
			files.push_back(n);
	}
	closedir(d);
	std::sort(files.begin(), files.end());
	return files;
}

} // namespace

int
RunSofSuite(const std::string &dir, const std::string &reportFile, bool verbose) {
	int passed = 0, failed = 0;
	json report = json::object();
	for (const std::string &file : ListJsonFiles(dir)) {
		json suite = json::parse(ReadFile(dir + "/" + file));
		const json &resources = suite.at("resources");
		int filePassed = 0, fileFailed = 0;
		json tests = json::array();
		for (const json &test : suite.at("tests")) {
			std::string why;
			bool ok = false;
			try {
				ok = RunTest(test, resources, why);
			} catch (const std::exception &e) {
				why = std::string("unexpected exception: ") + e.what();
			}
			std::string name = test.value("title", "");
			tests.push_back({{"name", name}, {"result", {{"passed", ok}}}});
			(ok ? filePassed : fileFailed)++;
			if (!ok || verbose)
				std::cout << "  " << (ok ? "PASS " : "FAIL ") << file << " / " << name
				          << (why.empty() ? "" : ": " + why) << "\n";
		}
		report[file] = {{"tests", tests}};
		std::cout << file << ": " << filePassed << " passed, " << fileFailed << " failed\n";
		passed += filePassed;
		failed += fileFailed;
	}
	if (!reportFile.empty()) {
		std::ofstream out(reportFile);
		out << report.dump(2) << "\n";
		if (!out)
			throw std::runtime_error("cannot write " + reportFile);
	}
	std::cout << passed << " passed, " << failed << " failed\n";
	return failed == 0 ? 0 : 1;
}

} // namespace hdl::tools
