// JsonRows and TypedRows (see rows_out.hpp). The C-style steps run inside pg::Guard with POD
// arguments; the C++ side prepares the cells' text or encoded jsonb for them.
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/fhirpath/temporal.hpp"
#include "core/json/jsonb_format.hpp"
#include "core/json/value.hpp"
#include "core/sof/column_type.hpp"
#include "sof/rows_out.hpp"
#include "pg/direct_insert.hpp"
#include "pg/guard.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "access/table.h"
#include "catalog/objectaddress.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/date.h"
#include "utils/timestamp.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"
}

namespace hdl::sof_pg {

// Postgres timestamps count from 2000-01-01; InstantToUnixMicros from 1970-01-01.
constexpr int64_t PostgresEpochOffsetMicros = INT64CONST(946684800) * 1000000;

// Postgres dates count days from 2000-01-01.
constexpr int64_t PostgresEpochOffsetDays = 10957;

enum class Target : uint8_t { Bool, Int4, Int8, Text, Jsonb, Numeric, TimestampTz, Date, Input };

struct ColumnSlot {
	Target target;
	bool period_start; // FHIR partial dates convert to the start of their period
	Oid type;
	int32 typmod;
	Oid ioparam;
	FmgrInfo input;
	char name[NAMEDATALEN];
};

// Numeric: data is a whole numeric varlena taken from a JSONB document (an unconstrained numeric
// column takes it as it is, without printing and parsing it again).
enum class In : uint8_t { Null, Bool, Int, Text, Numeric };

struct CellIn {
	In kind;
	bool boolean;
	int64 integer;
	const char *data; // Text: text bytes, or a whole jsonb varlena for Jsonb targets
	size_t length;
};

namespace {

MemoryContext
NewRowContext() {
	return AllocSetContextCreate(CurrentMemoryContext, "hdl view row", ALLOCSET_SMALL_SIZES);
}

// A batch's converted values: its first block is kept across resets, so every batch reuses the
// same memory instead of returning it to the system and faulting it back in.
MemoryContext
NewBatchContext() {
	return AllocSetContextCreate(CurrentMemoryContext, "hdl view batch", 1024 * 1024, 1024 * 1024,
	                             ALLOCSET_DEFAULT_MAXSIZE);
}

struct PutJsonArgs {
	ReturnSetInfo *rsinfo;
	MemoryContext row_context;
	const char *bytes;
	size_t length;
};

void
PutJsonC(PutJsonArgs *a) {
	MemoryContext old = MemoryContextSwitchTo(a->row_context);
	auto *jb = static_cast<Jsonb *>(palloc(a->length));
	memcpy(jb, a->bytes, a->length);
	SET_VARSIZE(jb, a->length);
	Datum value = JsonbPGetDatum(jb);
	bool isnull = false;
	tuplestore_putvalues(a->rsinfo->setResult, a->rsinfo->setDesc, &value, &isnull);
	MemoryContextSwitchTo(old);
	MemoryContextReset(a->row_context);
}

struct PrepareArgs {
	TupleDesc desc;           // the expected columns (SRF column definition list, or the mart table)
	MemoryContext memory;     // where the slots live
	const char *const *names; // the view's column names, then "_resource_key"
	const bool *period_start; // per column: a typed time column (partial values allowed)
	int count;
	ColumnSlot *slots;
};

void
PrepareC(PrepareArgs *a) {
	TupleDesc desc = a->desc;
	if (desc->natts != a->count)
		ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
		                errmsg("the column definition list has %d columns, the view needs %d", desc->natts, a->count),
		                errdetail("The view has %d columns; _resource_key text comes last.", a->count - 1),
		                errhint("List the view's columns in order, then _resource_key text.")));
	a->slots = static_cast<ColumnSlot *>(MemoryContextAllocZero(a->memory, sizeof(ColumnSlot) * a->count));
	for (int i = 0; i < a->count; i++) {
		Form_pg_attribute att = TupleDescAttr(desc, i);
		ColumnSlot &s = a->slots[i];
		if (att->attisdropped || strcmp(NameStr(att->attname), a->names[i]) != 0)
			ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
			                errmsg("column %d is \"%s\", the view's column is \"%s\"", i + 1, NameStr(att->attname),
			                       a->names[i]),
			                errhint("List the view's columns in order, then _resource_key text.")));
		strlcpy(s.name, a->names[i], NAMEDATALEN);
		s.period_start = a->period_start[i];
		s.type = att->atttypid;
		s.typmod = att->atttypmod;
		switch (s.type) {
		case BOOLOID:
			s.target = Target::Bool;
			break;
		case INT4OID:
			s.target = Target::Int4;
			break;
		case INT8OID:
			s.target = Target::Int8;
			break;
		case TEXTOID:
			s.target = Target::Text;
			break;
		case JSONBOID:
			s.target = Target::Jsonb;
			break;
		case NUMERICOID:
			s.target = att->atttypmod < 0 ? Target::Numeric : Target::Input;
			break;
		case TIMESTAMPTZOID:
			s.target = att->atttypmod < 0 ? Target::TimestampTz : Target::Input;
			break;
		case DATEOID:
			s.target = Target::Date;
			break;
		default:
			s.target = Target::Input;
			break;
		}
		Oid infunc;
		getTypeInputInfo(s.type, &infunc, &s.ioparam);
		fmgr_info_cxt(infunc, &s.input, a->memory);
	}
}

