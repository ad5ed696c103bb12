// The dynamic worker of one ETL run (style guide 4.1). Three transactions, so the status trail
// survives any failure of the job: mark the run running; run the body under the job's advisory
// lock and timeout (statement_timeout's timer); record the result. A FATAL (terminate, crash)
// leaves the run "running": the launcher notices the worker stopped and marks it failed.
#include <cstdio>
#include <cstring>

#include "pg/entry.hpp"

#include "etl/body.hpp"
#include "etl/runner.hpp"
#include "pg/postgres.hpp"

extern "C" {
#include "executor/spi.h"
#include "pgstat.h"
#include "storage/ipc.h"
#include "tcop/tcopprot.h"
#include "utils/snapmgr.h"
#include "utils/acl.h"
#include "utils/timeout.h"

PGDLLEXPORT void hdl_etl_run_main(Datum arg);
}

namespace hdl::etl {

namespace {

struct RunState {
	int64 run_id;
	int64 job_id;
	int64 timeout_ms;
	RunSpec spec;
	RunResult result;
	bool failed;
	char sqlstate[6];
	char *error;
	char *detail;
	char *hint;
	char *context; // the errcontext lines: which resource, column, object, statement
};

void
BeginTx(const char *activity) {
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	pgstat_report_activity(STATE_RUNNING, activity);
}

void
EndTx() {
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_activity(STATE_IDLE, nullptr);
}

// Transaction 1: pending -> running. False when the run is no longer pending.
bool
StartRun(RunState *st) {
	BeginTx("hdl etl run: start");
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "hdl: SPI_connect failed");
	Oid argtypes[2] = {INT8OID, INT4OID};
	Datum values[2] = {Int64GetDatum(st->run_id), Int32GetDatum(MyProcPid)};
	int rc = SPI_execute_with_args("SELECT kind, timeout_ms, job_id FROM hdl._etl_run_start($1, $2)", 2,
	                               argtypes, values, nullptr, false, 1);
	bool started = false;
	if (rc == SPI_OK_SELECT && SPI_processed == 1) {
		bool isnull;
		(void)SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull) {
			st->timeout_ms =
			    DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
			st->job_id =
			    DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull));
			started = LoadRunSpec(st->run_id, &st->spec, TopMemoryContext);
		}
	}
	SPI_finish();
	EndTx();
	return started;
}

// Transaction 2: the job itself. An ERROR (including the timeout's cancel) is caught here and
// kept for transaction 3; no C++ object lives in this function.
void
ExecuteRun(RunState *st) {
	char activity[200];
	snprintf(activity, sizeof(activity), "hdl etl run %lld: %s job", static_cast<long long>(st->run_id),
	         st->spec.kind);
	PG_TRY();
	{
		BeginTx(activity);
		enable_timeout_after(STATEMENT_TIMEOUT, static_cast<int>(Min(st->timeout_ms, (int64)INT_MAX)));
		// Waits for a manual run of the same job to finish (within the timeout).
		(void)DirectFunctionCall2(pg_advisory_xact_lock_int4, Int32GetDatum(LOCK_CLASS),
		                          Int32GetDatum(static_cast<int32>(st->job_id % PG_INT32_MAX)));
		// The worker acts as the job's owner, as SET ROLE would: what the job audits (mart refreshes,
		// imports, exports, S3 reads) names the owner, not the launcher's superuser.
		Oid owner = get_role_oid(st->spec.owner, true);
		if (OidIsValid(owner))
			SetCurrentRoleId(owner, superuser_arg(owner));
		RunBody(&st->spec, &st->result);
		SetCurrentRoleId(InvalidOid, false);
		disable_timeout(STATEMENT_TIMEOUT, false);
		EndTx();
	}
	PG_CATCH();
	{
		HOLD_INTERRUPTS();
		disable_all_timeouts(false);
		QueryCancelPending = false;
		MemoryContextSwitchTo(TopMemoryContext);
		ErrorData *edata = CopyErrorData();
		EmitErrorReport(); // the server log keeps the error as well
		FlushErrorState();
		AbortCurrentTransaction();
		SetCurrentRoleId(InvalidOid, false); // back to the worker's own role for transaction 3
		pgstat_report_activity(STATE_IDLE, nullptr);
		st->failed = true;
		strlcpy(st->sqlstate, unpack_sql_state(edata->sqlerrcode), sizeof(st->sqlstate));
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED && st->timeout_ms > 0)
			st->error =
			    psprintf("%s (the job's timeout is %lld ms)", edata->message ? edata->message : "canceled",
			             static_cast<long long>(st->timeout_ms));
		else
			st->error = pstrdup(edata->message ? edata->message : "unknown error");
		st->detail = edata->detail ? pstrdup(edata->detail) : nullptr;
		st->hint = edata->hint ? pstrdup(edata->hint) : nullptr;
		st->context = edata->context ? pstrdup(edata->context) : nullptr;
		FreeErrorData(edata);
		RESUME_INTERRUPTS();
	}
	PG_END_TRY();
}

