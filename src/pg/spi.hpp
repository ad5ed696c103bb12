// SPI helpers for C++ callers: plans prepared once per backend, arrays built from C arrays,
// every call that can ereport behind pg::Guard (so it throws PgError instead of longjmp'ing).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "pg/postgres.hpp"

extern "C" {
#include "executor/spi.h"
}

namespace hdl::pg {

// A statement prepared on first use and kept for the backend's life (SPI_keepplan); the plan
// cache re-plans it after DDL, such as the extension being dropped and created again.
struct CachedPlan {
	const char *sql;
	int nargs;
	Oid argtypes[12];
	SPIPlanPtr plan;
};

// Prepares and keeps the plan on first use. PG-side (it can ereport): call it from code that
// runs inside pg::Guard or holds no C++ objects.
void EnsurePrepared(CachedPlan *plan);

// Runs the plan; returns the number of rows processed (results in SPI_tuptable).
uint64_t ExecutePlan(CachedPlan &plan, Datum *values, const char *nulls, bool read_only);

// Array datums from C++ data (NULL elements where the string is empty and empty_is_null).
Datum TextArray(const std::vector<const std::string *> &items, bool empty_is_null);
Datum Int4Array(const std::vector<int32_t> &items);
Datum JsonbArray(const std::vector<const std::string *> &encoded_jsonb);
Datum TextDatum(const std::string &s);

// Result access for row r, column c (1-based) of SPI_tuptable.
bool ResultIsNull(uint64_t r, int c);
int64_t ResultInt64(uint64_t r, int c);   // int2/int4/int8 columns
std::string ResultText(uint64_t r, int c);

} // namespace hdl::pg
