// hdl.export_mart_s3: a mart streamed to one S3 object as NDJSON or CSV (with a header), gzip
// optional, through the core Uploader (one PUT when small, multipart otherwise). Also the
// test-only hdl._test_s3_put / hdl._test_gzip that write the regression tests' fixtures.
#include <cstring>
#include <memory>
#include <string>

#include "audit/owner_write.hpp"
#include "core/s3/gzip_encoder.hpp"
#include "core/s3/uploader.hpp"
#include "fdw/options.hpp"
#include "fdw/table.hpp"
#include "guc.hpp"
#include "pg/entry.hpp"
#include "pg/guard.hpp"

#include "pg/postgres.hpp"

#include "fdw/cursor_batches.hpp" // Postgres-side: after every core header

extern "C" {
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "foreign/foreign.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
}

namespace {

void
RequireTestFunctions() {
	if (!hdl::guc::enable_test_functions)
		ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("hdl test functions are disabled"),
		                errhint("A superuser can SET hdl.enable_test_functions = on.")));
}

void
CsvField(std::string &line, const char *value) {
	if (value == nullptr)
		return; // NULL: an empty unquoted field
	bool quote = *value == '\0' || strpbrk(value, ",\"\r\n") != nullptr;
	if (!quote) {
		line += value;
		return;
	}
	line += '"';
	for (const char *p = value; *p; p++) {
		if (*p == '"')
			line += '"';
		line += *p;
	}
	line += '"';
}

// Whether the mart's last refresh left out a patient opted out since (docs/governance.md): then its
// rows would leave with it. Asks hdl._mart_opt_outs_pending, which reads the opt-outs as the owner.
bool
OptOutsPending(Oid relid) {
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	Oid argtypes[1] = {REGCLASSOID};
	Datum values[1] = {ObjectIdGetDatum(relid)};
	bool pending = false;
	if (SPI_execute_with_args("SELECT hdl._mart_opt_outs_pending($1)", 1, argtypes, values, nullptr, true, 1) ==
	        SPI_OK_SELECT &&
	    SPI_processed == 1) {
		bool isnull;
		Datum d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		pending = !isnull && DatumGetBool(d);
	}
	SPI_finish();
	return pending;
}

} // namespace

