// One ETL run's work: a sql job executes its SQL; refresh_mart, import_s3, export_s3, export_lake and retention jobs
// call the SQL API of the capability that does the work, and fail clearly when it is missing.
#include <cstring>

#include "etl/body.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "executor/spi.h"
#include "utils/acl.h"
#include "utils/guc.h"
}

namespace hdl::etl {

namespace {

struct KindCall {
	const char *kind;
	const char *signature; // to_regprocedure form
	const char *display;   // in the error message
	const char *sql;       // $1 = target, $2 = options (text)
	const char *hint;
};

constexpr KindCall KIND_CALLS[] = {
    {"refresh_mart", "hdl.refresh_mart(text,text)", "hdl.refresh_mart(text, text)",
     "SELECT hdl.refresh_mart($1, coalesce($2::jsonb ->> 'mode', 'incremental'))",
     "Install an hdl version with marts, or use a job of kind sql."},
    {"import_s3", "hdl.etl_import_s3(text,jsonb)", "hdl.etl_import_s3(text, jsonb)",
     "SELECT hdl.etl_import_s3($1, $2::jsonb)",
     "Install an hdl version with S3 import, or use a job of kind sql."},
    {"export_s3", "hdl.etl_export_s3(text,jsonb)", "hdl.etl_export_s3(text, jsonb)",
     "SELECT hdl.etl_export_s3($1, $2::jsonb)",
     "Install an hdl version with S3 export, or use a job of kind sql."},
    {"export_lake", "hdl.etl_export_lake(text,jsonb)", "hdl.etl_export_lake(text, jsonb)",
     "SELECT hdl.etl_export_lake($1, $2::jsonb)",
     "Install an hdl version with the lake's Bulk Data export, or use a job of kind sql."},
    {"retention", "hdl.etl_retention(text,jsonb)", "hdl.etl_retention(text, jsonb)",
     "SELECT hdl.etl_retention($1, $2::jsonb)",
     "Install an hdl version with retention rules, or use a job of kind sql."},
};

void
RequireFunction(const KindCall &call) {
	Oid argtypes[1] = {TEXTOID};
	Datum values[1] = {CStringGetTextDatum(call.signature)};
	int rc = SPI_execute_with_args("SELECT pg_catalog.to_regprocedure($1) IS NOT NULL", 1, argtypes, values,
	                               nullptr, true, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "hdl: could not look up %s", call.signature);
	bool isnull;
	Datum found = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull || !DatumGetBool(found))
		ereport(ERROR,
		        (errcode(ERRCODE_UNDEFINED_FUNCTION),
		         errmsg("%s jobs need the function %s, which is not installed", call.kind, call.display),
		         errhint("%s", call.hint)));
}

// An integer first column of a one-row result, such as the rows a refresh changed.
bool
FirstInteger(int64 *out) {
	if (SPI_tuptable == nullptr || SPI_processed != 1 || SPI_tuptable->tupdesc->natts < 1)
		return false;
	bool isnull;
	Datum d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		return false;
	switch (SPI_gettypeid(SPI_tuptable->tupdesc, 1)) {
	case INT2OID:
		*out = DatumGetInt16(d);
		return true;
	case INT4OID:
		*out = DatumGetInt32(d);
		return true;
	case INT8OID:
		*out = DatumGetInt64(d);
		return true;
	default:
		return false;
	}
}

// The changes the refresh just run consumed (hdl.mart, when marts are installed). Not read-only:
// a read-only SPI query keeps the statement's snapshot, which predates the refresh's own update
// of hdl.mart and would show the previous refresh's count.
void
MartRowsIn(const char *mart, RunResult *result) {
	Oid argtypes[1] = {TEXTOID};
	Datum values[1] = {CStringGetTextDatum(mart)};
	int rc = SPI_execute("SELECT pg_catalog.to_regclass('hdl.mart') IS NOT NULL", true, 1);
	bool isnull;
	if (rc != SPI_OK_SELECT || SPI_processed != 1 ||
	    !DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)))
		return;
	rc = SPI_execute_with_args(
	    "SELECT last_refresh_changes FROM hdl.mart WHERE name OPERATOR(pg_catalog.=) $1", 1, argtypes, values,
	    nullptr, false, 1);
	if (rc == SPI_OK_SELECT)
		result->has_rows_in = FirstInteger(&result->rows_in);
}

} // namespace

