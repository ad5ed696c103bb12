// The ETL launcher (pg_cron's design, style guide 4.1): a static background worker connected to
// hdl.etl_database. Every hdl.etl_poll_interval (or when a worker starts or stops) it reads
// hdl.etl_job_state in one short transaction, reaps finished workers, marks runs whose worker
// is gone as failed, claims due runs and starts one dynamic worker for each. The job table is
// read on every tick, so job changes need no restart; SIGHUP reloads the settings. An ERROR
// ends the launcher and the postmaster starts it again (bgw_restart_time).
#include <cstdio>
#include <cstring>

#include "guc.hpp"
#include "pg/entry.hpp"

#include "etl/launcher.hpp"
#include "etl/runner.hpp"
#include "pg/postgres.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "executor/spi.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/array.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

PGDLLEXPORT void hdl_etl_launcher_main(Datum arg);
}

namespace hdl::etl {

namespace {

constexpr int MAX_TRACKED = 64; // hdl.etl_max_workers' maximum
constexpr int64 TIMEOUT_GRACE_MS = 5000;

struct Tracked {
	bool used;
	bool terminated; // we stopped it: it ran past its timeout
	int64 run_id;
	int64 timeout_ms;
	TimestampTz started;
	BackgroundWorkerHandle *handle; // palloc'd in TopMemoryContext
};

struct Claimed {
	int64 run_id;
	int64 timeout_ms;
	char job_name[NAMEDATALEN + 8];
};

Tracked tracked[MAX_TRACKED];
bool stale_checked = false; // the start-up repair, redone whenever the extension (re)appears
bool launcher_registered = false; // set in the postmaster, inherited by every backend
// The snapshot up to which committed ingest batches were announced (pg_snapshot text, in
// TopMemoryContext); NULL until the first tick, which announces nothing older.
char *announced_upto = nullptr;

// NOTIFY hdl_ingest for each ingest batch committed since the last tick, in this tick's
// transaction (docs/etl.md, "Notifications"): the ingest commits themselves notify nothing, so
// they do not queue on the notification lock that every notifying commit takes.
void
AnnounceBatches() {
	Oid argtypes[1] = {TEXTOID};
	Datum values[1] = {announced_upto != nullptr ? CStringGetTextDatum(announced_upto) : (Datum) 0};
	int rc = SPI_execute_with_args("SELECT hdl._ingest_announce($1::pg_catalog.pg_snapshot)::text", 1, argtypes,
	                               values, announced_upto != nullptr ? nullptr : "n", false, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "hdl: could not announce ingest batches");
	char *upto = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (upto == nullptr)
		elog(ERROR, "hdl: no snapshot from hdl._ingest_announce");
	char *kept = MemoryContextStrdup(TopMemoryContext, upto);
	if (announced_upto != nullptr)
		pfree(announced_upto);
	announced_upto = kept;
}

int
TrackedCount() {
	int n = 0;
	for (const Tracked &t : tracked)
		n += t.used ? 1 : 0;
	return n;
}

Datum
TrackedRunIds() {
	Datum ids[MAX_TRACKED];
	int n = 0;
	for (const Tracked &t : tracked)
		if (t.used)
			ids[n++] = Int64GetDatum(t.run_id);
	return PointerGetDatum(construct_array(ids, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

// The hdl extension exists here, in a version with the ETL capability.
bool
ExtensionInstalled() {
	int rc = SPI_execute("SELECT 1 FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'hdl' "
	                     "AND pg_catalog.to_regprocedure('hdl._etl_claim_due_runs(integer)') IS NOT NULL",
	                     true, 1);
	return rc == SPI_OK_SELECT && SPI_processed == 1;
}

int64
MarkStale(const char *reason) {
	Oid argtypes[2] = {INT8ARRAYOID, TEXTOID};
	Datum values[2] = {TrackedRunIds(), CStringGetTextDatum(reason)};
	int rc =
	    SPI_execute_with_args("SELECT hdl._etl_mark_stale($1, $2)", 2, argtypes, values, nullptr, false, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "hdl: could not mark stale ETL runs");
	bool isnull;
	return DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

void
FailRun(int64 run_id, const char *sqlstate, const char *reason) {
	Oid argtypes[3] = {INT8OID, TEXTOID, TEXTOID};
	Datum values[3] = {Int64GetDatum(run_id), CStringGetTextDatum(sqlstate), CStringGetTextDatum(reason)};
	int rc = SPI_execute_with_args("SELECT hdl._etl_run_finish($1, NULL, NULL, $2, $3, NULL)", 3, argtypes,
	                               values, nullptr, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "hdl: could not record the failure of ETL run %lld", static_cast<long long>(run_id));
}

// Finished workers leave the list; a run they left unfinished is failed. Runs past their
// timeout (plus a grace period: the worker cancels itself first) are terminated.
void
ReapWorkers() {
	TimestampTz now = GetCurrentTimestamp();
	for (Tracked &t : tracked) {
		if (!t.used)
			continue;
		pid_t pid;
		BgwHandleStatus status = GetBackgroundWorkerPid(t.handle, &pid);
		if (status == BGWH_STOPPED || status == BGWH_POSTMASTER_DIED) {
			char reason[200];
			if (t.terminated)
				snprintf(reason, sizeof(reason), "the run was terminated after its timeout of %lld ms",
				         static_cast<long long>(t.timeout_ms));
			else
				snprintf(reason, sizeof(reason),
				         "the background worker of the run exited before recording a result");
			FailRun(t.run_id, t.terminated ? "57014" : "57P01", reason); // no-op when the worker recorded one
			pfree(t.handle);
			t = Tracked {};
		} else if (!t.terminated &&
		           TimestampDifferenceExceeds(
		               t.started, now,
		               static_cast<int>(Min(t.timeout_ms + TIMEOUT_GRACE_MS, (int64)INT_MAX)))) {
			TerminateBackgroundWorker(t.handle);
			t.terminated = true;
		}
	}
}

int
ClaimDueRuns(Claimed *claimed, int max_runs) {
	Oid argtypes[1] = {INT4OID};
	Datum values[1] = {Int32GetDatum(max_runs)};
	int rc = SPI_execute_with_args("SELECT run_id, job_name, timeout_ms FROM hdl._etl_claim_due_runs($1)", 1,
	                               argtypes, values, nullptr, false, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "hdl: could not claim due ETL runs");
	int n = 0;
	for (uint64 i = 0; i < SPI_processed && n < max_runs; i++) {
		bool isnull;
		HeapTuple tuple = SPI_tuptable->vals[i];
		claimed[n].run_id = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &isnull));
		strlcpy(claimed[n].job_name, SPI_getvalue(tuple, SPI_tuptable->tupdesc, 2),
		        sizeof(claimed[n].job_name));
		claimed[n].timeout_ms = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 3, &isnull));
		n++;
	}
	return n;
}

// One look at the tables, in its own transaction. Returns the runs to start (committed, so
// their workers can read them).
int
Tick(Claimed *claimed) {
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "hdl: SPI_connect failed");
	PushActiveSnapshot(GetTransactionSnapshot());
	pgstat_report_activity(STATE_RUNNING, "hdl etl launcher: checking jobs");
	int n = 0;
	if (!ExtensionInstalled()) {
		stale_checked = false;
	} else {
		if (!stale_checked) {
			int64 stale =
			    MarkStale("the run was still marked running when the ETL launcher started, and its worker "
			              "is gone");
			if (stale > 0)
				ereport(LOG, (errmsg("hdl etl launcher marked %lld stale runs as failed",
				                     static_cast<long long>(stale))));
			stale_checked = true;
		}
		ReapWorkers();
		(void)MarkStale("the worker of the run is gone");
		AnnounceBatches();
		int free_slots = hdl::guc::etl_max_workers - TrackedCount();
		if (hdl::guc::etl_enabled && free_slots > 0)
			n = ClaimDueRuns(claimed, Min(free_slots, MAX_TRACKED));
	}
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_activity(STATE_IDLE, nullptr);
	return n;
}

void
StartClaimed(const Claimed *claimed, int n) {
	int64 failed[MAX_TRACKED];
	int n_failed = 0;
	for (int i = 0; i < n; i++) {
		BackgroundWorkerHandle *handle =
		    StartRunWorker(claimed[i].run_id, claimed[i].job_name, TopMemoryContext);
		if (handle == nullptr) {
			ereport(WARNING,
			        (errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
			         errmsg("could not start a background worker for ETL job \"%s\"", claimed[i].job_name),
			         errdetail("All background worker slots are in use; run %lld is marked failed.",
			                   static_cast<long long>(claimed[i].run_id)),
			         errhint("You might need to increase max_worker_processes.")));
			failed[n_failed++] = claimed[i].run_id;
			continue;
		}
		for (Tracked &t : tracked) {
			if (!t.used) {
				t = Tracked {true,  false, claimed[i].run_id, claimed[i].timeout_ms, GetCurrentTimestamp(),
				             handle};
				break;
			}
		}
	}
	if (n_failed == 0)
		return;
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "hdl: SPI_connect failed");
	PushActiveSnapshot(GetTransactionSnapshot());
	for (int i = 0; i < n_failed; i++)
		FailRun(failed[i], "53400",
		        "no background worker slot was free to run the job (max_worker_processes is too low)");
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
}

