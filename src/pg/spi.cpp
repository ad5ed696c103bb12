// SPI helpers (see spi.hpp). The C-style static functions run inside pg::Guard and hold no
// C++ objects; the C++ wrappers prepare their POD arguments.
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "pg/guard.hpp"
#include "pg/memory.hpp"
#include "pg/spi.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "utils/array.h"
#include "utils/lsyscache.h"
}

namespace hdl::pg {

namespace {

struct ExecArgs {
	CachedPlan *plan;
	Datum *values;
	const char *nulls;
	bool read_only;
	uint64 processed;
};

void
ExecC(ExecArgs *a) {
	EnsurePrepared(a->plan);
	int rc = SPI_execute_plan(a->plan->plan, a->values, a->nulls, a->read_only, 0);
	if (rc < 0)
		elog(ERROR, "hdl: SPI_execute_plan failed (%s) for: %s", SPI_result_code_string(rc), a->plan->sql);
	a->processed = SPI_processed;
}

struct ArrayArgs {
	const char *const *data;
	const size_t *lengths;
	const bool *nulls;
	int n;
	Oid element_type;
	Datum result;
};

// Text-like (text, jsonb) arrays from raw bytes: text gets a varlena header, jsonb bytes are
// already whole varlenas.
void
VarlenaArrayC(ArrayArgs *a) {
	Datum *elems = static_cast<Datum *>(palloc(sizeof(Datum) * (a->n > 0 ? a->n : 1)));
	bool *nulls = static_cast<bool *>(palloc(sizeof(bool) * (a->n > 0 ? a->n : 1)));
	for (int i = 0; i < a->n; i++) {
		nulls[i] = a->nulls[i];
		if (nulls[i]) {
			elems[i] = (Datum) 0;
		} else if (a->element_type == TEXTOID) {
			elems[i] = PointerGetDatum(cstring_to_text_with_len(a->data[i], static_cast<int>(a->lengths[i])));
		} else {
			char *copy = static_cast<char *>(palloc(a->lengths[i]));
			memcpy(copy, a->data[i], a->lengths[i]);
			SET_VARSIZE(copy, a->lengths[i]);
			elems[i] = PointerGetDatum(copy);
		}
	}
	int16 typlen;
	bool typbyval;
	char typalign;
	get_typlenbyvalalign(a->element_type, &typlen, &typbyval, &typalign);
	int dims[1] = {a->n};
	int lbs[1] = {1};
	a->result = PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs, a->element_type, typlen, typbyval, typalign));
}

struct Int4ArrayArgs {
	const int32_t *items;
	int n;
	Datum result;
};

void
Int4ArrayC(Int4ArrayArgs *a) {
	Datum *elems = static_cast<Datum *>(palloc(sizeof(Datum) * (a->n > 0 ? a->n : 1)));
	for (int i = 0; i < a->n; i++)
		elems[i] = Int32GetDatum(a->items[i]);
	a->result = PointerGetDatum(construct_array(elems, a->n, INT4OID, 4, true, TYPALIGN_INT));
}

struct TextOutArgs {
	Datum value;
	char *data;
	int length;
};

void
DetoastTextC(TextOutArgs *a) {
	text *t = DatumGetTextPP(a->value);
	a->data = VARDATA_ANY(t);
	a->length = static_cast<int>(VARSIZE_ANY_EXHDR(t));
}

Datum
VarlenaArray(const std::vector<const std::string *> &items, bool empty_is_null, Oid type) {
	std::vector<const char *> data(items.size());
	std::vector<size_t> lengths(items.size());
	std::unique_ptr<bool[]> nulls(new bool[items.size() + 1]);
	for (size_t i = 0; i < items.size(); i++) {
		data[i] = items[i]->data();
		lengths[i] = items[i]->size();
		nulls[i] = empty_is_null && items[i]->empty();
	}
	ArrayArgs args {data.data(), lengths.data(), nulls.get(), static_cast<int>(items.size()), type, (Datum) 0};
	Guard(VarlenaArrayC, &args);
	return args.result;
}

// The name must be a string constant that outlives the context (AllocSetContextCreate's rule);
// callers pass literals.
MemoryContext
CreateContextC(const char *name) {
	return AllocSetContextCreateInternal(CurrentMemoryContext, name, ALLOCSET_DEFAULT_SIZES);
}

} // namespace

void
EnsurePrepared(CachedPlan *plan) {
	if (plan->plan != nullptr)
		return;
	SPIPlanPtr prepared = SPI_prepare(plan->sql, plan->nargs, plan->argtypes);
	if (prepared == nullptr)
		elog(ERROR, "hdl: SPI_prepare failed (%s) for: %s", SPI_result_code_string(SPI_result), plan->sql);
	if (SPI_keepplan(prepared) != 0)
		elog(ERROR, "hdl: SPI_keepplan failed");
	plan->plan = prepared;
}

TemporaryContext::TemporaryContext(const char *name) {
	context_ = Guard(CreateContextC, name);
	saved_ = MemoryContextSwitchTo(context_);
}

uint64_t
ExecutePlan(CachedPlan &plan, Datum *values, const char *nulls, bool read_only) {
	ExecArgs args {&plan, values, nulls, read_only, 0};
	Guard(ExecC, &args);
	return args.processed;
}

Datum
TextArray(const std::vector<const std::string *> &items, bool empty_is_null) {
	return VarlenaArray(items, empty_is_null, TEXTOID);
}

Datum
JsonbArray(const std::vector<const std::string *> &encoded_jsonb) {
	return VarlenaArray(encoded_jsonb, false, JSONBOID);
}

Datum
Int4Array(const std::vector<int32_t> &items) {
	Int4ArrayArgs args {items.data(), static_cast<int>(items.size()), (Datum) 0};
	Guard(Int4ArrayC, &args);
	return args.result;
}

Datum
TextDatum(const std::string &s) {
	// Guarded: s is alive across the allocation.
	return PointerGetDatum(Guard(cstring_to_text_with_len, s.c_str(), static_cast<int>(s.size())));
}

bool
ResultIsNull(uint64_t r, int c) {
	bool isnull;
	// Cannot ereport: heap_getattr on a valid tuple and column number.
	(void) SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, c, &isnull);
	return isnull;
}

int64_t
ResultInt64(uint64_t r, int c) {
	bool isnull;
	Datum d = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, c, &isnull);
	if (isnull)
		return 0;
	switch (SPI_gettypeid(SPI_tuptable->tupdesc, c)) {
	case INT2OID:
		return DatumGetInt16(d);
	case INT4OID:
		return DatumGetInt32(d);
	default:
		return DatumGetInt64(d);
	}
}

std::string
ResultText(uint64_t r, int c) {
	bool isnull;
	Datum d = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, c, &isnull);
	if (isnull)
		return {};
	TextOutArgs args {d, nullptr, 0};
	Guard(DetoastTextC, &args);
	return std::string(args.data, static_cast<size_t>(args.length));
}

} // namespace hdl::pg
