// What the ingest pipeline needs from the database, as an interface: the Postgres
// implementation (src/ingest/spi_store.cpp) calls SPI behind pg::Guard; unit tests use a fake.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/ingest/request.hpp"

namespace hdl::ingest {

struct ResourceKey {
	std::string type;
	std::string id;
};

struct WriteRow {
	std::string type;
	std::string id;
	int version = 0;
	bool create = true;
	std::string patient;    // the patient (pseudonym id) whose compartment holds it, or empty
	std::string jsonb;      // the stored resource, encoded as a jsonb varlena
};

struct BatchSummary {
	std::string kind;       // resource | transaction | batch | import
	nlohmann::json counts;  // {"Patient": 1, ...} of stored resources
	int stored = 0;
	int rejected = 0;
};

class Store {
public:
	virtual ~Store() = default;
	// The transaction's start time in microseconds since the Unix epoch: every resource written
	// in this call gets it as meta.lastUpdated.
	virtual int64_t NowMicros() = 0;
	// Locks each key until the end of the transaction (in a deadlock-free order) and returns
	// each key's current version, 0 when it does not exist yet.
	virtual std::vector<int> LockAndReadVersions(const std::vector<ResourceKey> &keys) = 0;
	// Serialises conditional creates and updates that run the same search concurrently.
	virtual void LockSearch(const RequestUrl &search) = 0;
	// Ids of the current resources of search.type carrying the searched identifier.
	virtual std::vector<std::string> FindByIdentifier(const RequestUrl &search) = 0;
	// A new ingest batch id for the calling source.
	virtual int64_t NewBatch() = 0;
	// Writes current rows and history rows (the change log) of one batch; keys are unique.
	virtual void Write(int64_t batch, const std::vector<WriteRow> &rows) = 0;
	virtual void FinishBatch(int64_t batch, const BatchSummary &summary) = 0;

	// The identity vault. Links are keyed hashes (see core/ingest/patients.hpp), never plain
	// identifiers. Returns the pseudonym of the first linked hash, or empty.
	virtual std::string FindLinkedPseudonym(const std::vector<std::string> &link_hashes) = 0;
	// True when a Patient with this pseudonym is in the vault.
	virtual bool PseudonymKnown(const std::string &pseudonym) = 0;
	// Stores (encrypted) the identity taken from a Patient or RelatedPerson, and its links.
	virtual void SaveIdentity(const std::string &subject, const std::string &vault_json,
	                          const std::vector<std::string> &link_hashes) = 0;
};

} // namespace hdl::ingest

#include "core/cpp_only.hpp"
