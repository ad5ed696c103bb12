// Internal to the ingest pipeline: one Bundle entry (or single resource) as it moves through
// the pipeline, and the Bundle-protocol steps around it: reading entry requests, placing
// validation problems on their entries, and the response entry.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/ingest/outcome.hpp"
#include "core/ingest/patients.hpp"
#include "core/ingest/request.hpp"
#include "core/json/node.hpp"
#include "core/json/value.hpp"

namespace hdl::ingest::detail {

using hdl::json::Value;

struct Entry {
	size_t index = 0;
	std::string prefix; // FHIRPath of the entry, e.g. Bundle.entry[3]
	std::string full_url;
	std::string method;
	RequestUrl url;
	std::optional<RequestUrl> if_none_exist;
	std::optional<int> if_match;
	hdl::json::Node node;
	std::string type;
	std::string id;
	bool matched_existing = false; // conditional create found the resource: nothing to write
	bool fresh_id = false;         // a new server-assigned UUID: cannot exist yet
	int version = 0;
	bool create = true;
	Value dom; // the editable copy (references, pseudonyms, meta), made from node when needed
	bool has_dom = false;
	PatientIdentity identity;        // Patients: pseudonym, links and what goes to the vault
	std::string local_id;            // Patients: the provider's own id of the patient, or empty
	std::vector<PendingIdentity> vault_saves; // other identities to store once it is written
	std::vector<Problem> problems;
	std::string jsonb;

	bool
	failed() const {
		return !problems.empty();
	}
	void
	problem(std::string code, std::string message, std::string where) {
		Problem p;
		p.code = std::move(code);
		p.message = std::move(message);
		p.expression = where.empty() ? prefix : prefix + "." + where;
		problems.push_back(std::move(p));
	}
};

// "Type/id".
std::string Key(const std::string &type, const std::string &id);

// The entries of a Bundle with their requests read and checked (POST and PUT only).
std::vector<Entry> ReadEntries(const hdl::json::Node &bundle);

// Puts each validation problem under "Bundle.entry[i]" on entry i; the rest are the Bundle's own.
void BucketValidation(std::vector<Entry> &entries, const std::vector<Problem> &problems,
                      std::vector<Problem> &bundle_level);

// The transaction-response / batch-response entry of one entry.
Value ResponseEntry(const Entry &e, const std::string &last_updated);

} // namespace hdl::ingest::detail

#include "core/cpp_only.hpp"
