// TableSpec and the client of a foreign table (see table.hpp).
#include "fdw/table.hpp"
#include "pg/guard.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "foreign/foreign.h"
}

namespace hdl::fdw {

namespace {

// Catalog lookups that can ereport (missing user mapping, cache failures): called through Guard.
List *
ColumnOptionsC(Oid relid, AttrNumber attnum) {
	return GetForeignColumnOptions(relid, attnum);
}

} // namespace

TableSpec
LoadTableSpec(Oid relid, TupleDesc tupdesc) {
	TableSpec spec;
	spec.relid = relid;
	ForeignTable *ft = pg::Guard(GetForeignTable, relid);
	ForeignServer *server = pg::Guard(GetForeignServer, ft->serverid);
	spec.serverid = ft->serverid;
	spec.server_name = server->servername;
	spec.table = ParseTable(ToOptionList(ft->options));
	for (int i = 0; i < tupdesc->natts; i++) {
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		spec.names.emplace_back(NameStr(att->attname));
		spec.types.push_back(att->atttypid);
		if (att->attisdropped) {
			spec.columns.emplace_back();
			continue;
		}
		List *options = pg::Guard(ColumnOptionsC, relid, att->attnum);
		ColumnOptions c = ParseColumn(ToOptionList(options), spec.names.back(), att->atttypid == JSONBOID,
		                              spec.table.format);
		if (c.source == ColumnSource::JsonKey && c.name == "resourceType" && spec.type_attno == 0)
			spec.type_attno = att->attnum;
		if (c.source == ColumnSource::CsvField && c.name == "resourceType" && spec.type_attno == 0)
			spec.type_attno = att->attnum;
		if (c.source == ColumnSource::WholeResource && att->atttypid == JSONBOID && spec.whole_attno == 0)
			spec.whole_attno = att->attnum;
		if (c.source == ColumnSource::ObjectKey && spec.key_attno == 0)
			spec.key_attno = att->attnum;
		spec.columns.push_back(std::move(c));
	}
	return spec;
}

std::unique_ptr<s3::Client>
Connect(Oid serverid, Oid userid) {
	ForeignServer *server = pg::Guard(GetForeignServer, serverid);
	UserMapping *mapping = pg::Guard(GetUserMapping, userid, serverid);
	s3::Config config = ParseServer(ToOptionList(server->options));
	ParseUserMapping(ToOptionList(mapping->options), config.credentials);
	// Reading the interrupt flags is safe from libcurl's callbacks; the scan calls
	// CHECK_FOR_INTERRUPTS once the transfer has returned.
	config.cancel = [] { return QueryCancelPending || ProcDiePending; };
	return std::make_unique<s3::Client>(std::move(config));
}

void
ThrowS3(const s3::S3Error &e) {
	int sqlstate = e.cancelled()             ? ERRCODE_QUERY_CANCELED
	               : e.http_status() == 0    ? ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION
	                                         : ERRCODE_FDW_ERROR;
	throw pg::PgError(sqlstate, e.what(), e.detail(), e.hint(), {});
}

} // namespace hdl::fdw
