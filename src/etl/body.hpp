// The body of one ETL run, shared by the dynamic worker (runner.cpp) and hdl.run_job_now
// (jobs.cpp), so a manual run executes exactly what the scheduler would.
#pragma once

#include "pg/postgres.hpp"

namespace hdl::etl {

// Lock class of the "one active run per job" advisory locks (hdl._etl_lock_class() in etl.sql).
constexpr int32 LOCK_CLASS = 6841452;

// POD only: it lives across transactions in the worker and in palloc'd memory.
struct RunSpec {
	char kind[16];
	char owner[NAMEDATALEN];
	char *target;  // palloc'd
	char *options; // jsonb as text, palloc'd
};

struct RunResult {
	bool has_rows_in;
	int64 rows_in;
	bool has_rows_out;
	int64 rows_out;
};

// Loads the job of a run into spec (strings palloc'd in `into`); false when the run or its job
// is gone. Needs SPI connected, inside a transaction.
bool LoadRunSpec(int64 run_id, RunSpec *spec, MemoryContext into);

// Runs the job as its owner with search_path "$user", public. PG-side code (may ereport, holds
// no C++ objects): the caller provides the transaction or subtransaction and the advisory lock.
void RunBody(const RunSpec *spec, RunResult *result);

} // namespace hdl::etl
