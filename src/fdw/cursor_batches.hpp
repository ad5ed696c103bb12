// Query results read in batches of text cells through an SPI cursor, for exports that stream rows
// to S3 without holding them all. C-style Postgres code: call these through pg::Guard when C++
// objects are alive.
#pragma once

#include "pg/postgres.hpp"

extern "C" {
#include "executor/spi.h"
}

namespace hdl::fdw {

// One batch: rows x cols text cells (nullptr for SQL NULL), allocated in the batch context.
struct Batch {
	int rows;
	int cols;
	char **cells;
};

// Column names of a cursor's result.
struct Header {
	int cols;
	char **names;
};

// Opens a cursor on sql with nargs parameters (nulls as SPI takes them: 'n' for NULL, ' ' else, or
// nullptr for none). read_only cursors see the calling statement's snapshot, so several of them
// read one consistent state of the lake.
Portal OpenCursor(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls, bool read_only,
                  Header *header);

// Fetches up to 1000 rows into cxt (which it resets first); rows == 0 at the end.
void FetchBatch(Portal portal, MemoryContext cxt, Batch *out);

} // namespace hdl::fdw