struct PutTypedArgs {
	ReturnSetInfo *rsinfo;
	MemoryContext row_context;
	ColumnSlot *slots;
	const CellIn *cells;
	int count;
	const char *key;
	int current; // the column being converted, for the error context
};

void
ConversionContext(void *arg) {
	auto *a = static_cast<PutTypedArgs *>(arg);
	errcontext("column \"%s\" of the row for %s", a->slots[a->current].name, a->key);
}

Datum
Convert(const ColumnSlot &s, const CellIn &c) {
	switch (s.target) {
	case Target::Bool:
		if (c.kind == In::Bool)
			return BoolGetDatum(c.boolean);
		break;
	case Target::Int8:
		if (c.kind == In::Int)
			return Int64GetDatum(c.integer);
		break;
	case Target::Int4:
		if (c.kind == In::Int)
			return Int32GetDatum(static_cast<int32>(c.integer));
		break;
	case Target::Text:
		return PointerGetDatum(cstring_to_text_with_len(c.data, static_cast<int>(c.length)));
	case Target::Jsonb: {
		auto *jb = static_cast<Jsonb *>(palloc(c.length));
		memcpy(jb, c.data, c.length);
		SET_VARSIZE(jb, c.length);
		return JsonbPGetDatum(jb);
	}
	case Target::Numeric:
		if (c.kind == In::Numeric) {
			auto *n = static_cast<char *>(palloc(c.length));
			memcpy(n, c.data, c.length);
			return PointerGetDatum(n);
		}
		break;
	case Target::TimestampTz: {
		// FHIR instants in their strict form without timestamptz_in's general date parser
		int64_t micros;
		if (c.kind == In::Text && hdl::fhirpath::InstantToUnixMicros(std::string_view(c.data, c.length), micros))
			return TimestampTzGetDatum(micros - PostgresEpochOffsetMicros);
		// a typed time column: "2019", "2019-05", "2019-05-03" are the start of the period (UTC)
		if (c.kind == In::Text && s.period_start &&
		    hdl::sof::FhirDateTimeStartMicros(std::string_view(c.data, c.length), micros) &&
		    micros - PostgresEpochOffsetMicros >= MIN_TIMESTAMP && micros - PostgresEpochOffsetMicros < END_TIMESTAMP)
			return TimestampTzGetDatum(micros - PostgresEpochOffsetMicros);
		break;
	}
	case Target::Date: {
		int64_t days;
		if (c.kind == In::Text && s.period_start &&
		    hdl::sof::FhirDateStartDays(std::string_view(c.data, c.length), days) &&
		    days - PostgresEpochOffsetDays >= DATETIME_MIN_JULIAN - POSTGRES_EPOCH_JDATE &&
		    days - PostgresEpochOffsetDays < DATE_END_JULIAN - POSTGRES_EPOCH_JDATE)
			return DateADTGetDatum(static_cast<DateADT>(days - PostgresEpochOffsetDays));
		break;
	}
	case Target::Input:
		break;
	}
	char *cstring = pnstrdup(c.data, c.length);
	return InputFunctionCall(const_cast<FmgrInfo *>(&s.input), cstring, s.ioparam, s.typmod);
}