// hdl.export_mart_s3(mart, server, location, format, compression, part_size_mb)
HDL_FUNCTION(hdl_export_mart_s3) {
	const char *mart = text_to_cstring(PG_GETARG_TEXT_PP(0));
	const char *server_name = NameStr(*PG_GETARG_NAME(1));
	const char *location = text_to_cstring(PG_GETARG_TEXT_PP(2));
	const char *format = text_to_cstring(PG_GETARG_TEXT_PP(3));
	const char *compression = text_to_cstring(PG_GETARG_TEXT_PP(4));
	int part_mb = PG_GETARG_INT32(5);
	bool csv = strcmp(format, "csv") == 0;
	if (!csv && strcmp(format, "ndjson") != 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("invalid export format \"%s\"", format),
		                errhint("Use ndjson or csv.")));
	if (strcmp(compression, "auto") != 0 && strcmp(compression, "gzip") != 0 && strcmp(compression, "none") != 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("invalid compression \"%s\"", compression), errhint("Use auto, gzip or none.")));
	if (part_mb < 5 || part_mb > 5120)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("part size must be between 5 and 5120 MB")));
	// The mart: a table or view in the schema mart or a mart_* schema.
	List *names = stringToQualifiedNameList(mart);
	if (list_length(names) == 1)
		names = lcons(makeString(pstrdup("mart")), names);
	Oid relid = RangeVarGetRelid(makeRangeVarFromNameList(names), AccessShareLock, false);
	const char *schema = get_namespace_name(get_rel_namespace(relid));
	if (strcmp(schema, "mart") != 0 && strncmp(schema, "mart_", 5) != 0)
		ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("\"%s\" is not a mart", mart),
		                errdetail("Only marts (the schema mart and mart_* schemas) leave the lake."),
		                errhint("Build a mart from a ViewDefinition and export that.")));
	// An opt-out recorded since the mart's last refresh: its rows are still there, so nothing leaves.
	if (OptOutsPending(relid))
		ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
		                errmsg("mart \"%s\" has not been refreshed since patients opted out", mart),
		                errdetail("It may hold their rows until its next refresh (docs/governance.md)."),
		                errhint("Refresh it with hdl.refresh_mart, then export it.")));
	const char *qualified = quote_qualified_identifier(schema, get_rel_name(relid));
	const char *sql = psprintf(csv ? "SELECT t.* FROM %s t" : "SELECT pg_catalog.to_jsonb(t)::text FROM %s t", qualified);
	Oid serverid = GetForeignServerByName(server_name, false)->serverid;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	MemoryContext batch_cxt = AllocSetContextCreate(CurrentMemoryContext, "hdl export batch", ALLOCSET_DEFAULT_SIZES);
	hdl::fdw::Header header;
	Portal portal = hdl::fdw::OpenCursor(sql, 0, nullptr, nullptr, nullptr, true, &header);
	int64 rows = 0, bytes = 0, parts = 0;
	{
		auto [bucket, key] = hdl::fdw::SplitS3Url(location);
		if (key.empty())
			throw hdl::Error(hdl::ErrorKind::InvalidParameter, "the export location names no object key", {},
			                 "Write s3://bucket/path/file.ndjson.");
		bool gzip = strcmp(compression, "gzip") == 0 ||
		            (strcmp(compression, "auto") == 0 && key.size() > 3 && key.compare(key.size() - 3, 3, ".gz") == 0);
		std::unique_ptr<hdl::s3::Client> client = hdl::fdw::Connect(serverid, GetUserId());
		hdl::fdw::S3Call([&] {
			hdl::s3::Uploader uploader(*client, bucket, key, static_cast<size_t>(part_mb) << 20,
			                           gzip ? "application/gzip" : csv ? "text/csv" : "application/fhir+ndjson");
			hdl::s3::GzipEncoder gz([&](std::string_view chunk) { uploader.Write(chunk); });
			auto write = [&](const std::string &s) {
				if (gzip)
					gz.Write(s);
				else
					uploader.Write(s);
			};
			std::string line;
			if (csv) {
				for (int c = 0; c < header.cols; c++) {
					if (c > 0)
						line += ',';
					CsvField(line, header.names[c]);
				}
				line += '\n';
				write(line);
			}
			for (;;) {
				hdl::fdw::Batch batch;
				hdl::pg::Guard(hdl::fdw::FetchBatch, portal, batch_cxt, &batch);
				if (batch.rows == 0)
					break;
				line.clear();
				for (int r = 0; r < batch.rows; r++) {
					for (int c = 0; c < batch.cols; c++) {
						const char *v = batch.cells[r * batch.cols + c];
						if (!csv) {
							line += v;
							continue;
						}
						if (c > 0)
							line += ',';
						CsvField(line, v);
					}
					line += '\n';
				}
				write(line);
				rows += batch.rows;
			}
			if (gzip)
				gz.Finish();
			uploader.Finish();
			bytes = static_cast<int64>(uploader.bytes_written());
			parts = uploader.parts_uploaded();
		});
	}
	SPI_cursor_close(portal);
	SPI_finish();
	// The export entry, written here so that no export leaves unaudited and no caller can write
	// an export entry of its own making (docs/audit.md).
	StringInfoData detail;
	initStringInfo(&detail);
	appendStringInfoString(&detail, "{\"format\": ");
	escape_json(&detail, format);
	appendStringInfo(&detail, ", \"rows\": %lld, \"bytes\": %lld, \"parts\": %lld, \"server\": ",
	                 static_cast<long long>(rows), static_cast<long long>(bytes), static_cast<long long>(parts));
	escape_json(&detail, server_name);
	appendStringInfoString(&detail, ", \"location\": ");
	escape_json(&detail, location);
	appendStringInfoChar(&detail, '}');
	(void)hdl::audit::WriteAsExtension("export", mart, detail.data);
	TupleDesc desc;
	if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	Datum values[3] = {Int64GetDatum(rows), Int64GetDatum(bytes), Int32GetDatum(static_cast<int32>(parts))};
	bool nulls[3] = {false, false, false};
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

