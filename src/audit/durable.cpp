// Durable audit entries (see durable.hpp): the caller fills a dynamic shared memory segment with
// the entry, starts a dynamic background worker in this database and waits for it to stop; the
// worker inserts the entry through hdl_audit._write_durable, commits, and reports the entry id in
// the segment. Everything here is plain C-style Postgres code: no C++ object is alive when it
// ereports.
#include <cstring>

#include "audit/durable.hpp"
#include "audit/log_line.hpp"
#include "pg/entry.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "executor/spi.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/snapmgr.h"

PGDLLEXPORT void hdl_audit_durable_main(Datum arg);
}

namespace hdl::audit {

namespace {

enum RequestStatus : int { PENDING = 0, WRITTEN = 1, FAILED = 2 };

// The segment: this header, then subject and detail as NUL-terminated strings.
struct Request {
	Oid database;
	char role_name[NAMEDATALEN];
	char login_role[NAMEDATALEN];
	char client_addr[64]; // "" when the session has none (Unix socket, background worker)
	char event[64];
	bool has_subject;
	bool has_detail;
	Size subject_len;
	Size detail_len;
	volatile int status;
	int64 entry_id;
	char error[512];
	char data[FLEXIBLE_ARRAY_MEMBER];
};

// The client address as inet text ("" for Unix sockets and background workers): what
// inet_client_addr() returns, called directly because it may return NULL.
void
ClientAddr(char *out, size_t size) {
	out[0] = '\0';
	LOCAL_FCINFO(fcinfo, 0);
	InitFunctionCallInfoData(*fcinfo, nullptr, 0, InvalidOid, nullptr, nullptr);
	Datum addr = inet_client_addr(fcinfo);
	if (fcinfo->isnull)
		return;
	strlcpy(out, DatumGetCString(DirectFunctionCall1(inet_out, addr)), size);
}

// Worker side: the insert and its commit. ERRORs are caught by the caller of this function.
int64
Insert(Request *req) {
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	pgstat_report_activity(STATE_RUNNING, "hdl audit writer");
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "hdl: SPI_connect failed");
	Oid argtypes[6] = {NAMEOID, NAMEOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum values[6];
	char nulls[7] = "      ";
	Name role = static_cast<Name>(palloc0(NAMEDATALEN));
	Name login = static_cast<Name>(palloc0(NAMEDATALEN));
	namestrcpy(role, req->role_name);
	namestrcpy(login, req->login_role);
	values[0] = NameGetDatum(role);
	values[1] = NameGetDatum(login);
	values[2] = req->client_addr[0] ? CStringGetTextDatum(req->client_addr) : (Datum)0;
	nulls[2] = req->client_addr[0] ? ' ' : 'n';
	values[3] = CStringGetTextDatum(req->event);
	values[4] = req->has_subject ? CStringGetTextDatum(req->data) : (Datum)0;
	nulls[4] = req->has_subject ? ' ' : 'n';
	values[5] = req->has_detail ? CStringGetTextDatum(req->data + req->subject_len + 1) : (Datum)0;
	nulls[5] = req->has_detail ? ' ' : 'n';
	int rc = SPI_execute_with_args("SELECT hdl_audit._write_durable($1, $2, $3::inet, $4, $5, $6::jsonb)", 6,
	                               argtypes, values, nulls, false, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "hdl: the audit writer's insert returned no entry");
	bool isnull;
	int64 id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_activity(STATE_IDLE, nullptr);
	return id;
}

void
WorkerMain(Datum arg) {
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	dsm_segment *seg = dsm_attach(DatumGetUInt32(arg));
	if (seg == nullptr)
		proc_exit(0); // the caller gave up (cancelled) before we started: nothing to write
	Request *req = static_cast<Request *>(dsm_segment_address(seg));
	BackgroundWorkerInitializeConnectionByOid(req->database, InvalidOid, 0);
	// Never wait long behind a lock the caller (or anyone) holds: the caller waits for us.
	SetConfigOption("lock_timeout", "5s", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("statement_timeout", "60s", PGC_SUSET, PGC_S_OVERRIDE);
	MemoryContext cxt = CurrentMemoryContext;
	PG_TRY();
	{
		req->entry_id = Insert(req);
		pg_write_barrier();
		req->status = WRITTEN;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		ErrorData *edata = CopyErrorData();
		// Only the message: details of a failed insert could quote the entry.
		strlcpy(req->error, edata->message ? edata->message : "unknown error", sizeof req->error);
		FlushErrorState();
		AbortCurrentTransaction();
		pg_write_barrier();
		req->status = FAILED;
	}
	PG_END_TRY();
	dsm_detach(seg);
	proc_exit(0);
}

} // namespace

int64_t
WriteDurable(const char *event, const char *subject, const char *detail_json) {
	Size subject_len = subject ? strlen(subject) : 0;
	Size detail_len = detail_json ? strlen(detail_json) : 0;
	Size size = offsetof(Request, data) + subject_len + 1 + detail_len + 1;
	dsm_segment *seg = dsm_create(size, 0);
	Request *req = static_cast<Request *>(dsm_segment_address(seg));
	memset(req, 0, offsetof(Request, data));
	req->database = MyDatabaseId;
	const char *role = GetUserNameFromId(GetOuterUserId(), false);
	const char *login = GetUserNameFromId(GetSessionUserId(), false);
	strlcpy(req->role_name, role, sizeof req->role_name);
	strlcpy(req->login_role, login, sizeof req->login_role);
	ClientAddr(req->client_addr, sizeof req->client_addr);
	strlcpy(req->event, event, sizeof req->event);
	req->has_subject = subject != nullptr;
	req->has_detail = detail_json != nullptr;
	req->subject_len = subject_len;
	req->detail_len = detail_len;
	if (subject)
		memcpy(req->data, subject, subject_len);
	req->data[subject_len] = '\0';
	if (detail_json)
		memcpy(req->data + subject_len + 1, detail_json, detail_len);
	req->data[subject_len + 1 + detail_len] = '\0';
	req->status = PENDING;

	BackgroundWorker worker;
	memset(&worker, 0, sizeof worker);
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_ConsistentState;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	strlcpy(worker.bgw_library_name, "hdl", BGW_MAXLEN);
	strlcpy(worker.bgw_function_name, "hdl_audit_durable_main", BGW_MAXLEN);
	snprintf(worker.bgw_name, BGW_MAXLEN, "hdl audit writer for PID %d", MyProcPid);
	strlcpy(worker.bgw_type, "hdl audit writer", BGW_MAXLEN);
	worker.bgw_main_arg = UInt32GetDatum(dsm_segment_handle(seg));
	worker.bgw_notify_pid = MyProcPid;
	BackgroundWorkerHandle *handle = nullptr;
	if (!RegisterDynamicBackgroundWorker(&worker, &handle))
		ereport(ERROR, (errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
		                errmsg("could not start hdl's audit writer for a %s entry", event),
		                errdetail("The entry must be committed before anything is released, so nothing was."),
		                errhint("You might need to increase max_worker_processes."), errhidestmt(true)));
	BgwHandleStatus status = WaitForBackgroundWorkerShutdown(handle);
	pg_read_barrier();
	if (status != BGWH_STOPPED || req->status != WRITTEN) {
		char error[sizeof req->error];
		strlcpy(error, req->status == FAILED ? req->error : "the audit writer stopped without writing it",
		        sizeof error);
		dsm_detach(seg);
		ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
		                errmsg("could not write the %s audit entry", event), errdetail("%s.", error),
		                errhint("The entry must be committed before anything is released, so nothing was."),
		                errhidestmt(true)));
	}
	int64_t id = req->entry_id;
	dsm_detach(seg);
	return id;
}

void
RecordRefusal(const char *event, const char *subject, const char *detail_json) {
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	BeginInternalSubTransaction(nullptr);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		(void)WriteDurable(event, subject, detail_json);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		LogLine(event, subject, detail_json);
	}
	PG_END_TRY();
}

} // namespace hdl::audit

// hdl._audit_durable(event, subject, detail): for hdl's SQL functions (owner only).
HDL_FUNCTION(hdl_audit_durable) {
	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("audit event must not be null")));
	const char *event = text_to_cstring(PG_GETARG_TEXT_PP(0));
	const char *subject = PG_ARGISNULL(1) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(1));
	const char *detail = nullptr;
	if (!PG_ARGISNULL(2)) {
		Jsonb *jb = PG_GETARG_JSONB_P(2);
		detail = JsonbToCString(nullptr, &jb->root, VARSIZE(jb));
	}
	PG_RETURN_INT64(hdl::audit::WriteDurable(event, subject, detail));
}

// Background worker entry (bgw_function_name).
extern "C" void
hdl_audit_durable_main(Datum arg) {
	hdl::pg::CallCpp("hdl_audit_durable_main", hdl::audit::WorkerMain, arg);
}
