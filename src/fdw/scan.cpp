// hdl_s3 row source and scan callbacks: Begin/Iterate/ReScan/End, and ANALYZE's sampling.
// Records come from RecordReader (C++); converting them to column values is PG-side code with an
// error context naming the object, the line and the column (like file_fdw's COPY context).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "audit/durable.hpp"
#include "core/fhir/redact.hpp"
#include "fdw/reader.hpp"
#include "fdw/table.hpp"
#include "fdw/scan.hpp"
#include "pg/entry.hpp"
#include "pg/guard.hpp"
#include "pg/memory.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "executor/executor.h"
#include "foreign/foreign.h"
#include "lib/stringinfo.h"
#include "nodes/execnodes.h"
#include "nodes/plannodes.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/json.h"
#include "utils/sampling.h"
}

namespace hdl::fdw {

struct ScanCpp {
	TableSpec spec;
	std::unique_ptr<s3::Client> client;
	std::vector<ObjectRef> objects;
	std::unique_ptr<RecordReader> reader;
	size_t next = 0;
	bool open = false;
	bool header_mapped = false;
};

namespace {

// One raw record: POD views into the reader's buffers, valid until the next fetch.
struct RawRecord {
	const char *line;
	size_t length;
	const std::vector<std::string> *fields;
	uint64 number;
};

void
SetupCpp(ScanCpp *cpp, Oid relid, TupleDesc tupdesc, Oid userid, List *keys, List *sizes) {
	cpp->spec = LoadTableSpec(relid, tupdesc);
	cpp->client = Connect(cpp->spec.serverid, userid);
	if (keys == NIL) {
		cpp->objects = S3Call([&] { return ListTableObjects(*cpp->client, cpp->spec.table); });
	} else {
		ListCell *k, *s;
		forboth (k, keys, s, sizes)
			cpp->objects.push_back({strVal(lfirst(k)), std::stoull(strVal(lfirst(s)))});
	}
	cpp->reader = std::make_unique<RecordReader>(*cpp->client, cpp->spec.table);
}

void
MapCsvHeader(FdwScan *fs) {
	ScanCpp *cpp = fs->cpp;
	const std::vector<std::string> &header = cpp->reader->header();
	int position = 0;
	for (int i = 0; i < fs->natts; i++) {
		AttrPlan &a = fs->attrs[i];
		if (a.source != ColumnSource::CsvField)
			continue;
		if (fs->csv_by_position) {
			a.csv_index = position++;
			continue;
		}
		a.csv_index = -1;
		for (size_t f = 0; f < header.size(); f++)
			if (header[f] == a.field)
				a.csv_index = static_cast<int>(f);
		if (a.csv_index < 0 && a.needed)
			throw pg::PgError(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND,
			                  std::string("CSV field \"") + a.field + "\" of column \"" + a.name +
			                      "\" is not in the header of " + fs->object,
			                  {}, "Name the field with the column option csv_field.", {});
	}
}

bool
NextRawCpp(FdwScan *fs, RawRecord *out) {
	ScanCpp *cpp = fs->cpp;
	return S3Call([&] {
		for (;;) {
			if (!cpp->open) {
				if (cpp->next >= cpp->objects.size())
					return false;
				const ObjectRef &object = cpp->objects[cpp->next];
				snprintf(fs->object, sizeof fs->object, "s3://%s/%s", cpp->spec.table.bucket.c_str(),
				         object.key.c_str());
				cpp->reader->Open(object);
				cpp->open = true;
				cpp->header_mapped = false;
			}
			bool got;
			if (fs->format == Format::Ndjson) {
				got = cpp->reader->NextLine(&out->line, &out->length, &out->number);
			} else {
				got = cpp->reader->NextRecord(&out->fields, &out->number);
				if (got && !cpp->header_mapped) {
					MapCsvHeader(fs);
					cpp->header_mapped = true;
				}
			}
			if (got)
				return true;
			cpp->open = false;
			cpp->next++;
		}
	});
}

void
ScanErrorContext(void *arg) {
	auto *fs = static_cast<FdwScan *>(arg);
	if (fs->object[0] == '\0')
		return;
	if (fs->line > 0 && fs->column != nullptr)
		errcontext("S3 object %s, line " UINT64_FORMAT ", column \"%s\"", fs->object, fs->line, fs->column);
	else if (fs->line > 0)
		errcontext("S3 object %s, line " UINT64_FORMAT, fs->object, fs->line);
	else
		errcontext("S3 object %s", fs->object);
}

// A JSON value as the column's type: jsonb directly, anything else through its input function.
Datum
JsonValueDatum(AttrPlan *a, JsonbValue *v, bool *isnull) {
	*isnull = false;
	if (a->typid == JSONBOID)
		return JsonbPGetDatum(JsonbValueToJsonb(v));
	const char *s;
	switch (v->type) {
	case jbvNull:
		*isnull = true;
		return (Datum) 0;
	case jbvString:
		if (a->typid == TEXTOID)
			return PointerGetDatum(cstring_to_text_with_len(v->val.string.val, v->val.string.len));
		s = pnstrdup(v->val.string.val, v->val.string.len);
		break;
	case jbvNumeric:
		s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
		break;
	case jbvBool:
		s = v->val.boolean ? "true" : "false";
		break;
	case jbvBinary:
		s = JsonbToCString(nullptr, v->val.binary.data, v->val.binary.len);
		break;
	default:
		*isnull = true;
		return (Datum) 0;
	}
	return InputFunctionCall(&a->infunc, const_cast<char *>(s), a->ioparam, a->typmod);
}

JsonbValue *
FindPath(Jsonb *jb, AttrPlan *a, JsonbValue *buf) {
	if (!JB_ROOT_IS_OBJECT(jb))
		return nullptr;
	JsonbContainer *c = &jb->root;
	JsonbValue *v = nullptr;
	for (int i = 0; i < a->npath; i++) {
		if (c == nullptr || !JsonContainerIsObject(c))
			return nullptr;
		v = getKeyJsonValueFromContainer(c, a->path[i], static_cast<int>(strlen(a->path[i])), buf);
		if (v == nullptr)
			return nullptr;
		c = v->type == jbvBinary ? v->val.binary.data : nullptr;
	}
	return v;
}

void
Convert(FdwScan *fs, RawRecord *rec, Datum *values, bool *nulls) {
	fs->line = rec->number;
	Jsonb *jb = nullptr;
	if (fs->format == Format::Ndjson && fs->parse_json)
		jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(rec->line)));
	for (int i = 0; i < fs->natts; i++) {
		AttrPlan *a = &fs->attrs[i];
		nulls[i] = true;
		values[i] = (Datum) 0;
		if (!a->needed)
			continue;
		fs->column = a->name;
		switch (a->source) {
		case ColumnSource::WholeResource:
			nulls[i] = false;
			values[i] = a->typid == JSONBOID ? JsonbPGetDatum(jb)
			                                 : InputFunctionCall(&a->infunc, const_cast<char *>(rec->line),
			                                                     a->ioparam, a->typmod);
			break;
		case ColumnSource::JsonKey: {
			JsonbValue buf;
			JsonbValue *v = FindPath(jb, a, &buf);
			if (v != nullptr)
				values[i] = JsonValueDatum(a, v, &nulls[i]);
			break;
		}
		case ColumnSource::CsvField:
			if (a->csv_index >= 0 && static_cast<size_t>(a->csv_index) < rec->fields->size()) {
				const std::string &field = (*rec->fields)[a->csv_index]; // no copy: a reference
				if (!field.empty()) {
					nulls[i] = false;
					values[i] = InputFunctionCall(&a->infunc, const_cast<char *>(field.c_str()), a->ioparam, a->typmod);
				}
			}
			break;
		case ColumnSource::ObjectKey: {
			const char *key = fs->object + 5 + strcspn(fs->object + 5, "/") + 1; // after s3://bucket/
			nulls[i] = false;
			values[i] = a->typid == TEXTOID ? CStringGetTextDatum(key)
			                                : InputFunctionCall(&a->infunc, const_cast<char *>(key), a->ioparam, a->typmod);
			break;
		}
		case ColumnSource::LineNumber: {
			char number[32];
			snprintf(number, sizeof number, UINT64_FORMAT, rec->number);
			nulls[i] = false;
			values[i] = InputFunctionCall(&a->infunc, number, a->ioparam, a->typmod);
			break;
		}
		}
	}
	fs->column = nullptr;
}

} // namespace

