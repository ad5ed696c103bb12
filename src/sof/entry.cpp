// SQL entry points of SQL-on-FHIR views: hdl.sof_evaluate (stateless), hdl.view_run (over the
// lake), hdl._mart_rows (typed rows for a mart table) and hdl._sof_columns (a view's columns).
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/sof/column_type.hpp"
#include "core/sof/view.hpp"
#include "sof/lake_scan.hpp"
#include "sof/rows_out.hpp"
#include "pg/entry.hpp"
#include "pg/guard.hpp"
#include "pg/jsonb.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/tuplestore.h"
}

namespace {

constexpr int LakeBatch = 500;

using hdl::Error;
using hdl::ErrorKind;
namespace sof = hdl::sof;

struct IdsArgs {
	ArrayType *array;
	Datum *elems;
	bool *nulls;
	int count;
};

void
IdsC(IdsArgs *a) {
	deconstruct_array(a->array, TEXTOID, -1, false, TYPALIGN_INT, &a->elems, &a->nulls, &a->count);
}

struct TextArgs {
	Datum value;
	const char *data;
	int length;
};

void
TextC(TextArgs *a) {
	text *t = DatumGetTextPP(a->value);
	a->data = VARDATA_ANY(t);
	a->length = static_cast<int>(VARSIZE_ANY_EXHDR(t));
}

std::vector<std::string>
IdList(ArrayType *array) {
	IdsArgs args {array, nullptr, nullptr, 0};
	hdl::pg::Guard(IdsC, &args);
	std::vector<std::string> ids;
	ids.reserve(static_cast<size_t>(args.count));
	for (int i = 0; i < args.count; i++) {
		if (args.nulls[i])
			continue;
		TextArgs t {args.elems[i], nullptr, 0};
		hdl::pg::Guard(TextC, &t);
		ids.emplace_back(t.data, static_cast<size_t>(t.length));
	}
	return ids;
}

void
Connect() {
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "hdl: SPI_connect failed");
}

void
Finish() {
	SPI_finish();
}

// Evaluates the view over the lake's resources of its type (some ids, or all), naming the
// resource in errors the data causes.
void
RunOverLake(const sof::CompiledView &view, const hdl::sof_pg::LakeSelection &which,
            const std::function<void(const std::string &key)> &before, sof::RowSink &sink) {
	std::string type = view.resourceType();
	std::string key; // reused: one per resource would allocate each time
	hdl::sof_pg::ScanLake(type, which, LakeBatch, [&](std::string_view id, const hdl::json::Node &resource) {
		key.assign(type).append("/").append(id);
		if (before)
			before(key);
		try {
			sof::Evaluate(view, resource, sink);
		} catch (const hdl::pg::PgError &) {
			throw;
		} catch (const Error &e) {
			throw Error(e.kind(), std::string(e.what()) + " (resource " + key + ")", e.detail(), e.hint());
		}
	});
}

} // namespace

// hdl.sof_evaluate(view jsonb, resources jsonb) returns setof jsonb
HDL_FUNCTION(hdl_sof_evaluate) {
	Jsonb *view_arg = PG_GETARG_JSONB_P(0);
	Jsonb *resources_arg = PG_GETARG_JSONB_P(1);
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	{
		sof::CompiledView view = sof::Compile(hdl::pg::JsonbNode(view_arg));
		hdl::json::Node resources = hdl::pg::JsonbNode(resources_arg);
		if (!resources.isArray())
			throw Error(ErrorKind::InvalidParameter, "resources must be a JSON array",
			            std::string("The argument is a JSON ") + hdl::json::TypeName(resources.type()) + ".",
			            "Pass an array of FHIR resources, e.g. jsonb_build_array(resource).");
		hdl::sof_pg::JsonRows sink(view, fcinfo);
		for (size_t i = 0; i < resources.size(); i++)
			sof::Evaluate(view, resources.at(i), sink);
	}
	return (Datum) 0;
}

// hdl.view_run(view jsonb) returns setof jsonb
HDL_FUNCTION(hdl_view_run) {
	Jsonb *view_arg = PG_GETARG_JSONB_P(0);
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	Connect();
	{
		sof::CompiledView view = sof::Compile(hdl::pg::JsonbNode(view_arg));
		hdl::sof_pg::JsonRows sink(view, fcinfo);
		RunOverLake(view, {}, nullptr, sink);
	}
	Finish();
	return (Datum) 0;
}

// hdl._mart_rows(view jsonb, ids text[]) returns setof record: typed rows of the view over the
// lake (all resources of its type when ids is NULL), with their resource key last.
HDL_FUNCTION(hdl_mart_rows) {
	hdl::pg::RequireArg(fcinfo, 0, "view");
	Jsonb *view_arg = PG_GETARG_JSONB_P(0);
	ArrayType *ids_arg = PG_ARGISNULL(1) ? nullptr : PG_GETARG_ARRAYTYPE_P(1);
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	Connect();
	{
		sof::CompiledView view = sof::Compile(hdl::pg::JsonbNode(view_arg));
		std::vector<std::string> ids;
		if (ids_arg)
			ids = IdList(ids_arg);
		hdl::sof_pg::TypedRows sink(view, fcinfo);
		hdl::sof_pg::LakeSelection which;
		which.ids = ids_arg ? &ids : nullptr;
		RunOverLake(view, which, [&](const std::string &key) { sink.setResourceKey(key); }, sink);
	}
	Finish();
	return (Datum) 0;
}

