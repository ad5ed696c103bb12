// pg::InsertDirect (see direct_insert.hpp). The C-style function runs inside pg::Guard and
// holds no C++ objects.
#include <cstring>
#include <vector>

#include "core/error.hpp"
#include "pg/direct_insert.hpp"
#include "pg/guard.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/index.h"
#include "storage/bufmgr.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "storage/lmgr.h"
#include "utils/rel.h"
#include "utils/reltrigger.h"
}

namespace hdl::pg {

namespace {

struct InsertArgs {
	Oid table;
	int ncolumns;
	const char *const *columns;
	int nrows;
	const Datum *values;
	const char *nulls;
	bool skip_indexes;
	BulkInsertState bulk;
	MemoryContext work; // the batch's slots and tuples (null: the executor state's memory)
};

// A bulk load's state (DirectRows::bulk): the target page stays pinned across batches, and one
// memory context serves every batch. Its first block is kept across resets, so batch after batch
// reuses the same memory instead of returning it to the system and faulting it back in.
struct BulkLoad {
	BulkInsertState state;
	MemoryContext work;
};

void
NewBulkLoadC(BulkLoad **out) {
	BulkLoad *load = static_cast<BulkLoad *>(palloc(sizeof(BulkLoad)));
	load->state = GetBulkInsertState();
	load->work = AllocSetContextCreate(CurrentMemoryContext, "hdl bulk insert", 2 * 1024 * 1024, 2 * 1024 * 1024,
	                                  ALLOCSET_DEFAULT_MAXSIZE);
	*out = load;
}

void
FreeBulkLoadC(BulkLoad *load) {
	FreeBulkInsertState(load->state);
	MemoryContextDelete(load->work);
	pfree(load);
}

// table_multi_insert and index maintenance in one short-lived executor state, as COPY FROM
// does: no planning, no executor start-up, no partition routing.
void
InsertDirectC(InsertArgs *a) {
	LockRelationOid(a->table, RowExclusiveLock);
	EState *estate = CreateExecutorState();
	MemoryContext saved = MemoryContextSwitchTo(estate->es_query_cxt);

	RangeTblEntry *rte = makeNode(RangeTblEntry);
	rte->rtekind = RTE_RELATION;
	rte->relid = a->table;
	rte->relkind = RELKIND_RELATION;
	rte->rellockmode = RowExclusiveLock;
	ExecInitRangeTable(estate, list_make1(rte));
	ResultRelInfo *rri = makeNode(ResultRelInfo);
	ExecInitResultRelation(estate, rri, 1);
	Relation rel = rri->ri_RelationDesc;
	if (rel->rd_rel->relkind != RELKIND_RELATION)
		ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE), errmsg("\"%s\" is not a table", RelationGetRelationName(rel))));
	const TriggerDesc *triggers = rel->trigdesc;
	if (triggers != nullptr &&
	    (triggers->trig_insert_before_row || triggers->trig_insert_after_row || triggers->trig_insert_instead_row ||
	     triggers->trig_insert_before_statement || triggers->trig_insert_after_statement ||
	     triggers->trig_insert_new_table))
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
		                errmsg("INSERT triggers on \"%s\" are not supported", RelationGetRelationName(rel)),
		                errdetail("hdl writes this table directly, as COPY does, and would skip them."),
		                errhint("Drop the trigger; to react to new rows, read hdl_lake.change_log (the lake) or the refresh runs (marts, docs/etl.md).")));
	if (!a->skip_indexes)
		ExecOpenIndices(rri, false);

	// Each given column's attribute number; every live attribute must be given.
	TupleDesc desc = RelationGetDescr(rel);
	int *slot_of = static_cast<int *>(palloc(sizeof(int) * desc->natts));
	int live = 0;
	for (int att = 0; att < desc->natts; att++) {
		Form_pg_attribute attr = TupleDescAttr(desc, att);
		slot_of[att] = -1;
		if (attr->attisdropped)
			continue;
		live++;
		for (int c = 0; c < a->ncolumns; c++)
			if (strcmp(NameStr(attr->attname), a->columns[c]) == 0)
				slot_of[att] = c;
		if (slot_of[att] < 0)
			ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			                errmsg("hdl does not fill column \"%s\" of \"%s\"", NameStr(attr->attname),
			                       RelationGetRelationName(rel)),
			                errdetail("hdl writes this table directly and fills only its own columns.")));
	}
	if (live != a->ncolumns)
		elog(ERROR, "hdl: \"%s\" lacks columns hdl writes", RelationGetRelationName(rel));

	// The slots share a copy of the descriptor that is not reference-counted: a thousand slots on
	// the relation's own would each be remembered by the resource owner (a linear list). Each row
	// is formed once as a heap tuple the slot owns, so table_multi_insert neither materialises a
	// virtual slot (a copy of every value) nor forms the tuple again (a second copy).
	MemoryContextSwitchTo(a->work != nullptr ? a->work : estate->es_query_cxt);
	TupleDesc slot_desc = CreateTupleDescCopy(desc);
	TupleTableSlot **slots = static_cast<TupleTableSlot **>(palloc(sizeof(TupleTableSlot *) * Max(a->nrows, 1)));
	// constraints are checked on a virtual slot over the same values (no tuple deformed)
	TupleTableSlot *check = rel->rd_att->constr != nullptr ? MakeSingleTupleTableSlot(slot_desc, &TTSOpsVirtual) : nullptr;
	Datum *values = static_cast<Datum *>(palloc(sizeof(Datum) * Max(desc->natts, 1)));
	bool *isnull = static_cast<bool *>(palloc(sizeof(bool) * Max(desc->natts, 1)));
	for (int r = 0; r < a->nrows; r++) {
		for (int att = 0; att < desc->natts; att++) {
			int c = slot_of[att];
			isnull[att] = c < 0 || a->nulls[r * a->ncolumns + c] != 0;
			values[att] = isnull[att] ? (Datum) 0 : a->values[r * a->ncolumns + c];
		}
		if (check != nullptr) {
			ExecClearTuple(check);
			memcpy(check->tts_values, values, sizeof(Datum) * desc->natts);
			memcpy(check->tts_isnull, isnull, sizeof(bool) * desc->natts);
			ExecStoreVirtualTuple(check);
			ExecConstraints(rri, check, estate);
		}
		TupleTableSlot *slot = MakeSingleTupleTableSlot(slot_desc, &TTSOpsHeapTuple);
		ExecStoreHeapTuple(heap_form_tuple(slot_desc, values, isnull), slot, true);
		slots[r] = slot;
	}
	CommandId cid = GetCurrentCommandId(true);
	// A bulk load into an empty table (indexes rebuilt afterwards) appends: no free-space search.
	table_multi_insert(rel, slots, a->nrows, cid, a->skip_indexes ? TABLE_INSERT_SKIP_FSM : 0,
	                   a->bulk);
	for (int r = 0; r < a->nrows && rri->ri_NumIndices > 0; r++) {
		List *recheck = ExecInsertIndexTuples(rri, slots[r], estate, false, false, nullptr, NIL);
		list_free(recheck);
		ResetPerTupleExprContext(estate);
	}
	table_finish_bulk_insert(rel, 0);
	MemoryContextSwitchTo(saved); // the slots go with the executor state's memory, or the load's
	if (a->work != nullptr)
		MemoryContextReset(a->work);
	ExecCloseResultRelations(estate);
	ExecCloseRangeTableRelations(estate);
	FreeExecutorState(estate);
}

