// hdl-synth's output: deterministic bytes, self-contained transaction bundles, one NHS number
// per person across feeds, and Bulk Data ndjson with a manifest listing every file.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "core/synth/calendar.hpp"
#include "core/synth/nhs_number.hpp"
#include "core/synth/person.hpp"
#include "feed_content.hpp"
#include "record.hpp"
#include "synth_test_support.hpp"

using namespace synth_test;
using nlohmann::json;
namespace tool = hdl::synth::tool;

namespace {

const char *const FEED_NAMES[] = {"gp", "acute", "ambulance", "nhs111", "mental-health"};

// Every value of a "reference" key anywhere in the document.
void
CollectReferences(const json &node, std::vector<std::string> &refs) {
	if (node.is_object()) {
		for (auto it = node.begin(); it != node.end(); ++it) {
			if (it.key() == "reference" && it.value().is_string()) {
				refs.push_back(it.value().get<std::string>());
			} else {
				CollectReferences(it.value(), refs);
			}
		}
	} else if (node.is_array()) {
		for (const json &item : node) {
			CollectReferences(item, refs);
		}
	}
}

std::map<std::string, std::string>
ReadTree(const fs::path &root) {
	std::map<std::string, std::string> files;
	for (const auto &entry : fs::recursive_directory_iterator(root)) {
		if (entry.is_regular_file()) {
			files[fs::relative(entry.path(), root).string()] = ReadFile(entry.path());
		}
	}
	return files;
}

const json *
FindIdentifier(const json &patient, bool nhs) {
	for (const json &identifier : patient["identifier"]) {
		if ((identifier["system"] == tool::NHS_NUMBER_SYSTEM) == nhs) {
			return &identifier;
		}
	}
	return nullptr;
}

} // namespace

TEST(SynthOutput, SameSeedAndOptionsGiveIdenticalBytes) {
	for (const char *format : {"bundles", "ndjson"}) {
		TempDir a(std::string("same-a-") + format), b(std::string("same-b-") + format);
		ASSERT_EQ(
		    RunSynth({"--out", a.str(), "--patients", "6", "--seed", "9", "--format", format, "--quiet"}), 0);
		ASSERT_EQ(
		    RunSynth({"--out", b.str(), "--patients", "6", "--seed", "9", "--format", format, "--quiet"}), 0);
		const auto first = ReadTree(a.path());
		const auto second = ReadTree(b.path());
		EXPECT_GE(first.size(), 5u);
		EXPECT_TRUE(first == second) << "two runs of format " << format << " differ";
	}
}

TEST(SynthOutput, SeedAndFeedChoiceBehave) {
	TempDir all("feeds-all"), gp_only("feeds-gp"), other_seed("feeds-seed");
	ASSERT_EQ(RunSynth({"--out", all.str(), "--patients", "6", "--quiet"}), 0);
	ASSERT_EQ(RunSynth({"--out", gp_only.str(), "--patients", "6", "--feeds", "gp", "--quiet"}), 0);
	ASSERT_EQ(RunSynth({"--out", other_seed.str(), "--patients", "6", "--seed", "2", "--quiet"}), 0);
	// A feed's records do not depend on which other feeds are generated.
	EXPECT_EQ(ReadFile(all.path() / "gp.bundles.ndjson"), ReadFile(gp_only.path() / "gp.bundles.ndjson"));
	EXPECT_EQ(ReadTree(gp_only.path()).size(), 1u);
	EXPECT_NE(ReadFile(all.path() / "gp.bundles.ndjson"), ReadFile(other_seed.path() / "gp.bundles.ndjson"));
}

