// Statements on one partition of hdl_lake.resource, prepared once per partition and backend:
// on a plain table their generic plans are cheap, where the same statements over the
// partitioned parent are planned again at every call (partition pruning needs the values).
#pragma once
#include <string>

#include "pg/spi.hpp"

namespace hdl::ingest {

struct PartitionStatements {
	std::string lock_sql, find_sql, upsert_sql, read_sql, read_one_sql, changes_sql;  // the plans point at these texts
	// $1 type, $2 ids: locks the rows that exist (in id order) and returns id, version, source_id.
	pg::CachedPlan lock;
	// $1 type, $2 identifier pattern (jsonb), $3 the caller's organisation's sources: its ids found.
	pg::CachedPlan find;
	// $1 type, $2 ids, $3 versions, $4 patients, $5 resources, $6 last_updated, $7 source, $8 batch,
	// $9 the caller's organisation's sources: inserts, or updates current rows of the caller's whose
	// version follows the stored one; returns the ids written.
	pg::CachedPlan upsert;
	// $1 type, $2 ids: id and resource of those that exist.
	pg::CachedPlan read;
	// $1 type, $2 id: its resource (hdl.read).
	pg::CachedPlan read_one;
	// (history partitions) $1 type, $2 since, $3 upto (pg_snapshot), $4 own (xid8): id and
	// resource of the newest version of each resource changed after `since` and seen by `upto`
	// or written by `own` (marts' incremental refresh).
	pg::CachedPlan changes;
};

// The statements of the partition named `qualified_name` (its oid keys the cache).
PartitionStatements &StatementsFor(Oid partition, const std::string &qualified_name);

} // namespace hdl::ingest
