// Cardinality from the R4 StructureDefinitions (issue #17 item 1): a skeleton of every resource type
// (every backbone element present and empty) must have its min-1 elements reported missing, and
// the valid R4 examples of the HL7 test cases must still be accepted.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/fhir/r4_schema.hpp"
#include "core/fhir/validator.hpp"
#include "core/json/nlohmann_node.hpp"

namespace fs = std::filesystem;
namespace r4 = hdl::fhir::r4;
using hdl::fhir::Level;

namespace {

// HDL_SHARED_DIR (as .ci/run sets it), else ../shared next to the checkout.
fs::path
SharedDir() {
	const char *env = std::getenv("HDL_SHARED_DIR");
	if (env != nullptr && *env != '\0')
		return env;
	return fs::path(HDL_SOURCE_DIR) / ".." / "shared";
}

std::string
Describe(const hdl::fhir::ValidationResult &result) {
	std::string out;
	for (const auto &issue : result.issues)
		out += "  " + issue.expression + ": " + issue.message + " [" + issue.code + "]\n";
	return out;
}

// One resource's StructureDefinition: its elements by path, in snapshot order.
struct Definition {
	std::string type;
	std::vector<const nlohmann::json *> elements;
};

std::vector<Definition>
ResourceDefinitions(const nlohmann::json &bundle) {
	std::vector<Definition> out;
	for (const auto &entry : bundle["entry"]) {
		const auto &sd = entry["resource"];
		if (sd.value("resourceType", "") != "StructureDefinition" || sd.value("kind", "") != "resource" ||
		    sd.value("derivation", "") == "constraint" || sd.value("abstract", false))
			continue;
		Definition def {sd["id"].get<std::string>(), {}};
		for (const auto &el : sd["snapshot"]["element"])
			def.elements.push_back(&el);
		out.push_back(std::move(def));
	}
	return out;
}

bool
IsBackbone(const nlohmann::json &el) {
	if (!el.contains("type") || el.contains("contentReference"))
		return false;
	for (const auto &t : el["type"]) {
		std::string code = t.value("code", "");
		if (code == "BackboneElement" || code == "Element")
			return true;
	}
	return false;
}

// The R4 type of a FHIR path's element (kNoType when R4 has no such element: Medplum's R5 backports).
r4::TypeId
PathType(r4::TypeId root, const std::vector<std::string> &segments, size_t count) {
	r4::TypeId type = root;
	for (size_t i = 1; i < count; i++) {
		const r4::ElementDef *el = r4::FindElement(type, segments[i]);
		if (el == nullptr)
			return r4::kNoType;
		type = el->type;
	}
	return type;
}

std::vector<std::string>
Split(const std::string &path) {
	std::vector<std::string> out;
	size_t start = 0;
	for (size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1)
		out.push_back(path.substr(start, dot - start));
	out.push_back(path.substr(start));
	return out;
}

// The skeleton of one resource: resourceType and every backbone element R4 has, each `{}` (or
// `[{}]` when its max is not 1), nested as the definition nests them.
nlohmann::json
Skeleton(const Definition &def, r4::TypeId root) {
	nlohmann::json doc = nlohmann::json::object();
	doc["resourceType"] = def.type;
	for (const auto *el : def.elements) {
		if (!IsBackbone(*el))
			continue;
		auto segments = Split((*el)["path"].get<std::string>());
		if (segments.size() < 2 || PathType(root, segments, segments.size()) == r4::kNoType)
			continue;
		nlohmann::json *at = &doc;
		for (size_t i = 1; i + 1 < segments.size(); i++) {
			at = &(*at)[segments[i]];
			if (at->is_array())
				at = &(*at)[0];
		}
		bool array = (*el).value("max", "1") != "1";
		(*at)[segments.back()] =
		    array ? nlohmann::json::array({nlohmann::json::object()}) : nlohmann::json::object();
	}
	return doc;
}

// Where the validator reports a missing element: indexes on the arrays, choice groups by base.
std::string
ExpectedExpression(const nlohmann::json &skeleton, const std::vector<std::string> &segments) {
	std::string out = segments[0];
	const nlohmann::json *at = &skeleton;
	for (size_t i = 1; i < segments.size(); i++) {
		std::string name = segments[i];
		if (i + 1 == segments.size() && name.size() > 3 && name.compare(name.size() - 3, 3, "[x]") == 0)
			name.resize(name.size() - 3);
		out += "." + name;
		if (i + 1 < segments.size()) {
			at = &(*at)[name];
			if (at->is_array()) {
				out += "[0]";
				at = &(*at)[0];
			}
		}
	}
	return out;
}

} // namespace