void
TableIsEmptyC(Oid table, bool *empty) {
	Relation rel = table_open(table, AccessShareLock);
	*empty = RelationGetNumberOfBlocks(rel) == 0;
	table_close(rel, NoLock);
}

void
RebuildIndexesC(Oid table) {
	ReindexParams params = {0, InvalidOid};
	reindex_relation(table, REINDEX_REL_CHECK_CONSTRAINTS, &params);
}

} // namespace

void *
NewBulkInsert() {
	BulkLoad *load = nullptr;
	Guard(NewBulkLoadC, &load);
	return load;
}

void
FreeBulkInsert(void *bulk) {
	if (bulk != nullptr)
		Guard(FreeBulkLoadC, static_cast<BulkLoad *>(bulk));
}

bool
TableIsEmpty(Oid table) {
	bool empty = false;
	Guard(TableIsEmptyC, table, &empty);
	return empty;
}

void
RebuildIndexes(Oid table) {
	Guard(RebuildIndexesC, table);
}

void
InsertDirect(const DirectRows &rows) {
	size_t ncolumns = rows.columns.size();
	if (ncolumns == 0 || rows.values.size() % ncolumns != 0 || rows.nulls.size() != rows.values.size())
		throw hdl::Error(hdl::ErrorKind::Internal, "hdl: malformed direct insert");
	if (rows.values.empty())
		return;
	auto *load = static_cast<BulkLoad *>(rows.bulk);
	InsertArgs args {rows.table,
	                 static_cast<int>(ncolumns),
	                 rows.columns.data(),
	                 static_cast<int>(rows.values.size() / ncolumns),
	                 rows.values.data(),
	                 rows.nulls.data(),
	                 rows.skip_indexes,
	                 load != nullptr ? load->state : nullptr,
	                 load != nullptr ? load->work : nullptr};
	Guard(InsertDirectC, &args);
}

} // namespace hdl::pg