// Converts one row's cells into datums in the current memory context, naming the column and
// the resource in conversion errors.
void
ConvertRow(PutTypedArgs *a, Datum *values, bool *nulls) {
	ErrorContextCallback callback;
	callback.callback = ConversionContext;
	callback.arg = a;
	callback.previous = error_context_stack;
	error_context_stack = &callback;
	// The row's text values share one allocation (a dozen pallocs per row otherwise).
	size_t text_bytes = 0;
	for (int i = 0; i < a->count; i++)
		if (a->cells[i].kind != In::Null && a->slots[i].target == Target::Text)
			text_bytes += MAXALIGN(VARHDRSZ + a->cells[i].length);
	char *arena = text_bytes > 0 ? static_cast<char *>(palloc(text_bytes)) : nullptr;
	for (int i = 0; i < a->count; i++) {
		a->current = i;
		const CellIn &c = a->cells[i];
		nulls[i] = c.kind == In::Null;
		if (nulls[i]) {
			values[i] = (Datum) 0;
		} else if (a->slots[i].target == Target::Text) {
			auto *t = reinterpret_cast<text *>(arena);
			SET_VARSIZE(t, VARHDRSZ + c.length);
			memcpy(VARDATA(t), c.data, c.length);
			values[i] = PointerGetDatum(t);
			arena += MAXALIGN(VARHDRSZ + c.length);
		} else {
			values[i] = Convert(a->slots[i], c);
		}
	}
	error_context_stack = callback.previous;
}

void
PutTypedC(PutTypedArgs *a) {
	MemoryContext old = MemoryContextSwitchTo(a->row_context);
	Datum *values = static_cast<Datum *>(palloc(sizeof(Datum) * a->count));
	bool *nulls = static_cast<bool *>(palloc(sizeof(bool) * a->count));
	ConvertRow(a, values, nulls);
	tuplestore_putvalues(a->rsinfo->setResult, a->rsinfo->setDesc, values, nulls);
	MemoryContextSwitchTo(old);
	MemoryContextReset(a->row_context);
}

struct ConvertArgs {
	PutTypedArgs *row;
	Datum *values;
	bool *nulls;
};

// For a mart table: the datums stay in the batch context until the batch is inserted.
void
ConvertIntoBatchC(ConvertArgs *a) {
	MemoryContext old = MemoryContextSwitchTo(a->row->row_context);
	ConvertRow(a->row, a->values, a->nulls);
	MemoryContextSwitchTo(old);
}

struct TableArgs {
	Oid table;
	MemoryContext memory;
	const char *const *names;
	const bool *period_start;
	int count;
	ColumnSlot *slots;
};

// The mart table's columns as conversion slots; the caller must be allowed to insert into it.
void
PrepareTableC(TableArgs *a) {
	if (pg_class_aclcheck(a->table, GetUserId(), ACL_INSERT) != ACLCHECK_OK)
		aclcheck_error(ACLCHECK_NO_PRIV, get_relkind_objtype(get_rel_relkind(a->table)), get_rel_name(a->table));
	Relation rel = table_open(a->table, RowExclusiveLock);
	PrepareArgs prepare {RelationGetDescr(rel), a->memory, a->names, a->period_start, a->count, nullptr};
	PrepareC(&prepare);
	a->slots = prepare.slots;
	table_close(rel, NoLock);
}