FdwScan *
ScanCreate(Relation rel, Oid userid, List *keys, List *sizes, List *attrs_used, MemoryContext cxt) {
	MemoryContext old = MemoryContextSwitchTo(cxt);
	TupleDesc tupdesc = RelationGetDescr(rel);
	auto *fs = static_cast<FdwScan *>(palloc0(sizeof(FdwScan)));
	fs->cpp = pg::OwnedByContext<ScanCpp>(cxt);
	SetupCpp(fs->cpp, RelationGetRelid(rel), tupdesc, userid, keys, sizes);
	const TableSpec &spec = fs->cpp->spec;
	fs->format = spec.table.format;
	fs->csv_by_position = !spec.table.header;
	fs->natts = tupdesc->natts;
	fs->attrs = static_cast<AttrPlan *>(palloc0(sizeof(AttrPlan) * Max(fs->natts, 1)));
	for (int i = 0; i < fs->natts; i++) {
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		AttrPlan *a = &fs->attrs[i];
		a->csv_index = -1;
		if (att->attisdropped)
			continue;
		a->source = spec.columns[i].source;
		a->needed = attrs_used == NIL || list_member_int(attrs_used, att->attnum);
		a->typid = att->atttypid;
		a->typmod = att->atttypmod;
		a->name = pstrdup(NameStr(att->attname));
		a->field = pstrdup(spec.columns[i].name.c_str());
		Oid infunc;
		getTypeInputInfo(att->atttypid, &infunc, &a->ioparam);
		fmgr_info_cxt(infunc, &a->infunc, cxt);
		if (a->source == ColumnSource::JsonKey) {
			char *copy = pstrdup(a->field);
			a->npath = 1;
			for (char *p = copy; *p; p++)
				a->npath += *p == '.';
			a->path = static_cast<char **>(palloc(sizeof(char *) * a->npath));
			int n = 0;
			a->path[n++] = copy;
			for (char *p = copy; *p; p++)
				if (*p == '.') {
					*p = '\0';
					a->path[n++] = p + 1;
				}
		}
		if (a->needed && (a->source == ColumnSource::JsonKey ||
		                  (a->source == ColumnSource::WholeResource && a->typid == JSONBOID)))
			fs->parse_json = true;
	}
	fs->errcb.callback = ScanErrorContext;
	fs->errcb.arg = fs;
	fs->relid = RelationGetRelid(rel);
	MemoryContextSwitchTo(old);
	return fs;
}

