// hdl._export_lake: the pseudonymised lake as a FHIR Bulk Data export in S3. One gzip NDJSON file
// per resource type (current versions), then manifest.json; all types are read in the calling
// statement's snapshot, so an export is one consistent state of the lake. A manifest is written
// last: an export that fails removes the files it wrote and leaves no manifest.
// Incremental series (ETL jobs of kind export_lake): each run exports the resources changed in
// transactions the previous run's snapshot did not see, into a folder of its own, and records
// its snapshot in hdl.lake_export for the next run.
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "audit/owner_write.hpp"
#include "core/fhir/r4_schema.hpp"
#include "core/s3/bulk_manifest.hpp"
#include "core/s3/gzip_encoder.hpp"
#include "core/s3/uploader.hpp"
#include "fdw/options.hpp"
#include "fdw/table.hpp"
#include "pg/entry.hpp"
#include "pg/guard.hpp"

#include "pg/postgres.hpp"

#include "fdw/cursor_batches.hpp" // Postgres-side: after every core header

extern "C" {
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "nodes/makefuncs.h"
#include "utils/acl.h"
#include "executor/spi.h"
#include "foreign/foreign.h"
#include "lib/stringinfo.h"
#include "pgstat.h"
#include "utils/array.h"
#include "utils/backend_status.h"
#include "utils/jsonb.h"
#include "utils/json.h"
#include "utils/fmgrprotos.h"
#include "utils/syscache.h"
}