// A cell as text: strings and dates as stored, decimals exactly as written, complex values
// and collections as JSON text.
std::string_view
CellText(const sof::CellValue &cell, std::string &buffer) {
	using Kind = sof::CellValue::Kind;
	switch (cell.kind) {
	case Kind::Boolean:
		return cell.boolean ? "true" : "false";
	case Kind::Integer:
		buffer = std::to_string(cell.integer);
		return buffer;
	case Kind::Node:
		buffer = json::ToValue(cell.node).dump();
		return buffer;
	case Kind::Collection:
		buffer = sof::CellToValue(cell).dump();
		return buffer;
	default:
		if (cell.node.isString())
			return cell.node.str();
		if (cell.node.isNumber()) {
			buffer = cell.node.numberText();
			return buffer;
		}
		return cell.text;
	}
}

std::string
CellJsonb(const sof::CellValue &cell) {
	if (cell.kind != sof::CellValue::Kind::Collection && !cell.node.missing())
		return json::jsonb::Encode(cell.node);
	return json::jsonb::Encode(sof::CellToValue(cell));
}

} // namespace

std::vector<OutColumn>
MartLayout(const sof::CompiledView &view) {
	std::vector<OutColumn> out;
	const std::vector<sof::ColumnInfo> &columns = view.columns();
	for (size_t i = 0; i < columns.size(); i++) {
		bool typed = columns[i].typedTime();
		out.push_back(OutColumn {columns[i].name, i, false, typed});
		if (typed)
			out.push_back(OutColumn {sof::TimeTextColumnName(columns[i].name), i, true, false});
	}
	return out;
}

JsonRows::JsonRows(const sof::CompiledView &view, FunctionCallInfo fcinfo)
    : view_(view), rsinfo_(reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo)),
      row_context_(pg::Guard(NewRowContext)) {
}

void
JsonRows::OnRow(const sof::Row &row) {
	std::string bytes = json::jsonb::Encode(sof::RowToValue(view_, row));
	PutJsonArgs args {rsinfo_, row_context_, bytes.data(), bytes.size()};
	pg::Guard(PutJsonC, &args);
	rows_++;
}

TypedRows::TypedRows(const sof::CompiledView &view, FunctionCallInfo fcinfo)
    : view_(view), rsinfo_(reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo)),
      row_context_(pg::Guard(NewRowContext)), layout_(MartLayout(view)), slots_(nullptr),
      text_(layout_.size() + 1) {
	std::vector<const char *> names;
	std::unique_ptr<bool[]> period(new bool[layout_.size() + 1]());
	for (size_t i = 0; i < layout_.size(); i++) {
		names.push_back(layout_[i].name.c_str());
		period[i] = layout_[i].period_start;
	}
	names.push_back("_resource_key");
	PrepareArgs args {rsinfo_->setDesc, rsinfo_->econtext->ecxt_per_query_memory, names.data(), period.get(),
	                  static_cast<int>(names.size()), nullptr};
	pg::Guard(PrepareC, &args);
	slots_ = args.slots;
}

