// ScanLake (see lake_scan.hpp): an SPI cursor over hdl_lake.resource, fetched in batches; the
// C-style steps run inside pg::Guard and hold no C++ objects.
#include <string>
#include <vector>

#include "sof/lake_scan.hpp"
#include "pg/guard.hpp"
#include "pg/jsonb.hpp"
#include "pg/spi.hpp"

#include "pg/postgres.hpp"

namespace hdl::sof_pg {

namespace {

// Partition pruning happens at run time for the parameterised resource type.
pg::CachedPlan all_plan {"SELECT r.id, r.resource FROM hdl_lake.resource r WHERE r.resource_type "
                         "OPERATOR(pg_catalog.=) $1",
                         1,
                         {TEXTOID},
                         nullptr};
pg::CachedPlan some_plan {"SELECT r.id, r.resource FROM hdl_lake.resource r WHERE r.resource_type "
                          "OPERATOR(pg_catalog.=) $1 AND r.id OPERATOR(pg_catalog.=) ANY ($2::text[])",
                          2,
                          {TEXTOID, TEXTARRAYOID},
                          nullptr};

struct OpenArgs {
	pg::CachedPlan *plan;
	Datum *values;
	Portal portal;
};

void
OpenC(OpenArgs *a) {
	pg::EnsurePrepared(a->plan);
	a->portal = SPI_cursor_open(nullptr, a->plan->plan, a->values, nullptr, true);
}

struct FetchArgs {
	Portal portal;
	int count;
	MemoryContext batch;
	uint64 rows;
};

void
FetchC(FetchArgs *a) {
	if (SPI_tuptable != nullptr)
		SPI_freetuptable(SPI_tuptable);
	MemoryContextReset(a->batch);
	SPI_cursor_fetch(a->portal, true, a->count);
	a->rows = SPI_processed;
}

struct RowArgs {
	MemoryContext batch;
	uint64 row;
	const char *id;
	int id_length;
	Jsonb *doc;
};

// Detoasts row r's id and document into the batch context.
void
RowC(RowArgs *a) {
	MemoryContext old = MemoryContextSwitchTo(a->batch);
	bool isnull;
	Datum id = SPI_getbinval(SPI_tuptable->vals[a->row], SPI_tuptable->tupdesc, 1, &isnull);
	text *t = DatumGetTextPP(id);
	a->id = VARDATA_ANY(t);
	a->id_length = static_cast<int>(VARSIZE_ANY_EXHDR(t));
	Datum doc = SPI_getbinval(SPI_tuptable->vals[a->row], SPI_tuptable->tupdesc, 2, &isnull);
	a->doc = DatumGetJsonbP(doc);
	MemoryContextSwitchTo(old);
}

void
CloseC(FetchArgs *a) {
	if (SPI_tuptable != nullptr)
		SPI_freetuptable(SPI_tuptable);
	SPI_cursor_close(a->portal);
	MemoryContextDelete(a->batch);
}

MemoryContext
NewBatchContext() {
	return AllocSetContextCreate(CurrentMemoryContext, "hdl lake scan batch", ALLOCSET_DEFAULT_SIZES);
}

} // namespace

void
ScanLake(const std::string &type, const std::vector<std::string> *ids, int batch, const ResourceVisitor &visit) {
	Datum values[2];
	values[0] = pg::TextDatum(type);
	if (ids) {
		std::vector<const std::string *> items;
		items.reserve(ids->size());
		for (const std::string &id : *ids)
			items.push_back(&id);
		values[1] = pg::TextArray(items, false);
	}
	OpenArgs open {ids ? &some_plan : &all_plan, values, nullptr};
	pg::Guard(OpenC, &open);
	FetchArgs fetch {open.portal, batch, pg::Guard(NewBatchContext), 0};
	for (;;) {
		pg::Guard(FetchC, &fetch);
		if (fetch.rows == 0)
			break;
		for (uint64 r = 0; r < fetch.rows; r++) {
			RowArgs row {fetch.batch, r, nullptr, 0, nullptr};
			pg::Guard(RowC, &row);
			visit(std::string_view(row.id, static_cast<size_t>(row.id_length)), pg::JsonbNode(row.doc));
		}
	}
	// On an error the portal and contexts go with the transaction (or subtransaction).
	pg::Guard(CloseC, &fetch);
}

} // namespace hdl::sof_pg