// Convert, with a conversion error re-raised without the value it quotes: raw objects hold
// identifiers, and the message reaches the server log (docs/errors.md, "What reaches the log").
// The reader, who reads the object anyway, gets the original message in the detail.
void
ConvertWithheld(FdwScan *fs, RawRecord *rec, Datum *values, bool *nulls) {
	MemoryContext cxt = CurrentMemoryContext;
	PG_TRY();
	{
		Convert(fs, rec, values, nulls);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		ErrorData *edata = CopyErrorData();
		FlushErrorState();
		const char *message = edata->message ? edata->message : "conversion failed";
		size_t size = strlen(message) * 2 + 2;
		char *withheld = static_cast<char *>(palloc(size));
		hdl::fhir::RedactQuoted(message, withheld, size);
		bool changed = strcmp(withheld, message) != 0; // the reader gets the value in the detail
		const char *detail = edata->detail ? edata->detail : "";
		ereport(ERROR, (errcode(edata->sqlerrcode), errmsg_internal("%s", withheld),
		                (changed || detail[0]) ? errdetail_internal("%s%s%s", changed ? message : "",
		                                                            changed && detail[0] ? "\n" : "", detail)
		                                       : 0,
		                errdetail_log("Not logged: S3 objects read in place may hold identifiers.")));
	}
	PG_END_TRY();
}

bool
ScanNext(FdwScan *fs, Datum *values, bool *nulls) {
	CHECK_FOR_INTERRUPTS();
	RawRecord rec;
	fs->line = 0;
	fs->column = nullptr;
	if (!NextRawCpp(fs, &rec))
		return false;
	CHECK_FOR_INTERRUPTS(); // a cancel during a transfer ends the query here
	ConvertWithheld(fs, &rec, values, nulls);
	return true;
}

void
ScanRewind(FdwScan *fs) {
	fs->cpp->next = 0;
	fs->cpp->open = false;
	fs->object[0] = '\0';
}

uint64
ScanBytesRead(FdwScan *fs) {
	return fs->cpp->reader->bytes_read();
}

uint64
ScanTotalBytes(FdwScan *fs) {
	uint64 total = 0;
	for (const auto &o : fs->cpp->objects)
		total += o.size;
	return total;
}

