// `hdl-sof fhirpath`: runs the official FHIRPath R4 test suite (XML) against the JSON
// versions of its input resources and reports the pass rate.
#include "core/error.hpp"
#include "core/fhir/fhirpath_model.hpp"
#include "core/fhirpath/fhirpath.hpp"
#include "core/json/nlohmann_node.hpp"
#include "tool.hpp"

#include <iostream>
#include <map>

namespace hdl::tools {

namespace {

using fhirpath::Value;

std::string
Trim(const std::string &s) {
	size_t a = s.find_first_not_of(" \t\r\n");
	size_t b = s.find_last_not_of(" \t\r\n");
	return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

// Compares one result item with an <output type="...">text</output> of the suite.
bool
OutputMatches(const Value &v, const std::string &type, std::string expected) {
	if (!expected.empty() && expected[0] == '@') {
		expected.erase(0, 1);
		if (!expected.empty() && expected[0] == 'T')
			expected.erase(0, 1);
	}
	std::string actual;
	if (type == "Quantity") {
		Value q = fhirpath::Materialize(v);
		if (q.kind != fhirpath::ValueKind::Quantity)
			return false;
		size_t sp = expected.find(' ');
		std::string unit = sp == std::string::npos ? "1" : expected.substr(sp + 1);
		if (unit.size() >= 2 && unit.front() == '\'')
			unit = unit.substr(1, unit.size() - 2);
		fhirpath::Decimal a, b;
		return fhirpath::Decimal::Parse(q.text, a) && fhirpath::Decimal::Parse(expected.substr(0, sp), b) &&
		       fhirpath::Decimal::Compare(a, b) == 0 && unit == q.unit;
	}
	if (!fhirpath::ToText(v, actual))
		return false;
	if (type == "decimal" || type == "integer") {
		fhirpath::Decimal a, b;
		if (fhirpath::Decimal::Parse(actual, a) && fhirpath::Decimal::Parse(expected, b))
			return fhirpath::Decimal::Compare(a, b) == 0;
	}
	if (type == "date" || type == "dateTime" || type == "time") {
		fhirpath::Temporal a, b;
		bool ok = type == "time" ? fhirpath::ParseTime(actual, a) && fhirpath::ParseTime(expected, b)
		                         : fhirpath::ParseDateTime(actual, a) && fhirpath::ParseDateTime(expected, b);
		if (ok)
			return fhirpath::CompareTemporal(a, b) == 0;
	}
	return actual == expected;
}

struct Counts {
	int passed = 0;
	int failed = 0;
};

bool
RunOne(const XmlElement &test, const std::map<std::string, nlohmann::json> &inputs, const std::string &dir,
       const fhirpath::Model *model, std::string &why) {
	const XmlElement *expr = nullptr;
	std::vector<const XmlElement *> outputs;
	for (const auto &c : test.children) {
		if (c->name == "expression")
			expr = c.get();
		else if (c->name == "output")
			outputs.push_back(c.get());
	}
	if (!expr) {
		why = "no expression";
		return false;
	}
	std::string invalid = expr->attr("invalid");
	std::string input = test.attr("inputfile");
	nlohmann::json empty = nlohmann::json::object();
	const nlohmann::json *resource = &empty;
	if (!input.empty()) {
		std::string name = input.substr(0, input.rfind('.')) + ".json";
		auto it = inputs.find(name);
		if (it == inputs.end()) {
			why = "missing input " + dir + "/input-json/" + name;
			return false;
		}
		resource = &it->second;
	}
	fhirpath::Collection result;
	try {
		fhirpath::Expression e = fhirpath::Parse(expr->text);
		fhirpath::Environment env;
		env.model = model;
		result = fhirpath::Evaluate(e, json::FromNlohmann(*resource), env);
	} catch (const Error &err) {
		if (!invalid.empty())
			return true;
		why = err.what();
		return false;
	}
	if (!invalid.empty()) {
		why = "expected an error";
		return false;
	}
	if (test.attr("predicate") == "true") {
		bool exists = !result.empty();
		result.clear();
		result.push_back(Value::Bool(exists));
	}
	if (result.size() != outputs.size()) {
		why = "expected " + std::to_string(outputs.size()) + " items, got " + std::to_string(result.size());
		return false;
	}
	for (size_t i = 0; i < outputs.size(); i++) {
		if (!OutputMatches(result[i], outputs[i]->attr("type"), Trim(outputs[i]->text))) {
			std::string got;
			fhirpath::ToText(result[i], got);
			why = "item " + std::to_string(i) + ": expected " + Trim(outputs[i]->text) + ", got " + got;
			return false;
		}
	}
	return true;
}

} // namespace

int
RunFhirPathSuite(const std::string &xmlFile, bool verbose) {
	std::string dir = xmlFile.substr(0, xmlFile.rfind('/'));
	std::unique_ptr<XmlElement> root = ParseXml(ReadFile(xmlFile));
	std::map<std::string, nlohmann::json> inputs;
	Counts total, untyped;
	std::vector<const XmlElement *> groups;
	for (const auto &g : root->children)
		if (g->name == "group")
			groups.push_back(g.get());
	for (const XmlElement *group : groups) {
		Counts counts;
		for (const auto &test : group->children) {
			if (test->name != "test")
				continue;
			std::string input = test->attr("inputfile");
			if (!input.empty()) {
				std::string name = input.substr(0, input.rfind('.')) + ".json";
				if (!inputs.count(name)) {
					try {
						inputs[name] = nlohmann::json::parse(ReadFile(dir + "/input-json/" + name));
					} catch (const std::exception &) {
						// reported by RunOne as a missing input
					}
				}
			}
			std::string why;
			bool ok = false;
			try {
				// The suite checks types and semantic errors: with the R4 type model. Without it
				// (the invariants' mode, and the fast form of plain paths) counted on the side.
				ok = RunOne(*test, inputs, dir, &fhir::R4FhirPathModel(), why);
			} catch (const std::exception &e) {
				why = std::string("exception: ") + e.what();
			}
			bool okUntyped = false;
			try {
				std::string ignored;
				okUntyped = RunOne(*test, inputs, dir, nullptr, ignored);
			} catch (const std::exception &) {
				// counted as failed
			}
			(okUntyped ? untyped.passed : untyped.failed)++;
			(ok ? counts.passed : counts.failed)++;
			if (verbose && !ok)
				std::cout << "  FAIL " << test->attr("name") << ": " << why << "\n";
		}
		if (verbose)
			std::cout << group->attr("name") << ": " << counts.passed << "/" << counts.passed + counts.failed
			          << "\n";
		total.passed += counts.passed;
		total.failed += counts.failed;
	}
	std::cout << "without the type model: " << untyped.passed << " passed, " << untyped.failed << " failed\n";
	int all = total.passed + total.failed;
	std::cout << "pass rate " << (all ? (100.0 * total.passed / all) : 0.0) << "%\n";
	std::cout << total.passed << " passed, " << total.failed << " failed\n";
	return 0;
}

} // namespace hdl::tools
