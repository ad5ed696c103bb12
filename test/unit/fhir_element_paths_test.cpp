// ElementStats: per-batch element counts, and Merge (how an import folds its committed lines
// into the object's batch) giving the same counts as adding every resource to one aggregation.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "core/fhir/element_paths.hpp"
#include "core/json/jsonb_format.hpp"
#include "core/json/nlohmann_node.hpp"

namespace {

using Counts = std::vector<std::tuple<std::string, std::string, int>>;

Counts
CountsOf(const hdl::fhir::ElementStats &stats) {
	Counts out;
	for (const auto &c : stats.counts())
		out.emplace_back(*c.path, *c.json_type, c.versions);
	return out;
}

void
Add(hdl::fhir::ElementStats &stats, const char *text) {
	std::string storage = hdl::json::jsonb::Encode(nlohmann::json::parse(text));
	stats.Add("Patient", hdl::json::jsonb::FromRoot(storage.data() + 4, static_cast<uint32_t>(storage.size() - 4)));
}

const char *kDocs[] = {
    R"({"resourceType":"Patient","name":[{"given":["A","B"]}],"active":true})",
    R"({"resourceType":"Patient","name":[{"family":"C"}],"active":"yes"})",
    R"({"resourceType":"Patient","gender":"other"})",
};

} // namespace

TEST(ElementStats, CountsEachVersionOnce) {
	hdl::fhir::ElementStats stats;
	Add(stats, kDocs[0]);
	Counts expected = {{"Patient.active", "boolean", 1},      {"Patient.name", "array", 1},
	                   {"Patient.name[]", "object", 1},       {"Patient.name[].given", "array", 1},
	                   {"Patient.name[].given[]", "string", 1}, {"Patient.resourceType", "string", 1}};
	EXPECT_EQ(CountsOf(stats), expected);
}

TEST(ElementStats, MergeEqualsOneAggregation) {
	hdl::fhir::ElementStats all, first, second, merged;
	for (const char *doc : kDocs)
		Add(all, doc);
	Add(first, kDocs[0]);
	Add(second, kDocs[1]);
	Add(second, kDocs[2]);
	merged.Merge(first);
	merged.Merge(second);
	EXPECT_EQ(CountsOf(merged), CountsOf(all));
	// adding after a merge still counts each new version once
	Add(merged, kDocs[0]);
	Add(all, kDocs[0]);
	EXPECT_EQ(CountsOf(merged), CountsOf(all));
	// an empty aggregation changes nothing
	merged.Merge(hdl::fhir::ElementStats());
	EXPECT_EQ(CountsOf(merged), CountsOf(all));
}
