// What the ingest pipeline needs from the database, as an interface: the Postgres
// implementation (src/ingest/spi_store.cpp) calls SPI behind pg::Guard; unit tests use a fake.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/fhir/element_paths.hpp"
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
	bool fresh = false;     // a new server-assigned UUID: nothing can exist or race under it
	std::string patient;    // the patient (pseudonym id) whose compartment holds it, or empty
	std::string_view jsonb; // the stored resource, encoded as a jsonb varlena (owned by the caller)
};

// The current version of a stored resource and whether it is the caller's: every stored
// resource belongs to the source (organisation) that created it (docs/ingest.md, "Ownership").
struct CurrentVersion {
	int version = 0; // 0: not stored yet
	bool own = true; // false: another source's record, which the caller may not change
};

struct TypeCounts {
	int created = 0; // versions 1
	int updated = 0; // later versions
};

// What one batch stored, kept by the pipeline as each write succeeds: the batch row, its audit
// entry and its catalogue increments are made from it alone, so nothing written by a call (or an
// import line) that was rolled back can be counted.
struct BatchSummary {
	std::string kind;                       // resource | transaction | batch | import
	std::map<std::string, TypeCounts> counts; // stored versions by resource type
	std::vector<std::string> versions;      // every stored Type/id/_history/version
	hdl::fhir::ElementStats elements;       // element paths of the stored versions
	int stored = 0;
	int rejected = 0;

	// Adds another summary's counts (an import's committed lines, into their object's batch).
	void Merge(const BatchSummary &other);
};

class Store {
public:
	virtual ~Store() = default;
	// The transaction's start time in microseconds since the Unix epoch: every resource written
	// in this call gets it as meta.lastUpdated.
	virtual int64_t NowMicros() = 0;
	// Locks the current rows of these keys until the end of the transaction (row locks, in key
	// order) and returns each key's current version (0 when it does not exist yet) and owner. Keys
	// that do not exist are not locked: a concurrent create of the same key is caught by Write.
	virtual std::vector<CurrentVersion> LockAndReadVersions(const std::vector<ResourceKey> &keys) = 0;
	// Ids of the caller's own current resources of search.type carrying the searched identifier
	// (at most 2): other sources' records are never searched, so a search reveals nothing of them.
	virtual std::vector<std::string> FindByIdentifier(const RequestUrl &search) = 0;
	// A new ingest batch id for the calling source.
	virtual int64_t NewBatch() = 0;
	// Writes current rows and history rows (the change log) of one batch; keys are unique. A row
	// is written only when its version follows the stored one (or it is new) and the stored one
	// is the caller's; returns, per row, whether it was written. A false means a concurrent
	// transaction created or changed the resource first: the caller re-reads the version (and
	// owner) and tries again.
	virtual std::vector<bool> Write(int64_t batch, const std::vector<WriteRow> &rows) = 0;
	virtual void FinishBatch(int64_t batch, const BatchSummary &summary) = 0;

	// The identity vault. Links are keyed hashes (see core/ingest/patients.hpp), never plain
	// identifiers. Returns the pseudonym of the first linked hash, or empty.
	virtual std::string FindLinkedPseudonym(const std::vector<std::string> &link_hashes) = 0;
	// The pseudonym of the caller's own Patient record with this lake id, or empty when the caller
	// has no such record (another source's record is never found: docs/ingest.md, "Patients").
	virtual std::string OwnPatientPseudonym(const std::string &record_id) = 0;
	// True when a Patient with this pseudonym is in the vault.
	virtual bool PseudonymKnown(const std::string &pseudonym) = 0;
	// Stores (encrypted) the identity taken from a Patient or RelatedPerson, and its links.
	virtual void SaveIdentity(const std::string &subject, const std::string &vault_json,
	                          const std::vector<std::string> &link_hashes) = 0;
};

} // namespace hdl::ingest

#include "core/cpp_only.hpp"