namespace {

// The types present in the lake, in order: a loose index scan of the primary keys' first column.
const char *const LAKE_TYPES_SQL =
    "WITH RECURSIVE t(rt) AS ("
    " SELECT pg_catalog.min(resource_type) FROM hdl_lake.resource"
    " UNION ALL"
    " SELECT (SELECT pg_catalog.min(r.resource_type) FROM hdl_lake.resource r"
    "         WHERE r.resource_type OPERATOR(pg_catalog.>) t.rt) FROM t WHERE t.rt IS NOT NULL)"
    " SELECT rt FROM t WHERE rt IS NOT NULL";

// One type's current versions: all, changed after a time (since), or changed in transactions a
// snapshot did not see (a run of a series: $3), together with the resources of patients whose
// opt-out was withdrawn since that run. Never the resources of a patient opted out now
// (hdl.opted_out_patients, docs/governance.md); resources without a patient always go.
#define HDL_NOT_OPTED_OUT                                                                                     \
	" AND (r.patient IS NULL OR NOT EXISTS (SELECT 1 FROM hdl.opted_out_patients o"                         \
	"  WHERE o.patient OPERATOR(pg_catalog.=) r.patient))"
const char *const TYPE_ALL_SQL =
    "SELECT r.resource::text FROM hdl_lake.resource r WHERE r.resource_type OPERATOR(pg_catalog.=) $1"
    HDL_NOT_OPTED_OUT;
const char *const TYPE_SINCE_SQL =
    "SELECT r.resource::text FROM hdl_lake.resource r WHERE r.resource_type OPERATOR(pg_catalog.=) $1"
    " AND r.last_updated OPERATOR(pg_catalog.>) $2" HDL_NOT_OPTED_OUT;
const char *const TYPE_CHANGED_SQL =
    "SELECT r.resource::text FROM hdl_lake.resource r WHERE r.resource_type OPERATOR(pg_catalog.=) $1"
    " AND (EXISTS (SELECT 1 FROM hdl_lake.resource_history h"
    "  WHERE h.resource_type OPERATOR(pg_catalog.=) $1 AND h.id OPERATOR(pg_catalog.=) r.id"
    "  AND h.txid OPERATOR(pg_catalog.>=) pg_catalog.pg_snapshot_xmin($2::pg_catalog.pg_snapshot)"
    "  AND NOT pg_catalog.pg_visible_in_snapshot(h.txid, $2::pg_catalog.pg_snapshot))"
    " OR r.patient IN (SELECT x.patient FROM hdl.lake_export_excluded x WHERE x.series OPERATOR(pg_catalog.=) $3))"
    HDL_NOT_OPTED_OUT;
#undef HDL_NOT_OPTED_OUT

// After a run of a series: the patients it left out, for the next run to bring back those whose
// opt-out is withdrawn by then. Only patients with resources in the lake are kept.
const char *const SERIES_FORGET_SQL =
    "DELETE FROM hdl.lake_export_excluded x WHERE x.series OPERATOR(pg_catalog.=) $1";
const char *const SERIES_EXCLUDED_SQL =
    "INSERT INTO hdl.lake_export_excluded (series, patient)"
    " SELECT $1, o.patient FROM hdl.opted_out_patients o"
    " WHERE EXISTS (SELECT 1 FROM hdl_lake.resource r WHERE r.patient OPERATOR(pg_catalog.=) o.patient)";

// The export's transactionTime: no later than the start of any transaction still open, since an
// open ingest stamps its rows with its start time and may commit after this snapshot; a reader
// that asks for _since=transactionTime next time then misses nothing. Milliseconds, rounded down.
TimestampTz
SafeTransactionTime() {
	TimestampTz t = GetCurrentStatementStartTimestamp();
	pgstat_clear_backend_activity_snapshot(); // the backends now, not at an earlier read
	int n = pgstat_fetch_stat_numbackends();
	for (int i = 1; i <= n; i++) {
		LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(i);
		if (local == nullptr)
			continue;
		PgBackendStatus *b = &local->backendStatus;
		if (b->st_procpid == MyProcPid || b->st_xact_start_timestamp == 0)
			continue;
		if (b->st_backendType != B_BACKEND && b->st_backendType != B_BG_WORKER)
			continue;
		t = Min(t, b->st_xact_start_timestamp);
	}
	return t - (t % 1000 + 1000) % 1000;
}

// A timestamptz as a FHIR instant in UTC with milliseconds.
char *
Instant(TimestampTz t) {
	Oid types[1] = {TIMESTAMPTZOID};
	Datum values[1] = {TimestampTzGetDatum(t)};
	int rc = SPI_execute_with_args(
	    "SELECT pg_catalog.to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')", 1, types, values,
	    nullptr, true, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "hdl: could not format a timestamp");
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

// The first column of a one-row read-only query (or nullptr for NULL or no row), in the SPI context.
char *
ScalarText(const char *sql, int nargs, Oid *types, Datum *values) {
	int rc = SPI_execute_with_args(sql, nargs, types, values, nullptr, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "hdl: lake export query failed: %s", SPI_result_code_string(rc));
	if (SPI_processed != 1)
		return nullptr;
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

// The resource types to export, checked: the given ones (duplicates dropped) or all in the lake.
std::vector<std::string>
TypesToExport(ArrayType *given) {
	std::vector<std::string> types;
	if (given != nullptr) {
		Datum *elems;
		bool *nulls;
		int n;
		hdl::pg::Guard(deconstruct_array, given, static_cast<Oid>(TEXTOID), -1, false, TYPALIGN_INT, &elems, &nulls,
		               &n);
		for (int i = 0; i < n; i++) {
			if (nulls[i])
				throw hdl::Error(hdl::ErrorKind::InvalidParameter, "the types of a lake export must not be NULL");
			text *t = DatumGetTextPP(elems[i]);
			std::string type(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
			if (hdl::fhir::r4::FindResourceType(type) == hdl::fhir::r4::kNoType)
				throw hdl::Error(hdl::ErrorKind::InvalidParameter,
				                 "\"" + type.substr(0, 64) + "\" is not a FHIR R4 resource type", {},
				                 "Name resource types as FHIR spells them, such as Patient or Observation.");
			types.push_back(std::move(type));
		}
		if (types.empty())
			throw hdl::Error(hdl::ErrorKind::InvalidParameter, "a lake export needs at least one resource type", {},
			                 "Leave types NULL to export every type in the lake.");
	} else {
		int rc = hdl::pg::Guard(SPI_execute, LAKE_TYPES_SQL, true, 0L);
		if (rc != SPI_OK_SELECT)
			throw hdl::Error(hdl::ErrorKind::Internal, "could not list the lake's resource types");
		for (uint64 i = 0; i < SPI_processed; i++)
			types.emplace_back(hdl::pg::Guard(SPI_getvalue, SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1));
	}
	std::sort(types.begin(), types.end());
	types.erase(std::unique(types.begin(), types.end()), types.end());
	return types;
}

Oid
ExtensionOwner() {
	Oid nsp = get_namespace_oid("hdl", false);
	HeapTuple tup = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(nsp));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "hdl: schema hdl has no catalog row");
	Oid owner = reinterpret_cast<Form_pg_namespace>(GETSTRUCT(tup))->nspowner;
	ReleaseSysCache(tup);
	return owner;
}

// Opens a type's cursor as the extension's owner, who alone reads hdl.opted_out_patients (it
// links the opt-out list to pseudonyms); the caller's own SELECT on the lake was checked first.
// Permissions are checked when a portal starts, so the fetches need no switch. C-style.
Portal
OpenAsOwner(const char *sql, int nargs, Oid *types, Datum *values) {
	Oid saved_user;
	int saved_context;
	GetUserIdAndSecContext(&saved_user, &saved_context);
	SetUserIdAndSecContext(ExtensionOwner(), saved_context | SECURITY_LOCAL_USERID_CHANGE);
	Portal portal = nullptr;
	PG_TRY();
	{
		portal = hdl::fdw::OpenCursor(sql, nargs, types, values, nullptr, true, nullptr);
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(saved_user, saved_context);
	}
	PG_END_TRY();
	return portal;
}

// The caller must be able to read the lake itself: the export reads it on the caller's behalf.
void
RequireLakeSelect() {
	Oid lake = RangeVarGetRelid(makeRangeVar(pstrdup("hdl_lake"), pstrdup("resource"), -1), AccessShareLock, false);
	AclResult acl = pg_class_aclcheck(lake, GetUserId(), ACL_SELECT);
	if (acl != ACLCHECK_OK)
		aclcheck_error(acl, OBJECT_TABLE, "resource");
}

// A series' excluded patients, replaced by those opted out now (as the owner). C-style.
void
RememberExcluded(const char *series) {
	Oid saved_user;
	int saved_context;
	GetUserIdAndSecContext(&saved_user, &saved_context);
	Oid types[1] = {TEXTOID};
	Datum values[1] = {CStringGetTextDatum(series)};
	SetUserIdAndSecContext(ExtensionOwner(), saved_context | SECURITY_LOCAL_USERID_CHANGE);
	int rc = SPI_execute_with_args(SERIES_FORGET_SQL, 1, types, values, nullptr, false, 0);
	if (rc == SPI_OK_DELETE)
		rc = SPI_execute_with_args(SERIES_EXCLUDED_SQL, 1, types, values, nullptr, false, 0);
	SetUserIdAndSecContext(saved_user, saved_context);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "hdl: could not record the patients a lake export left out");
}

struct Record {
	const char *server;
	const char *location; // the folder: s3://bucket/folder/
	const char *series;   // or nullptr
	const char *since;    // or nullptr
	const char *transaction_time;
	const char *snapshot;
	int64 resources;
	int objects;
	int64 bytes;
	const char *manifest;
};

// The export's row in hdl.lake_export, written as the extension's owner (engineers read the table
// but cannot write it, so no one forges the watermark of a series). C-style.
void
RecordExport(const Record *r) {
	Oid saved_user;
	int saved_context;
	GetUserIdAndSecContext(&saved_user, &saved_context);
	Oid types[11] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, INT8OID, INT4OID, INT8OID, TEXTOID};
	Datum values[11] = {CStringGetTextDatum(GetUserNameFromId(saved_user, false)),
	                    CStringGetTextDatum(r->server),
	                    CStringGetTextDatum(r->location),
	                    r->series ? CStringGetTextDatum(r->series) : (Datum)0,
	                    r->since ? CStringGetTextDatum(r->since) : (Datum)0,
	                    CStringGetTextDatum(r->transaction_time),
	                    CStringGetTextDatum(r->snapshot),
	                    Int64GetDatum(r->resources),
	                    Int32GetDatum(r->objects),
	                    Int64GetDatum(r->bytes),
	                    CStringGetTextDatum(r->manifest)};
	char nulls[12] = "           ";
	nulls[3] = r->series ? ' ' : 'n';
	nulls[4] = r->since ? ' ' : 'n';
	Oid owner = ExtensionOwner();
	// Only this fixed statement runs as the owner; an error aborts the (sub)transaction, which
	// restores the user.
	SetUserIdAndSecContext(owner, saved_context | SECURITY_LOCAL_USERID_CHANGE);
	int rc = SPI_execute_with_args(
	    "INSERT INTO hdl.lake_export (exported_by, server, location, series, since, transaction_time, snapshot,"
	    " resources, objects, bytes, manifest) VALUES ($1::pg_catalog.name, $2::pg_catalog.name, $3, $4,"
	    " $5::pg_catalog.timestamptz, $6::pg_catalog.timestamptz, $7::pg_catalog.pg_snapshot, $8, $9, $10,"
	    " $11::pg_catalog.jsonb)",
	    11, types, values, nulls, false, 0);
	SetUserIdAndSecContext(saved_user, saved_context);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "hdl: could not record the lake export");
}

