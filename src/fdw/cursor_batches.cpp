// hdl::fdw::OpenCursor and FetchBatch (see cursor_batches.hpp).
#include "fdw/cursor_batches.hpp"

namespace hdl::fdw {

Portal
OpenCursor(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls, bool read_only,
           Header *header) {
	SPIPlanPtr plan = SPI_prepare(sql, nargs, types);
	if (plan == nullptr)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	Portal portal = SPI_cursor_open(nullptr, plan, values, nulls, read_only);
	if (header != nullptr) {
		TupleDesc desc = portal->tupDesc;
		header->cols = desc->natts;
		header->names = static_cast<char **>(palloc(sizeof(char *) * Max(desc->natts, 1)));
		for (int i = 0; i < desc->natts; i++)
			header->names[i] = pstrdup(NameStr(TupleDescAttr(desc, i)->attname));
	}
	return portal;
}

void
FetchBatch(Portal portal, MemoryContext cxt, Batch *out) {
	MemoryContextReset(cxt);
	SPI_cursor_fetch(portal, true, 1000);
	SPITupleTable *tt = SPI_tuptable;
	out->rows = static_cast<int>(SPI_processed);
	out->cols = tt->tupdesc->natts;
	MemoryContext old = MemoryContextSwitchTo(cxt);
	out->cells = static_cast<char **>(palloc(sizeof(char *) * Max(out->rows * out->cols, 1)));
	for (int r = 0; r < out->rows; r++)
		for (int c = 0; c < out->cols; c++)
			out->cells[r * out->cols + c] = SPI_getvalue(tt->vals[r], tt->tupdesc, c + 1);
	MemoryContextSwitchTo(old);
	SPI_freetuptable(tt);
}

} // namespace hdl::fdw
