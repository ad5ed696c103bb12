// Dynamic background workers that execute one ETL run each (started by the launcher).
#pragma once

#include "pg/postgres.hpp"

extern "C" {
#include "postmaster/bgworker.h"
}

namespace hdl::etl {

// Registers the worker for a pending run in the current database, reporting to this process.
// Returns nullptr when no background worker slot is free. The handle is palloc'd in `into`.
BackgroundWorkerHandle *StartRunWorker(int64 run_id, const char *job_name, MemoryContext into);

} // namespace hdl::etl