TEST(SynthOutput, BundlesAreSelfContainedTransactions) {
	TempDir dir("bundles");
	constexpr int PATIENTS = 25;
	ASSERT_EQ(RunSynth({"--out", dir.str(), "--patients", std::to_string(PATIENTS), "--quiet"}), 0);
	const std::regex urn("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
	std::map<std::string, json> gp_patients; // NHS number -> GP Patient
	std::set<std::string> types_seen;
	for (const char *feed : FEED_NAMES) {
		const auto lines = ReadLines(dir.path() / (std::string(feed) + ".bundles.ndjson"));
		if (std::string(feed) == "gp") {
			EXPECT_EQ(lines.size(), static_cast<std::size_t>(PATIENTS)) << "the GP practice sees everyone";
		}
		EXPECT_FALSE(lines.empty()) << feed;
		for (const std::string &line : lines) {
			const json bundle = json::parse(line);
			ASSERT_EQ(bundle["resourceType"], "Bundle");
			ASSERT_EQ(bundle["type"], "transaction");
			std::set<std::string> full_urls;
			std::vector<std::string> refs;
			const json *patient = nullptr;
			std::string patient_if_none_exist;
			for (const json &entry : bundle["entry"]) {
				const std::string full_url = entry["fullUrl"];
				ASSERT_TRUE(std::regex_match(full_url, urn)) << full_url;
				ASSERT_TRUE(full_urls.insert(full_url).second) << "duplicate fullUrl " << full_url;
				const json &resource = entry["resource"];
				ASSERT_EQ(entry["request"]["method"], "POST");
				ASSERT_EQ(entry["request"]["url"], resource["resourceType"]);
				ASSERT_FALSE(resource.contains("id"));
				types_seen.insert(resource["resourceType"].get<std::string>());
				CollectReferences(resource, refs);
				if (resource["resourceType"] == "Patient") {
					ASSERT_EQ(patient, nullptr) << "two Patients in one bundle";
					patient = &resource;
					patient_if_none_exist = entry["request"].value("ifNoneExist", "");
				}
			}
			for (const std::string &ref : refs) {
				ASSERT_EQ(full_urls.count(ref), 1u)
				    << feed << ": reference " << ref << " has no fullUrl in the bundle";
			}
			ASSERT_NE(patient, nullptr) << feed << ": bundle without a Patient";
			const json *nhs = FindIdentifier(*patient, true);
			const json *local = FindIdentifier(*patient, false);
			ASSERT_NE(nhs, nullptr);
			ASSERT_NE(local, nullptr);
			const std::string nhs_number = (*nhs)["value"];
			ASSERT_TRUE(hdl::synth::IsValidNhsNumber(nhs_number)) << nhs_number;
			EXPECT_EQ((*local)["system"], std::string("https://") + feed + ".example.nhs.uk/Id/mrn");
			EXPECT_EQ(patient_if_none_exist, "identifier=" + (*local)["system"].get<std::string>() + "|" +
			                                     (*local)["value"].get<std::string>());
			if (std::string(feed) == "gp") {
				gp_patients[nhs_number] = *patient;
			} else {
				// Every feed's patient is a GP-registered person with the same name and birth date.
				ASSERT_EQ(gp_patients.count(nhs_number), 1u) << feed << ": NHS number unknown to the GP";
				const json &gp = gp_patients[nhs_number];
				EXPECT_EQ((*patient)["birthDate"], gp["birthDate"]);
				EXPECT_EQ((*patient)["name"][0]["family"], gp["name"][0]["family"]);
				EXPECT_EQ((*patient)["name"][0]["given"], gp["name"][0]["given"]);
			}
		}
	}
	for (const char *type : {"Organization", "Practitioner", "Patient", "Encounter", "Observation",
	                         "Condition", "MedicationRequest", "Procedure", "AllergyIntolerance"}) {
		EXPECT_EQ(types_seen.count(type), 1u) << "no " << type << " generated";
	}
}

TEST(SynthOutput, OnePersonHasOneNhsNumberInEveryFeed) {
	const int64_t as_of = hdl::synth::DaysFromCivil(2025, 1, 1);
	for (uint64_t index = 0; index < 20; ++index) {
		const hdl::synth::Person person = hdl::synth::MakePerson(3, index, as_of);
		std::set<std::string> local_ids;
		for (const tool::FeedInfo &feed : tool::AllFeeds()) {
			tool::PatientRecord record(feed, person, 3, as_of, true);
			tool::BuildFeedRecord(record);
			int patients = 0;
			for (const tool::Entry &entry : record.Entries()) {
				if (std::string(entry.type) != "Patient") {
					continue;
				}
				++patients;
				const json patient = json::parse(entry.resource.dump());
				EXPECT_EQ((*FindIdentifier(patient, true))["value"], person.nhs_number);
				local_ids.insert((*FindIdentifier(patient, false))["system"].get<std::string>());
			}
			EXPECT_EQ(patients, 1);
		}
		EXPECT_EQ(local_ids.size(), tool::AllFeeds().size()) << "each feed has its own identifier system";
	}
}

TEST(SynthOutput, NdjsonManifestListsEveryFile) {
	TempDir dir("ndjson");
	ASSERT_EQ(RunSynth({"--out", dir.str(), "--patients", "12", "--format", "ndjson", "--as-of", "2024-06-30",
	                    "--quiet"}),
	          0);
	for (const char *feed : FEED_NAMES) {
		const fs::path feed_dir = dir.path() / feed;
		const json manifest = json::parse(ReadFile(feed_dir / "manifest.json"));
		EXPECT_EQ(manifest["transactionTime"], "2024-06-30T00:00:00Z");
		EXPECT_EQ(manifest["request"], std::string("https://") + feed + ".example.nhs.uk/fhir/$export");
		EXPECT_EQ(manifest["requiresAccessToken"], false);
		EXPECT_EQ(manifest["error"], json::array());

		std::set<std::string> files_on_disk, files_listed;
		for (const auto &entry : fs::directory_iterator(feed_dir)) {
			if (entry.path().extension() == ".ndjson") {
				files_on_disk.insert(entry.path().filename().string());
			}
		}
		std::set<std::string> ids;
		std::vector<std::string> refs;
		for (const json &output : manifest["output"]) {
			const std::string url = output["url"];
			const std::string type = output["type"];
			files_listed.insert(url);
			EXPECT_EQ(url, type + ".ndjson");
			const auto lines = ReadLines(feed_dir / url);
			EXPECT_EQ(output["count"], lines.size());
			for (const std::string &line : lines) {
				const json resource = json::parse(line);
				ASSERT_EQ(resource["resourceType"], type);
				ASSERT_TRUE(resource["id"].is_string());
				ASSERT_TRUE(ids.insert(type + "/" + resource["id"].get<std::string>()).second);
				CollectReferences(resource, refs);
			}
		}
		EXPECT_EQ(files_listed, files_on_disk) << feed;
		for (const char *type : {"Organization", "Practitioner", "Patient", "Encounter", "Condition"}) {
			EXPECT_EQ(files_listed.count(std::string(type) + ".ndjson"), 1u) << feed << " has no " << type;
		}
		for (const std::string &ref : refs) {
			ASSERT_EQ(ids.count(ref), 1u) << feed << ": reference " << ref << " does not resolve";
		}
	}
}
