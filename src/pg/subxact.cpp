// Internal subtransactions (pg_duckdb's SPI_run_utility_command pattern as a function).
#include <exception>
#include <string>

#include "pg/entry.hpp"
#include "pg/subxact.hpp"

#include "pg/postgres.hpp"

namespace hdl::pg {

namespace {

struct StepCall {
	StepFn step;
	void *arg;
};

// The step runs behind CallCpp so a C++ exception becomes a Postgres ERROR inside the
// subtransaction, and both kinds of failure are handled alike by PG_CATCH below.
Datum
RunStep(StepCall *call) {
	call->step(call->arg);
	return (Datum) 0;
}

} // namespace

bool
StepError::interrupted() const noexcept {
	return failed && ERRCODE_TO_CATEGORY(sqlstate) == ERRCODE_OPERATOR_INTERVENTION;
}

StepError
InSubtransaction(StepFn step, void *arg) noexcept {
	MemoryContext caller_memory = CurrentMemoryContext;
	ResourceOwner caller_owner = CurrentResourceOwner;
	StepCall call {step, arg};
	ErrorData *volatile edata = nullptr;

	BeginInternalSubTransaction(nullptr);
	MemoryContextSwitchTo(caller_memory);
	PG_TRY();
	{
		CallCpp("InSubtransaction", RunStep, &call);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(caller_memory);
		CurrentResourceOwner = caller_owner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(caller_memory);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(caller_memory);
		CurrentResourceOwner = caller_owner;
	}
	PG_END_TRY();

	StepError result;
	if (edata != nullptr) {
		// Copy out of palloc memory; a bad_alloc here would be a bug we accept to abort on.
		result.failed = true;
		result.sqlstate = edata->sqlerrcode;
		result.message = edata->message ? edata->message : "";
		result.detail = edata->detail ? edata->detail : "";
		result.hint = edata->hint ? edata->hint : "";
		result.context = edata->context ? edata->context : "";
		FreeErrorData(edata);
	}
	return result;
}

} // namespace hdl::pg