TEST(FhirCardinality, SkeletonOfEveryResourceReportsRequiredElements) {
	fs::path file = SharedDir() / "data" / "fhir-r4" / "profiles-resources.json";
	if (!fs::exists(file))
		GTEST_SKIP() << file << " is absent (set HDL_SHARED_DIR); the skeleton figure is not measured";
	std::ifstream in(file);
	nlohmann::json bundle = nlohmann::json::parse(in);
	auto definitions = ResourceDefinitions(bundle);

	size_t types = 0, total = 0, reported = 0;
	std::map<std::string, std::vector<std::string>> misses; // reason -> paths
	for (const auto &def : definitions) {
		r4::TypeId root = r4::FindResourceType(def.type);
		if (root == r4::kNoType) {
			misses["not an R4 resource type (left out of the figure)"].push_back(def.type);
			continue;
		}
		types++;
		nlohmann::json skeleton = Skeleton(def, root);
		auto result = hdl::fhir::ValidateResource(hdl::json::FromNlohmann(skeleton), Level::Strict, 100000);
		std::set<std::string> required;
		for (const auto &issue : result.issues)
			if (issue.code == "required")
				required.insert(issue.expression);
		for (const auto *el : def.elements) {
			std::string path = (*el)["path"].get<std::string>();
			if ((*el).value("min", 0) < 1 || path.find('.') == std::string::npos)
				continue;
			auto segments = Split(path);
			std::string last = segments.back();
			bool choice = last.size() > 3 && last.compare(last.size() - 3, 3, "[x]") == 0;
			r4::TypeId parent = PathType(root, segments, segments.size() - 1);
			bool known = parent != r4::kNoType && (choice ? true : r4::FindElement(parent, last) != nullptr);
			if (!known) {
				misses["not an R4 element (Medplum's R5 backport; left out of the figure)"].push_back(path);
				continue;
			}
			total++;
			if (required.count(ExpectedExpression(skeleton, segments)))
				reported++;
			else if (IsBackbone(*el) && PathType(root, segments, segments.size()) != r4::kNoType)
				misses["a min-1 backbone element: present in the skeleton, as {}"].push_back(path);
			else
				misses[choice ? "choice group not reported" : "element not reported"].push_back(path);
		}
	}
	double figure = total ? 100.0 * reported / total : 0;
	size_t present = misses["a min-1 backbone element: present in the skeleton, as {}"].size();
	std::printf("skeletons of %zu resource types: %zu of %zu min-1 elements reported missing (%.1f%%; "
	            "%zu of %zu without the min-1 backbone elements the skeleton has)\n",
	            types, reported, total, figure, reported, total - present);
	for (const auto &[reason, paths] : misses) {
		std::printf("  %s: %zu\n", reason.c_str(), paths.size());
		for (const auto &p : paths)
			std::printf("    %s\n", p.c_str());
	}
	EXPECT_EQ(types, 146u);
	EXPECT_GE(total, 700u);
	EXPECT_GE(figure, 95.0);
}

// The examples of fhir-test-cases r4-examples/ that are valid R4 validate at Strict with no issue.
// The others are deliberately broken or from older FHIR versions (SOURCES.md there).
TEST(FhirCardinality, R4ExamplesAccepted) {
	fs::path dir = SharedDir() / "fhir-test-cases" / "r4-examples";
	if (!fs::exists(dir))
		GTEST_SKIP() << dir << " is absent (set HDL_SHARED_DIR); the R4 examples are not checked";
	const std::set<std::string> kNotValidR4 = {
	    "bundle-questionnaire.json",         // 50 items without linkId (below)
	    "bundle-with-no-type.json",          // no Bundle.type (the HL7 validator's test of it)
	    "codesystem-example.json",           // two concepts coded chol-mass: csd-1 (fhir_invariants_test)
	    "explanationofbenefit-example.json", // no status, use, patient, created, insurer... (not R4)
	    "myconsent-resource.json",           // Consent.period and no scope or category (not R4)
	    "patient-container-example.json",    // managingOrganization.reference "1"
	    "patient-name-extensions.json",      // _given has 1 item, given 2
	    "r4-caredove-bundle.json",           // numeric ids, single values for arrays
	};
	size_t checked = 0;
	for (const auto &entry : fs::directory_iterator(dir)) {
		std::string name = entry.path().filename().string();
		if (entry.path().extension() != ".json" || kNotValidR4.count(name))
			continue;
		std::ifstream in(entry.path());
		nlohmann::json doc = nlohmann::json::parse(in);
		auto result = hdl::fhir::ValidateResource(hdl::json::FromNlohmann(doc), Level::Strict, 50);
		EXPECT_TRUE(result.issues.empty()) << name << "\n" << Describe(result);
		checked++;
	}
	std::printf("%zu valid R4 examples accepted (%zu known not valid R4 left out)\n", checked,
	            kNotValidR4.size());
	EXPECT_GE(checked, 70u);
}

// Issue #17: the official bundle-questionnaire example has 50 items without linkId (Questionnaire.item
// 1..1 linkId), which hdl accepted; each is reported now, at its item.
TEST(FhirCardinality, QuestionnaireItemsWithoutLinkId) {
	fs::path file = SharedDir() / "fhir-test-cases" / "r4-examples" / "bundle-questionnaire.json";
	if (!fs::exists(file))
		GTEST_SKIP() << file << " is absent (set HDL_SHARED_DIR)";
	std::ifstream in(file);
	nlohmann::json doc = nlohmann::json::parse(in);
	auto result = hdl::fhir::ValidateResource(hdl::json::FromNlohmann(doc), Level::Strict, 1000);
	size_t linkIds = 0;
	for (const auto &issue : result.issues) {
		EXPECT_EQ(issue.code, "required") << issue.expression;
		if (issue.expression.size() > 7 &&
		    issue.expression.compare(issue.expression.size() - 7, 7, ".linkId") == 0)
			linkIds++;
	}
	EXPECT_EQ(linkIds, 50u) << Describe(result);
	EXPECT_EQ(result.issues.size(), 50u);
}
