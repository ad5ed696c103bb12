// The row source shared by foreign scans and ANALYZE: objects in, rows of the table's columns
// out. PG side: FdwScan is palloc'd POD; its C++ half (client, reader) is owned by the scan's
// memory context, so an ERROR that resets the context frees it.
#pragma once
#include "fdw/options.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "foreign/fdwapi.h"
#include "nodes/pg_list.h"
}

namespace hdl::fdw {

// fdw_private of a ForeignScan plan, by position.
enum FdwPrivateIndex {
	PRIVATE_KEYS,      // List of String: the object keys to read, after pruning
	PRIVATE_SIZES,     // List of String: their sizes in bytes
	PRIVATE_ATTRS,     // List of Integer: attnums the query references
	PRIVATE_LISTED,    // Integer: objects before pruning
	PRIVATE_PRUNING,   // String: what pruned objects ("" when nothing did)
	PRIVATE_LOCATION,  // String: s3://bucket/prefix-or-key
	PRIVATE_COUNT
};

struct AttrPlan {
	ColumnSource source;
	bool needed;
	int npath;
	char **path; // JSON key path
	Oid typid;
	FmgrInfo infunc;
	Oid ioparam;
	int32 typmod;
	int csv_index; // field position in the current object's records, -1 when absent
	const char *name;
	const char *field; // CSV field name
};

struct ScanCpp; // C++ half, defined in scan.cpp

struct FdwScan {
	ScanCpp *cpp;
	int natts;
	AttrPlan *attrs;
	Format format;
	bool parse_json;
	bool csv_by_position;
	uint64 line;          // line of the record being converted, for the error context
	const char *column;   // column being converted, for the error context
	char object[1100];    // s3://bucket/key of the object being read
	ErrorContextCallback errcb;
	Oid relid;
	uint64 rows_returned; // for the scan's s3_read audit entry
	const char *location; // s3://bucket/prefix-or-key the plan reads
};

// Creates the scan in cxt: attrs_used NIL reads every column; keys NIL lists the table's objects.
FdwScan *ScanCreate(Relation rel, Oid userid, List *keys, List *sizes, List *attrs_used, MemoryContext cxt);
// Fills values/nulls with the next row; false at the end. Push fs->errcb around calls.
bool ScanNext(FdwScan *fs, Datum *values, bool *nulls);
void ScanRewind(FdwScan *fs);
uint64 ScanBytesRead(FdwScan *fs);
uint64 ScanTotalBytes(FdwScan *fs);

// FDW callbacks (extern "C"-compatible noexcept shims), wired up by the handler.
void BeginScan(ForeignScanState *node, int eflags) noexcept;
TupleTableSlot *IterateScan(ForeignScanState *node) noexcept;
void ReScan(ForeignScanState *node) noexcept;
void EndScan(ForeignScanState *node) noexcept;
bool AnalyzeTable(Relation relation, AcquireSampleRowsFunc *func, BlockNumber *totalpages) noexcept;

} // namespace hdl::fdw