// hdl._test_s3_put(server, location, body, gzip): writes a fixture object (creating the bucket).
HDL_FUNCTION(hdl_test_s3_put) {
	RequireTestFunctions();
	Oid serverid = GetForeignServerByName(NameStr(*PG_GETARG_NAME(0)), false)->serverid;
	const char *location = text_to_cstring(PG_GETARG_TEXT_PP(1));
	bytea *body = PG_GETARG_BYTEA_PP(2);
	bool gzip = PG_GETARG_BOOL(3);
	int64 written;
	{
		auto [bucket, key] = hdl::fdw::SplitS3Url(location);
		std::unique_ptr<hdl::s3::Client> client = hdl::fdw::Connect(serverid, GetUserId());
		std::string data(VARDATA_ANY(body), VARSIZE_ANY_EXHDR(body));
		if (gzip)
			data = hdl::s3::Gzip(data);
		hdl::fdw::S3Call([&] {
			try {
				client->CreateBucket(bucket);
			} catch (const hdl::s3::S3Error &e) {
				if (e.http_status() != 409)
					throw;
			}
			client->PutObject(bucket, key, data);
		});
		written = static_cast<int64>(data.size());
	}
	PG_RETURN_INT64(written);
}

// hdl._test_gzip(bytea): gzip-compressed bytes, for corrupt and truncated fixtures.
HDL_FUNCTION(hdl_test_gzip) {
	RequireTestFunctions();
	bytea *body = PG_GETARG_BYTEA_PP(0);
	bytea *out;
	{
		std::string data = hdl::s3::Gzip(std::string_view(VARDATA_ANY(body), VARSIZE_ANY_EXHDR(body)));
		out = static_cast<bytea *>(hdl::pg::Guard(palloc, VARHDRSZ + data.size()));
		SET_VARSIZE(out, VARHDRSZ + data.size());
		memcpy(VARDATA(out), data.data(), data.size());
	}
	PG_RETURN_BYTEA_P(out);
}

// hdl._test_s3_keys(server, location): the keys under s3://bucket/prefix, in order.
HDL_FUNCTION(hdl_test_s3_keys) {
	RequireTestFunctions();
	Oid serverid = GetForeignServerByName(NameStr(*PG_GETARG_NAME(0)), false)->serverid;
	const char *location = text_to_cstring(PG_GETARG_TEXT_PP(1));
	ArrayBuildState *keys = initArrayResult(TEXTOID, CurrentMemoryContext, false);
	{
		auto [bucket, prefix] = hdl::fdw::SplitS3Url(location);
		std::unique_ptr<hdl::s3::Client> client = hdl::fdw::Connect(serverid, GetUserId());
		auto objects = hdl::fdw::S3Call([&] { return client->ListAllObjects(bucket, prefix); });
		for (const auto &o : objects)
			keys = hdl::pg::Guard(accumArrayResult, keys, PointerGetDatum(hdl::pg::Guard(cstring_to_text, o.key.c_str())),
			                      false, static_cast<Oid>(TEXTOID), CurrentMemoryContext);
	}
	PG_RETURN_DATUM(makeArrayResult(keys, CurrentMemoryContext));
}

// hdl._test_s3_get(server, location): an object's bytes, as stored.
HDL_FUNCTION(hdl_test_s3_get) {
	RequireTestFunctions();
	Oid serverid = GetForeignServerByName(NameStr(*PG_GETARG_NAME(0)), false)->serverid;
	const char *location = text_to_cstring(PG_GETARG_TEXT_PP(1));
	bytea *out;
	{
		auto [bucket, key] = hdl::fdw::SplitS3Url(location);
		std::unique_ptr<hdl::s3::Client> client = hdl::fdw::Connect(serverid, GetUserId());
		std::string data = hdl::fdw::S3Call([&] { return client->GetObjectAsString(bucket, key); });
		out = static_cast<bytea *>(hdl::pg::Guard(palloc, VARHDRSZ + data.size()));
		SET_VARSIZE(out, VARHDRSZ + data.size());
		memcpy(VARDATA(out), data.data(), data.size());
	}
	PG_RETURN_BYTEA_P(out);
}