char *
AuditDetail(const Record *r) {
	StringInfoData d;
	initStringInfo(&d);
	appendStringInfo(&d, "{\"resources\": %lld, \"objects\": %d, \"bytes\": %lld, \"server\": ",
	                 static_cast<long long>(r->resources), r->objects, static_cast<long long>(r->bytes));
	escape_json(&d, r->server);
	appendStringInfoString(&d, ", \"location\": ");
	escape_json(&d, r->location);
	appendStringInfoString(&d, ", \"since\": ");
	if (r->since)
		escape_json(&d, r->since);
	else
		appendStringInfoString(&d, "null");
	appendStringInfoString(&d, ", \"series\": ");
	if (r->series)
		escape_json(&d, r->series);
	else
		appendStringInfoString(&d, "null");
	appendStringInfoChar(&d, '}');
	return d.data;
}

// One type's file: streamed from the cursor through gzip into S3. Returns the resources written
// (0: no file was made, as the Bulk Data manifest lists only types with resources).
int64
ExportType(hdl::s3::Client &client, const std::string &bucket, const std::string &key, Portal portal,
           MemoryContext batch_cxt, int64 *bytes) {
	std::unique_ptr<hdl::s3::Uploader> uploader;
	std::unique_ptr<hdl::s3::GzipEncoder> gzip;
	int64 count = 0;
	std::string lines;
	for (;;) {
		hdl::fdw::Batch batch;
		hdl::pg::Guard(hdl::fdw::FetchBatch, portal, batch_cxt, &batch);
		if (batch.rows == 0)
			break;
		if (!uploader) {
			uploader = std::make_unique<hdl::s3::Uploader>(client, bucket, key, hdl::s3::DEFAULT_PART_SIZE,
			                                               "application/gzip");
			gzip = std::make_unique<hdl::s3::GzipEncoder>(
			    [u = uploader.get()](std::string_view chunk) { u->Write(chunk); });
		}
		lines.clear();
		for (int r = 0; r < batch.rows; r++) {
			lines += batch.cells[r];
			lines += '\n';
		}
		gzip->Write(lines);
		count += batch.rows;
	}
	if (uploader) {
		gzip->Finish();
		uploader->Finish();
		*bytes += static_cast<int64>(uploader->bytes_written());
	}
	return count;
}

} // namespace