namespace {

// The view's typed rows over the selected resources, inserted straight into the mart table (its
// columns: the view's, then _resource_key); returns the rows inserted.
int64
FillMart(Jsonb *view_arg, const hdl::sof_pg::LakeSelection &which, Oid target) {
	int64 inserted;
	hdl::pg::Guard(Connect); // the caller's C++ objects are live
	{
		sof::CompiledView view = sof::Compile(hdl::pg::JsonbNode(view_arg));
		hdl::sof_pg::TableRows sink(view, target);
		RunOverLake(view, which, [&](const std::string &key) { sink.setResourceKey(key); }, sink);
		sink.Finish();
		inserted = static_cast<int64>(sink.rows());
	}
	hdl::pg::Guard(Finish);
	return inserted;
}

} // namespace

// hdl._mart_fill(view jsonb, target regclass) returns bigint: the view's rows over all the lake's
// resources of its type into the mart table (a full refresh).
HDL_FUNCTION(hdl_mart_fill) {
	PG_RETURN_INT64(FillMart(PG_GETARG_JSONB_P(0), {}, PG_GETARG_OID(1)));
}

// hdl._mart_fill_ids(view jsonb, ids text[], target regclass) returns bigint: the view's rows over
// the current versions of the given resources of its type into the mart table (the resources an
// opt-out withdrawal re-includes, docs/governance.md).
HDL_FUNCTION(hdl_mart_fill_ids) {
	Jsonb *view_arg = PG_GETARG_JSONB_P(0);
	std::vector<std::string> ids = IdList(PG_GETARG_ARRAYTYPE_P(1));
	hdl::sof_pg::LakeSelection which;
	which.ids = &ids;
	PG_RETURN_INT64(FillMart(view_arg, which, PG_GETARG_OID(2)));
}

// hdl._mart_fill_changes(view jsonb, since pg_snapshot, upto pg_snapshot, own xid8, target
// regclass) returns bigint: the view's rows over the current versions of the resources changed
// after `since` and seen by `upto` or written by `own`, read from the change log, into the mart
// table.
HDL_FUNCTION(hdl_mart_fill_changes) {
	Jsonb *view_arg = PG_GETARG_JSONB_P(0);
	hdl::sof_pg::LakeSelection which;
	which.changes = true;
	which.since = PG_GETARG_DATUM(1);
	which.upto = PG_GETARG_DATUM(2);
	which.own = PG_GETARG_DATUM(3);
	PG_RETURN_INT64(FillMart(view_arg, which, PG_GETARG_OID(4)));
}

namespace {

struct ColumnRowArgs {
	ReturnSetInfo *rsinfo;
	int ordinal;
	const char *name;
	const char *fhir_type; // "" -> NULL
	bool collection;
	const char *description; // "" -> NULL
	const char *sql_type;    // "" -> NULL
	const char *text_column; // "" -> NULL
	bool patient_key;
};

void
ColumnRowC(ColumnRowArgs *a) {
	Datum values[8];
	bool nulls[8] = {false, false, a->fhir_type[0] == '\0', false, a->description[0] == '\0',
	                 a->sql_type[0] == '\0', a->text_column[0] == '\0', false};
	values[0] = Int32GetDatum(a->ordinal);
	values[1] = CStringGetTextDatum(a->name);
	values[2] = nulls[2] ? (Datum) 0 : CStringGetTextDatum(a->fhir_type);
	values[3] = BoolGetDatum(a->collection);
	values[4] = nulls[4] ? (Datum) 0 : CStringGetTextDatum(a->description);
	values[5] = nulls[5] ? (Datum) 0 : CStringGetTextDatum(a->sql_type);
	values[6] = nulls[6] ? (Datum) 0 : CStringGetTextDatum(a->text_column);
	values[7] = BoolGetDatum(a->patient_key);
	tuplestore_putvalues(a->rsinfo->setResult, a->rsinfo->setDesc, values, nulls);
}

} // namespace

// hdl._sof_columns(view jsonb) returns table(ordinal, name, fhir_type, collection, description,
// sql_type, text_column, patient_key): the compiled view's columns (so an invalid view fails here, with its
// problem named). fhir_type is the view's type or the one inferred from the path; sql_type the
// type a postgres/type or ansi/type tag asks for; text_column the column that keeps the FHIR
// text of a typed time column; patient_key whether the path yields the patient's key.
HDL_FUNCTION(hdl_sof_columns) {
	Jsonb *view_arg = PG_GETARG_JSONB_P(0);
	InitMaterializedSRF(fcinfo, 0);
	auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
	{
		hdl::json::Node node = hdl::pg::JsonbNode(view_arg);
		sof::CompiledView view = sof::Compile(node);
		int ordinal = 0;
		for (const sof::ColumnInfo &c : view.columns()) {
			std::string text_column = c.typedTime() ? sof::TimeTextColumnName(c.name) : std::string();
			ColumnRowArgs args {rsinfo,         ++ordinal,       c.name.c_str(),      c.fhirType().c_str(),
			                    c.collection,   c.description.c_str(), c.sql_type.c_str(), text_column.c_str(),
			                    c.patient_key};
			hdl::pg::Guard(ColumnRowC, &args);
		}
	}
	return (Datum) 0;
}
