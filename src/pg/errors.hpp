// Error kinds -> SQLSTATE, and the POD hand-off that carries a caught C++ exception out of its
// catch block so that ereport runs only after every C++ object is gone (style guide 3.2).
#pragma once
#include <exception>

#include "core/error.hpp"

namespace hdl::pg {

// Postgres's packed SQLSTATE (MAKE_SQLSTATE) for an error kind; one table, in errors.cpp.
int SqlStateFor(ErrorKind kind) noexcept;

// hdl's own SQLSTATE for FHIR validation failures (class 22, implementation-defined subclass).
int FhirInvalidSqlState() noexcept;

struct PendingError {
	int sqlstate;
	bool from_postgres; // a converted Postgres error (PgError): its detail may quote anything
	bool about_setup;   // keys, settings, limits, privileges: not about submitted content
	char message[4096];
	char detail[65536]; // OperationOutcomes can be long
	char log_detail[16384]; // the server log's detail instead of detail; "" when detail may be logged
	char hint[1024];
	char context[1024];
};

// Fill the process-wide pending error (backends are single-threaded); no palloc, no ereport.
PendingError &CapturePending(const std::exception &e) noexcept;
PendingError &CapturePending(int sqlstate, const char *message) noexcept;

// True for the entry points that take submitted content (hdl.ingest, hdl.ingest_bundle,
// hdl.import_s3), whose errors go through WithholdSubmittedValues.
bool TakesSubmittedContent(const char *entry) noexcept;

// For calls about submitted content (ingest): the message and context keep no quoted value, and
// the server log gets a detail without values (docs/errors.md, "What reaches the log").
void WithholdSubmittedValues(PendingError &pe) noexcept;

// ereport(ERROR) from the pending error, with errhidestmt (the statement may carry what the
// caller passed); must be called outside any try/catch scope.
[[noreturn]] void RaisePending(const PendingError &pe, const char *entry) noexcept;

} // namespace hdl::pg