namespace {

// BeginForeignScan: nothing to do for EXPLAIN without ANALYZE; otherwise the scan state.
void
BeginImpl(ForeignScanState *node, int eflags) {
	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;
	auto *plan = reinterpret_cast<ForeignScan *>(node->ss.ps.plan);
	EState *estate = node->ss.ps.state;
	RangeTblEntry *rte = exec_rt_fetch(plan->scan.scanrelid, estate);
	Oid userid = OidIsValid(rte->checkAsUser) ? rte->checkAsUser : GetUserId();
	MemoryContext cxt = AllocSetContextCreate(estate->es_query_cxt, "hdl_s3 scan", ALLOCSET_DEFAULT_SIZES);
	node->fdw_state = ScanCreate(node->ss.ss_currentRelation, userid,
	                             static_cast<List *>(list_nth(plan->fdw_private, PRIVATE_KEYS)),
	                             static_cast<List *>(list_nth(plan->fdw_private, PRIVATE_SIZES)),
	                             static_cast<List *>(list_nth(plan->fdw_private, PRIVATE_ATTRS)), cxt);
	static_cast<FdwScan *>(node->fdw_state)->location =
	    MemoryContextStrdup(cxt, strVal(list_nth(plan->fdw_private, PRIVATE_LOCATION)));
}

// IterateForeignScan: one row in the per-tuple context, with the object/line error context.
TupleTableSlot *
IterateImpl(ForeignScanState *node) {
	auto *fs = static_cast<FdwScan *>(node->fdw_state);
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
	ExecClearTuple(slot);
	fs->errcb.previous = error_context_stack;
	error_context_stack = &fs->errcb; // left in place if an error unwinds: the handler resets the stack
	MemoryContext old = MemoryContextSwitchTo(node->ss.ps.ps_ExprContext->ecxt_per_tuple_memory);
	bool got = ScanNext(fs, slot->tts_values, slot->tts_isnull);
	MemoryContextSwitchTo(old);
	error_context_stack = fs->errcb.previous;
	if (got) {
		ExecStoreVirtualTuple(slot);
		fs->rows_returned++;
	}
	return slot;
}

// At most this many object keys are named in a scan's audit entry (the count is always there).
constexpr size_t AUDIT_MAX_KEYS = 100;

// EndForeignScan: one durable s3_read entry per scan (docs/audit.md): raw objects hold
// identifiers before import, so who read which objects, and how many rows, outlives a rollback.
// C-style: the detail is built in palloc'd memory, then written with no C++ object alive.
void
EndImpl(ForeignScanState *node) {
	auto *fs = static_cast<FdwScan *>(node->fdw_state);
	if (fs == nullptr)
		return; // EXPLAIN without ANALYZE: nothing was read
	const ScanCpp *cpp = fs->cpp;
	// Outside a transaction (a cursor closed by an abort) no catalog may be read nor entry written.
	bool in_transaction = IsTransactionState();
	StringInfoData detail;
	initStringInfo(&detail);
	appendStringInfo(&detail, "{\"table_oid\": %u", fs->relid);
	if (in_transaction) {
		appendStringInfoString(&detail, ", \"server\": ");
		escape_json(&detail, GetForeignServer(cpp->spec.serverid)->servername);
		appendStringInfoString(&detail, ", \"table\": ");
		escape_json(&detail, quote_qualified_identifier(get_namespace_name(get_rel_namespace(fs->relid)),
		                                                get_rel_name(fs->relid)));
	}
	appendStringInfoString(&detail, ", \"bucket\": ");
	escape_json(&detail, cpp->spec.table.bucket.c_str());
	appendStringInfo(&detail, ", \"objects_planned\": %zu, \"objects\": [", cpp->objects.size());
	for (size_t i = 0; i < cpp->objects.size() && i < AUDIT_MAX_KEYS; i++) {
		if (i > 0)
			appendStringInfoString(&detail, ", ");
		escape_json(&detail, cpp->objects[i].key.c_str());
	}
	appendStringInfo(&detail, "], \"rows\": " UINT64_FORMAT "}", fs->rows_returned);
	if (in_transaction)
		hdl::audit::WriteDurable("s3_read", fs->location, detail.data);
	else { // the server log keeps it, with role oids: no catalog lookup here
		StringInfoData line;
		initStringInfo(&line);
		appendStringInfo(&line, "{\"event\": \"s3_read\", \"role_oid\": %u, \"login_role_oid\": %u, \"subject\": ",
		                 GetOuterUserId(), GetSessionUserId());
		escape_json(&line, fs->location);
		appendStringInfo(&line, ", \"detail\": %s}", detail.data);
		ereport(LOG_SERVER_ONLY, (errmsg("hdl audit: %s", line.data), errhidestmt(true), errhidecontext(true)));
	}
	node->fdw_state = nullptr;
}

void
ReScanImpl(ForeignScanState *node) {
	if (node->fdw_state != nullptr)
		ScanRewind(static_cast<FdwScan *>(node->fdw_state));
}

// ANALYZE: every row goes through the reservoir (file_fdw's sampling).
int
AcquireSampleImpl(Relation relation, int elevel, HeapTuple *rows, int targrows, double *totalrows,
                  double *totaldeadrows) {
	TupleDesc tupdesc = RelationGetDescr(relation);
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext cxt = AllocSetContextCreate(caller, "hdl_s3 analyze", ALLOCSET_DEFAULT_SIZES);
	MemoryContext tuple_cxt = AllocSetContextCreate(cxt, "hdl_s3 analyze row", ALLOCSET_DEFAULT_SIZES);
	FdwScan *fs = ScanCreate(relation, GetUserId(), NIL, NIL, NIL, cxt);
	Datum *values = static_cast<Datum *>(palloc(sizeof(Datum) * Max(tupdesc->natts, 1)));
	bool *nulls = static_cast<bool *>(palloc(sizeof(bool) * Max(tupdesc->natts, 1)));
	ReservoirStateData rstate;
	reservoir_init_selection_state(&rstate, targrows);
	double rowstoskip = -1;
	int numrows = 0;
	*totalrows = 0;
	*totaldeadrows = 0;
	fs->errcb.previous = error_context_stack;
	error_context_stack = &fs->errcb;
	for (;;) {
		MemoryContextReset(tuple_cxt);
		MemoryContext old = MemoryContextSwitchTo(tuple_cxt);
		bool got = ScanNext(fs, values, nulls);
		MemoryContextSwitchTo(caller);
		if (!got)
			break;
		if (numrows < targrows) {
			rows[numrows++] = heap_form_tuple(tupdesc, values, nulls);
		} else {
			if (rowstoskip < 0)
				rowstoskip = reservoir_get_next_S(&rstate, *totalrows, targrows);
			if (rowstoskip <= 0) {
				int k = static_cast<int>(targrows * sampler_random_fract(&rstate.randstate));
				heap_freetuple(rows[k]);
				rows[k] = heap_form_tuple(tupdesc, values, nulls);
			}
			rowstoskip -= 1;
		}
		*totalrows += 1;
		(void) old;
	}
	error_context_stack = fs->errcb.previous;
	MemoryContextDelete(cxt);
	ereport(elevel, (errmsg("\"%s\": read %.0f rows from S3, sampled %d", RelationGetRelationName(relation),
	                        *totalrows, numrows)));
	return numrows;
}

int
AcquireSample(Relation relation, int elevel, HeapTuple *rows, int targrows, double *totalrows,
              double *totaldeadrows) noexcept {
	return pg::CallCpp("AcquireSampleRows", AcquireSampleImpl, relation, elevel, rows, targrows, totalrows,
	                   totaldeadrows);
}

uint64
CountBytes(Relation relation, uint64 *objects) {
	TableSpec spec = LoadTableSpec(RelationGetRelid(relation), RelationGetDescr(relation));
	std::unique_ptr<s3::Client> client = Connect(spec.serverid, GetUserId());
	std::vector<ObjectRef> list = S3Call([&] { return ListTableObjects(*client, spec.table); });
	uint64 bytes = 0;
	for (const auto &o : list)
		bytes += o.size;
	*objects = list.size();
	return bytes;
}

bool
AnalyzeImpl(Relation relation, AcquireSampleRowsFunc *func, BlockNumber *totalpages) {
	uint64 objects = 0;
	uint64 bytes = CountBytes(relation, &objects);
	*func = AcquireSample;
	*totalpages = static_cast<BlockNumber>(Max(bytes / BLCKSZ, 1));
	return objects > 0; // nothing to sample in an empty table
}

} // namespace

void
BeginScan(ForeignScanState *node, int eflags) noexcept {
	pg::CallCpp("BeginForeignScan", BeginImpl, node, eflags);
}

TupleTableSlot *
IterateScan(ForeignScanState *node) noexcept {
	return pg::CallCpp("IterateForeignScan", IterateImpl, node);
}

void
ReScan(ForeignScanState *node) noexcept {
	pg::CallCpp("ReScanForeignScan", ReScanImpl, node);
}

// EndForeignScan: the audit entry; the scan context goes with the query and takes the C++ state
// with it.
void
EndScan(ForeignScanState *node) noexcept {
	pg::CallCpp("EndForeignScan", EndImpl, node);
}

bool
AnalyzeTable(Relation relation, AcquireSampleRowsFunc *func, BlockNumber *totalpages) noexcept {
	return pg::CallCpp("AnalyzeForeignTable", AnalyzeImpl, relation, func, totalpages);
}

} // namespace hdl::fdw