// hdl._export_lake(server name, location text, since timestamptz, types text[], series text) -> jsonb
HDL_FUNCTION(hdl_export_lake) {
	// Arguments first, C-style, before any C++ object lives.
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("a lake export needs a server and a location"),
		                errhint("For example hdl.export_lake_s3('s3', 's3://bucket/lake/').")));
	if (!PG_ARGISNULL(2) && !PG_ARGISNULL(4))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("an export series takes no since"),
		                errdetail("Each run of a series exports what changed since the previous run.")));
	const char *server_name = NameStr(*PG_GETARG_NAME(0));
	const char *location = text_to_cstring(PG_GETARG_TEXT_PP(1));
	bool has_since = !PG_ARGISNULL(2);
	Datum since_arg = has_since ? PG_GETARG_DATUM(2) : (Datum)0;
	ArrayType *types_arg = PG_ARGISNULL(3) ? nullptr : PG_GETARG_ARRAYTYPE_P(3);
	text *series_text = PG_ARGISNULL(4) ? nullptr : PG_GETARG_TEXT_PP(4);
	const char *series = series_text ? text_to_cstring(series_text) : nullptr;
	Oid serverid = GetForeignServerByName(server_name, false)->serverid;
	MemoryContext caller_cxt = CurrentMemoryContext; // what outlives SPI_finish
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	RequireLakeSelect();
	MemoryContext batch_cxt = AllocSetContextCreate(CurrentMemoryContext, "hdl lake export batch", ALLOCSET_DEFAULT_SIZES);
	// The watermark: a time given, or the previous run of the series.
	const char *since = has_since ? Instant(DatumGetTimestampTz(since_arg)) : nullptr;
	const char *since_snapshot = nullptr;
	if (series != nullptr) {
		Oid t[1] = {TEXTOID};
		Datum v[1] = {PointerGetDatum(series_text)};
		since_snapshot = ScalarText("SELECT snapshot::text FROM hdl.lake_export WHERE series OPERATOR(pg_catalog.=) $1"
		                            " ORDER BY export_id DESC LIMIT 1",
		                            1, t, v);
		if (since_snapshot != nullptr)
			since = ScalarText("SELECT pg_catalog.to_char(transaction_time AT TIME ZONE 'UTC',"
			                   " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM hdl.lake_export"
			                   " WHERE series OPERATOR(pg_catalog.=) $1 ORDER BY export_id DESC LIMIT 1",
			                   1, t, v);
	}
	const char *transaction_time = Instant(SafeTransactionTime());
	const char *snapshot = ScalarText("SELECT pg_catalog.pg_current_snapshot()::text", 0, nullptr, nullptr);
	text *since_snapshot_text = since_snapshot ? cstring_to_text(since_snapshot) : nullptr;

	int64 resources = 0, bytes = 0;
	int objects = 0;
	char *manifest_text = nullptr;
	char *folder_url = nullptr;
	{
		auto [bucket, prefix] = hdl::fdw::SplitS3Url(location);
		std::vector<std::string> types = TypesToExport(types_arg);
		std::string folder = hdl::s3::BulkFolder(prefix);
		if (series != nullptr)
			folder += hdl::s3::BulkRunFolderName(transaction_time) + "/";
		hdl::s3::BulkManifest manifest;
		manifest.transaction_time = transaction_time;
		manifest.request = hdl::s3::BulkRequest(types_arg ? types : std::vector<std::string>{},
		                                        since ? std::string(since) : std::string());
		std::unique_ptr<hdl::s3::Client> client = hdl::fdw::Connect(serverid, GetUserId());
		std::vector<std::string> written;
		try {
			hdl::fdw::S3Call([&] {
				for (const std::string &type : types) {
					Oid argtypes[3] = {TEXTOID, TEXTOID, TEXTOID};
					Datum values[3] = {PointerGetDatum(hdl::pg::Guard(cstring_to_text, type.c_str())), (Datum)0,
					                   (Datum)0};
					const char *sql = TYPE_ALL_SQL;
					int nargs = 1;
					if (since_snapshot_text != nullptr) {
						sql = TYPE_CHANGED_SQL;
						values[1] = PointerGetDatum(since_snapshot_text);
						values[2] = PointerGetDatum(series_text);
						nargs = 3;
					} else if (has_since) {
						sql = TYPE_SINCE_SQL;
						argtypes[1] = TIMESTAMPTZOID;
						values[1] = since_arg;
						nargs = 2;
					}
					Portal portal = hdl::pg::Guard(OpenAsOwner, sql, nargs, argtypes, values);
					std::string key = hdl::s3::BulkObjectKey(folder, type);
					int64 count = ExportType(*client, bucket, key, portal, batch_cxt, &bytes);
					hdl::pg::Guard(SPI_cursor_close, portal);
					if (count == 0)
						continue;
					written.push_back(key);
					manifest.output.push_back({type, "s3://" + bucket + "/" + key, count});
					resources += count;
				}
				std::string json = hdl::s3::BulkManifestJson(manifest);
				client->PutObject(bucket, folder + "manifest.json", json, "application/json");
				manifest_text = hdl::pg::Guard(pstrdup, json.c_str());
			});
		} catch (...) {
			// No half export: the files already written go (best effort; no manifest was written).
			for (const std::string &key : written) {
				try {
					client->DeleteObject(bucket, key);
				} catch (...) {
				}
			}
			throw;
		}
		objects = static_cast<int>(manifest.output.size());
		folder_url = hdl::pg::Guard(pstrdup, ("s3://" + bucket + "/" + folder).c_str());
	}
	// C-style again: the record, the audit entry, the result.
	Record record{server_name, folder_url, series,  since,   transaction_time,
	              snapshot,    resources,  objects, bytes, manifest_text};
	RecordExport(&record);
	if (series != nullptr)
		RememberExcluded(series);
	char *detail = MemoryContextStrdup(caller_cxt, AuditDetail(&record));
	char *manifest_json = MemoryContextStrdup(caller_cxt, manifest_text);
	SPI_finish();
	(void)hdl::audit::WriteAsExtension("export", "lake", detail);
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(manifest_json));
}