namespace {

// The row's cells as conversion inputs (text kept in `text`, one buffer per column), the
// resource key last.
void
PrepareCells(const sof::Row &row, const std::vector<OutColumn> &layout, const ColumnSlot *slots,
             const std::string &key, std::vector<std::string> &text, std::vector<CellIn> &cells) {
	size_t n = layout.size();
	cells.resize(n + 1);
	for (size_t i = 0; i < n; i++) {
		const sof::CellValue &cell = row[layout[i].cell];
		CellIn &in = cells[i];
		in = CellIn {In::Null, false, 0, nullptr, 0};
		if (cell.isNull())
			continue;
		Target target = slots[i].target;
		if (target == Target::Jsonb) {
			text[i] = CellJsonb(cell);
			in = CellIn {In::Text, false, 0, text[i].data(), text[i].size()};
			continue;
		}
		if (cell.kind == sof::CellValue::Kind::Boolean && target == Target::Bool) {
			in = CellIn {In::Bool, cell.boolean, 0, nullptr, 0};
			continue;
		}
		if (cell.kind == sof::CellValue::Kind::Integer &&
		    (target == Target::Int8 ||
		     (target == Target::Int4 && cell.integer >= PG_INT32_MIN && cell.integer <= PG_INT32_MAX))) {
			in = CellIn {In::Int, false, cell.integer, nullptr, 0};
			continue;
		}
		if (target == Target::Numeric && cell.node.isNumber() &&
		    cell.node.backend() == json::Node::Backend::Jsonb) {
			// the document's numeric varlena itself
			in = CellIn {In::Numeric, false, 0, static_cast<const char *>(cell.node.raw()), cell.node.rawLength()};
			continue;
		}
		std::string_view t = CellText(cell, text[i]);
		in = CellIn {In::Text, false, 0, t.data(), t.size()};
	}
	cells[n] = CellIn {In::Text, false, 0, key.data(), key.size()};
}

} // namespace

TypedRows::~TypedRows() = default;
TableRows::~TableRows() = default;

void
TypedRows::OnRow(const sof::Row &row) {
	PrepareCells(row, layout_, slots_, key_, text_, cells_);
	PutTypedArgs args {rsinfo_, row_context_, slots_, cells_.data(), static_cast<int>(cells_.size()), key_.c_str(), 0};
	pg::Guard(PutTypedC, &args);
	rows_++;
}

TableRows::TableRows(const sof::CompiledView &view, Oid table)
    : table_(table), batch_context_(pg::Guard(NewBatchContext)), layout_(MartLayout(view)),
      text_(layout_.size() + 1) {
	names_.reserve(layout_.size() + 1);
	std::unique_ptr<bool[]> period(new bool[layout_.size() + 1]());
	for (size_t i = 0; i < layout_.size(); i++) {
		names_.push_back(layout_[i].name.c_str());
		period[i] = layout_[i].period_start;
	}
	names_.push_back("_resource_key");
	// the slots live as long as the call (its memory context); the batch context is reset per batch
	TableArgs args {table, CurrentMemoryContext, names_.data(), period.get(), static_cast<int>(names_.size()),
	                nullptr};
	pg::Guard(PrepareTableC, &args);
	slots_ = args.slots;
	batch_.table = table;
	batch_.columns = names_;
	batch_.skip_indexes = pg::TableIsEmpty(table);
	if (batch_.skip_indexes)
		batch_.bulk = pg::NewBulkInsert(); // a load into an empty table, as COPY does
}

void
TableRows::OnRow(const sof::Row &row) {
	PrepareCells(row, layout_, slots_, key_, text_, cells_);
	size_t count = cells_.size();
	size_t at = batch_.values.size();
	batch_.values.resize(at + count);
	static_assert(sizeof(bool) == sizeof(char), "row_nulls_ holds bools");
	row_nulls_.resize(count);
	PutTypedArgs row_args {nullptr, batch_context_, slots_, cells_.data(), static_cast<int>(count), key_.c_str(), 0};
	ConvertArgs args {&row_args, batch_.values.data() + at, reinterpret_cast<bool *>(row_nulls_.data())};
	pg::Guard(ConvertIntoBatchC, &args);
	batch_.nulls.insert(batch_.nulls.end(), row_nulls_.begin(), row_nulls_.end());
	rows_++;
	if (++pending_ >= BatchRows)
		Flush();
}

void
TableRows::Finish() {
	Flush();
	pg::FreeBulkInsert(batch_.bulk);
	batch_.bulk = nullptr;
	if (batch_.skip_indexes)
		pg::RebuildIndexes(table_);
}

void
TableRows::Flush() {
	if (pending_ == 0)
		return;
	pg::InsertDirect(batch_);
	batch_.values.clear();
	batch_.nulls.clear();
	pending_ = 0;
	pg::Guard(MemoryContextReset, batch_context_);
}

} // namespace hdl::sof_pg
