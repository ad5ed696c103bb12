// The Postgres implementation of hdl::ingest::Store: SPI with plans prepared once per backend,
// every Postgres call behind pg::Guard (the pipeline holds C++ objects while it calls us).
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/ingest/store.hpp"
#include "ingest/lake_tables.hpp"

namespace hdl::ingest {

class SpiStore : public Store {
public:
	// source_id and role come from CurrentSource(), called before any C++ object exists.
	SpiStore(int source_id, std::string role, std::string org_code, std::string pseudonym_key_id,
	         std::string vault_key_id, std::string vault_secret)
	    : source_id_(source_id), role_(std::move(role)), org_code_(std::move(org_code)),
	      pseudonym_key_id_(std::move(pseudonym_key_id)),
	      vault_key_id_(std::move(vault_key_id)), vault_secret_(std::move(vault_secret)) {
	}

	int64_t NowMicros() override;
	std::vector<CurrentVersion> LockAndReadVersions(const std::vector<ResourceKey> &keys) override;
	std::vector<std::string> FindByIdentifier(const RequestUrl &search) override;
	int64_t NewBatch() override;
	std::vector<bool> Write(int64_t batch, const std::vector<WriteRow> &rows) override;
	void FinishBatch(int64_t batch, const BatchSummary &summary) override;
	std::string FindLinkedPseudonym(const std::vector<std::string> &link_hashes) override;
	bool PseudonymKnown(const std::string &pseudonym) override;
	std::string OwnPatientPseudonym(const std::string &record_id) override;
	void SaveIdentity(const std::string &subject, const std::string &vault_json,
	                  const std::vector<std::string> &link_hashes) override;

private:
	const lake::Partitions &PartitionOf(const std::string &type);
	const std::vector<int32_t> &OwnSources();
	void RecordCatalogue(int64_t batch, const BatchSummary &summary);

	int source_id_;
	std::string role_;
	std::string org_code_;
	std::string pseudonym_key_id_;
	std::string vault_key_id_;
	std::string vault_secret_;
	// No per-batch state here: what a batch stored is the pipeline's BatchSummary (FinishBatch).
	std::map<std::string, lake::Partitions> partitions_; // by resource type, for this call
	// The sources of the caller's organisation (its own role and gateways acting for it): their
	// records are the caller's (docs/ingest.md, "Ownership"). Loaded on first use.
	std::vector<int32_t> own_sources_;
};

struct CallerSource {
	int source_id;
	char role[64];
	char org_code[32];
};

// The registered source of the calling role (the outer role: SET ROLE or the login role),
// using the JWT claim hdl_org for gateway roles. Raises 42501 with a hint when the caller is
// not a registered source. SPI must be connected. C-style: call it before C++ objects exist.
CallerSource CurrentSource(void);

} // namespace hdl::ingest
