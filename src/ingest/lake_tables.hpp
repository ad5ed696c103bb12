// The lake's tables as ingestion writes them: the partition of each resource type, found from
// Postgres's own partition bounds, written with pg::InsertDirect (what COPY does) for rows that
// cannot conflict. Statements over the partitioned parents pay planning and executor start-up
// over every partition; ingestion touches a few rows of a few.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "pg/direct_insert.hpp"

namespace hdl::ingest::lake {

struct Partitions {
	Oid current = 0;  // the hdl_lake.resource partition holding the type
	Oid history = 0;  // the hdl_lake.resource_history partition
	std::string current_name;  // schema-qualified, quoted: for statements on the partition
	std::string history_name;
};

// The leaf partitions that hold `type` (the default partition when no list names it). Locks the
// parents for writing (RowExclusiveLock), or only for reading. Raises (PgError) when the lake is
// partitioned further than one level.
Partitions PartitionsOf(const std::string &type, bool for_write = true);

// A table's oid by schema and name (raises when it does not exist).
Oid TableOid(const char *schema, const char *name);

using pg::DirectRows;
using pg::InsertDirect;

} // namespace hdl::ingest::lake