// Transaction 3: the result (NOTIFY hdl_etl goes out when it commits).
void
FinishRun(RunState *st) {
	BeginTx("hdl etl run: finish");
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "hdl: SPI_connect failed");
	Oid argtypes[8] = {INT8OID, INT8OID, INT8OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum values[8] = {Int64GetDatum(st->run_id),
	                   Int64GetDatum(st->result.rows_in),
	                   Int64GetDatum(st->result.rows_out),
	                   (Datum)0,
	                   (Datum)0,
	                   (Datum)0,
	                   (Datum)0,
	                   (Datum)0};
	char nulls[9] = "        ";
	if (!st->result.has_rows_in || st->failed)
		nulls[1] = 'n';
	if (!st->result.has_rows_out || st->failed)
		nulls[2] = 'n';
	if (st->failed) {
		values[3] = CStringGetTextDatum(st->sqlstate);
		values[4] = CStringGetTextDatum(st->error);
		const char *optional[3] = {st->detail, st->hint, st->context};
		for (int i = 0; i < 3; i++) {
			if (optional[i] != nullptr)
				values[5 + i] = CStringGetTextDatum(optional[i]);
			else
				nulls[5 + i] = 'n';
		}
	} else {
		nulls[3] = nulls[4] = nulls[5] = nulls[6] = nulls[7] = 'n';
	}
	int rc = SPI_execute_with_args("SELECT hdl._etl_run_finish($1, $2, $3, $4, $5, $6, $7, $8)", 8, argtypes, values,
	                               nulls, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "hdl: could not record the result of ETL run %lld", static_cast<long long>(st->run_id));
	SPI_finish();
	EndTx();
}

void
RunMain(Datum arg) {
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	Oid database;
	memcpy(&database, MyBgworkerEntry->bgw_extra, sizeof(Oid));
	BackgroundWorkerInitializeConnectionByOid(database, InvalidOid, 0);

	RunState *st = static_cast<RunState *>(MemoryContextAllocZero(TopMemoryContext, sizeof(RunState)));
	st->run_id = DatumGetInt64(arg);
	if (StartRun(st)) {
		ExecuteRun(st);
		FinishRun(st);
	}
	proc_exit(0);
}

} // namespace

BackgroundWorkerHandle *
StartRunWorker(int64 run_id, const char *job_name, MemoryContext into) {
	BackgroundWorker worker;
	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	strlcpy(worker.bgw_library_name, "hdl", BGW_MAXLEN);
	strlcpy(worker.bgw_function_name, "hdl_etl_run_main", BGW_MAXLEN);
	snprintf(worker.bgw_name, BGW_MAXLEN, "hdl etl run %lld (%s)", static_cast<long long>(run_id), job_name);
	strlcpy(worker.bgw_type, "hdl etl run", BGW_MAXLEN);
	worker.bgw_main_arg = Int64GetDatum(run_id);
	memcpy(worker.bgw_extra, &MyDatabaseId, sizeof(Oid));
	worker.bgw_notify_pid = MyProcPid;
	MemoryContext old = MemoryContextSwitchTo(into);
	BackgroundWorkerHandle *handle = nullptr;
	bool ok = RegisterDynamicBackgroundWorker(&worker, &handle);
	MemoryContextSwitchTo(old);
	return ok ? handle : nullptr;
}

} // namespace hdl::etl

// Background worker entry (bgw_function_name): the boundary turns any C++ exception into an ERROR.
extern "C" void
hdl_etl_run_main(Datum arg) {
	hdl::pg::CallCpp("hdl_etl_run_main", hdl::etl::RunMain, arg);
}