bool
LoadRunSpec(int64 run_id, RunSpec *spec, MemoryContext into) {
	Oid argtypes[1] = {INT8OID};
	Datum values[1] = {Int64GetDatum(run_id)};
	int rc =
	    SPI_execute_with_args("SELECT j.kind, j.owner::text, j.target, j.options::text FROM hdl.etl_run r "
	                          "JOIN hdl.etl_job j ON j.job_id OPERATOR(pg_catalog.=) r.job_id "
	                          "WHERE r.run_id OPERATOR(pg_catalog.=) $1",
	                          1, argtypes, values, nullptr, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "hdl: could not read ETL run %lld", static_cast<long long>(run_id));
	if (SPI_processed != 1)
		return false;
	HeapTuple tuple = SPI_tuptable->vals[0];
	TupleDesc desc = SPI_tuptable->tupdesc;
	strlcpy(spec->kind, SPI_getvalue(tuple, desc, 1), sizeof(spec->kind));
	strlcpy(spec->owner, SPI_getvalue(tuple, desc, 2), sizeof(spec->owner));
	spec->target = MemoryContextStrdup(into, SPI_getvalue(tuple, desc, 3));
	spec->options = MemoryContextStrdup(into, SPI_getvalue(tuple, desc, 4));
	return true;
}

void
RunBody(const RunSpec *spec, RunResult *result) {
	result->has_rows_in = false;
	result->has_rows_out = false;

	// Jobs run as the role that scheduled them, and only while it may still schedule jobs.
	Oid owner = get_role_oid(spec->owner, false);
	Oid engineer = get_role_oid("hdl_engineer", true);
	if (!superuser_arg(owner) && !(OidIsValid(engineer) && has_privs_of_role(owner, engineer)))
		ereport(ERROR,
		        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		         errmsg("role \"%s\" may no longer run ETL jobs", spec->owner),
		         errdetail("A job runs as the role that scheduled it, which must be a member of hdl_engineer "
		                   "or a superuser."),
		         errhint("Grant hdl_engineer to the role again, or unschedule the job.")));

	Oid saved_user;
	int saved_context;
	GetUserIdAndSecContext(&saved_user, &saved_context);
	SetUserIdAndSecContext(owner, saved_context | SECURITY_LOCAL_USERID_CHANGE);
	int nest = NewGUCNestLevel();
	(void)set_config_option("search_path", "\"$user\", public", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
	                        true, 0, false);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "hdl: SPI_connect failed");

	if (strcmp(spec->kind, "sql") == 0) {
		int rc = SPI_execute(spec->target, false, 0);
		if (rc < 0)
			elog(ERROR, "hdl: SPI_execute failed: %s", SPI_result_code_string(rc));
		result->has_rows_out = true;
		result->rows_out = static_cast<int64>(SPI_processed);
	} else {
		const KindCall *call = nullptr;
		for (const KindCall &candidate : KIND_CALLS)
			if (strcmp(spec->kind, candidate.kind) == 0)
				call = &candidate;
		if (call == nullptr)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			                errmsg("invalid ETL job kind: \"%s\"", spec->kind)));
		RequireFunction(*call);
		Oid argtypes[2] = {TEXTOID, TEXTOID};
		Datum values[2] = {CStringGetTextDatum(spec->target), CStringGetTextDatum(spec->options)};
		int rc = SPI_execute_with_args(call->sql, 2, argtypes, values, nullptr, false, 0);
		if (rc < 0)
			elog(ERROR, "hdl: SPI_execute_with_args failed: %s", SPI_result_code_string(rc));
		result->has_rows_out = FirstInteger(&result->rows_out);
		if (strcmp(spec->kind, "refresh_mart") == 0)
			MartRowsIn(spec->target, result);
	}

	SPI_finish();
	AtEOXact_GUC(true, nest);
	SetUserIdAndSecContext(saved_user, saved_context);
}

} // namespace hdl::etl
