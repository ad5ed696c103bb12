// The lake's tables as ingestion writes them: the partition of each resource type, found from
// Postgres's own partition bounds, and bulk inserts straight into a table's heap and indexes
// (what COPY does), for rows that cannot conflict. Statements over the partitioned parents pay
// planning and executor start-up over every partition; ingestion touches a few rows of a few.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

// Postgres's own typedefs (postgres_ext.h, c.h), repeated so that this header can come before
// the core headers that refuse to follow postgres.h.
typedef unsigned int Oid;
typedef uintptr_t Datum;

namespace hdl::ingest::lake {

struct Partitions {
	Oid current = 0;  // the hdl_lake.resource partition holding the type
	Oid history = 0;  // the hdl_lake.resource_history partition
	std::string current_name;  // schema-qualified, quoted: for statements on the partition
};

// The leaf partitions that hold `type` (the default partition when no list names it).
// Raises (PgError) when the lake is partitioned further than one level.
Partitions PartitionsOf(const std::string &type);

// A table's oid by schema and name (raises when it does not exist).
Oid TableOid(const char *schema, const char *name);

// Rows to insert into one plain table: values[row * columns.size() + column], datums of the
// columns' types. `columns` must name exactly the table's columns, in any order.
struct DirectRows {
	Oid table = 0;
	std::vector<const char *> columns;
	std::vector<Datum> values;
	std::vector<char> nulls;  // 1 = NULL
};

// Inserts the rows with table_multi_insert and maintains every index (unique ones checked),
// checking the table's constraints. Refuses tables with INSERT triggers (they would be skipped).
void InsertDirect(const DirectRows &rows);

} // namespace hdl::ingest::lake