void
LauncherMain(Datum) {
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnection(hdl::guc::etl_database, nullptr, 0);
	pgstat_report_appname("hdl etl launcher");
	ereport(LOG, (errmsg("hdl etl launcher started in database \"%s\"", hdl::guc::etl_database)));

	MemoryContext tick_context =
	    AllocSetContextCreate(TopMemoryContext, "hdl etl launcher tick", ALLOCSET_DEFAULT_SIZES);
	static Claimed claimed[MAX_TRACKED];
	for (;;) {
		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending) {
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}
		MemoryContext old = MemoryContextSwitchTo(tick_context);
		int n = Tick(claimed);
		StartClaimed(claimed, n);
		MemoryContextSwitchTo(old);
		MemoryContextReset(tick_context);
		(void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, hdl::guc::etl_poll_interval,
		                PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}

} // namespace

bool
LauncherAnnouncesHere() {
	static int here = -1; // the database of a backend never changes, nor hdl.etl_database
	if (here < 0) {
		const char *name = get_database_name(MyDatabaseId);
		here = (launcher_registered && name != nullptr && hdl::guc::etl_database != nullptr &&
		        strcmp(name, hdl::guc::etl_database) == 0)
		           ? 1
		           : 0;
	}
	return here == 1;
}

void
RegisterLauncher() {
	launcher_registered = true;
	BackgroundWorker worker;
	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = 1; // seconds: back quickly after an ERROR or a kill
	strlcpy(worker.bgw_library_name, "hdl", BGW_MAXLEN);
	strlcpy(worker.bgw_function_name, "hdl_etl_launcher_main", BGW_MAXLEN);
	strlcpy(worker.bgw_name, "hdl etl launcher", BGW_MAXLEN);
	strlcpy(worker.bgw_type, "hdl etl launcher", BGW_MAXLEN);
	RegisterBackgroundWorker(&worker);
}

} // namespace hdl::etl

// Background worker entry (bgw_function_name): the boundary turns any C++ exception into an ERROR.
extern "C" void
hdl_etl_launcher_main(Datum arg) {
	hdl::pg::CallCpp("hdl_etl_launcher_main", hdl::etl::LauncherMain, arg);
}
