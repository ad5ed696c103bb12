// Bulk inserts straight into a table's heap and indexes, as COPY FROM does: no planning, no
// executor start-up, no partition routing. For rows hdl produces itself (lake versions, mart
// rows) into tables it owns.
#pragma once
#include <cstdint>
#include <vector>

// Postgres's own typedefs (postgres_ext.h, c.h), repeated so that this header can come before
// the core headers that refuse to follow postgres.h.
typedef unsigned int Oid;
typedef uintptr_t Datum;

namespace hdl::pg {

// Rows to insert into one plain table: values[row * columns.size() + column], datums of the
// columns' types. `columns` must name exactly the table's columns, in any order.
struct DirectRows {
	Oid table = 0;
	std::vector<const char *> columns;
	std::vector<Datum> values;
	std::vector<char> nulls; // 1 = NULL
	// Leave the indexes alone: the caller rebuilds them afterwards (RebuildIndexes), which for a
	// bulk load into an empty table is far cheaper than inserting every key one by one.
	bool skip_indexes = false;
	// A bulk load's state kept across its batches (NewBulkInsert), or null.
	void *bulk = nullptr;
};

// A bulk load's state for DirectRows::bulk: Postgres's BulkInsertState (the current target page
// stays pinned across batches) and the batches' working memory, kept from batch to batch; freed
// with FreeBulkInsert or with the transaction's memory.
void *NewBulkInsert();
void FreeBulkInsert(void *bulk);

// Inserts the rows with table_multi_insert and maintains every index (unique ones checked),
// checking the table's constraints. Refuses tables with INSERT triggers (they would be skipped)
// and columns it was not given. Raises (PgError) on any Postgres error.
void InsertDirect(const DirectRows &rows);

// True when the table has no pages at all (just created or truncated in this transaction).
bool TableIsEmpty(Oid table);

// REINDEX of every index of the table (sort-based builds), checking unique constraints.
void RebuildIndexes(Oid table);

} // namespace hdl::pg
