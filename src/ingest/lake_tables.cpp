// Partitions by resource type and direct bulk inserts (see lake_tables.hpp). The C-style
// functions run inside pg::Guard and hold no C++ objects.
#include <cstring>
#include <string>
#include <vector>

#include "ingest/lake_tables.hpp"
#include "pg/guard.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "access/relation.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "partitioning/partbounds.h"
#include "partitioning/partdesc.h"
#include "storage/lmgr.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/reltrigger.h"
}

namespace hdl::ingest::lake {

namespace pg = hdl::pg;

namespace {

struct LeafArgs {
	const char *parent;  // relation name in hdl_lake
	const char *type;
	Oid leaf;
};

// The leaf of a list-partitioned lake table whose bounds name the type, else its default.
void
LeafForC(LeafArgs *a) {
	Oid schema = get_namespace_oid("hdl_lake", false);
	Oid parent_oid = get_relname_relid(a->parent, schema);
	if (!OidIsValid(parent_oid))
		ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("relation \"hdl_lake.%s\" does not exist", a->parent)));
	Relation parent = relation_open(parent_oid, RowExclusiveLock);
	if (parent->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE), errmsg("hdl_lake.%s is not partitioned", a->parent)));
	PartitionDesc desc = RelationGetPartitionDesc(parent, true);
	PartitionBoundInfo bounds = desc->boundinfo;
	int index = -1;
	size_t len = strlen(a->type);
	for (int i = 0; bounds != nullptr && i < bounds->ndatums && index < 0; i++) {
		text *value = DatumGetTextPP(bounds->datums[i][0]);
		if (VARSIZE_ANY_EXHDR(value) == len && memcmp(VARDATA_ANY(value), a->type, len) == 0)
			index = bounds->indexes[i];
	}
	if (index < 0 && bounds != nullptr && partition_bound_has_default(bounds))
		index = bounds->default_index;
	if (index < 0)
		ereport(ERROR, (errcode(ERRCODE_CHECK_VIOLATION),
		                errmsg("no partition of hdl_lake.%s holds resource type \"%s\"", a->parent, a->type),
		                errhint("Give hdl_lake.%s a DEFAULT partition or one for this type.", a->parent)));
	if (!desc->is_leaf[index])
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
		                errmsg("partition \"%s\" of hdl_lake.%s is partitioned again", get_rel_name(desc->oids[index]),
		                       a->parent),
		                errdetail("hdl writes the lake's partitions directly; they must be plain tables.")));
	a->leaf = desc->oids[index];
	relation_close(parent, NoLock); // the lock is kept until the end of the transaction
}

struct TableArgs {
	const char *schema;
	const char *name;
	Oid table;
};

void
TableOidC(TableArgs *a) {
	a->table = get_relname_relid(a->name, get_namespace_oid(a->schema, false));
	if (!OidIsValid(a->table))
		ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("relation \"%s.%s\" does not exist", a->schema, a->name)));
}

struct NameArgs {
	Oid relation;
	char name[2 * NAMEDATALEN + 8];
};

void
QualifiedNameC(NameArgs *a) {
	const char *rel = get_rel_name(a->relation);
	if (rel == nullptr)
		elog(ERROR, "hdl: relation %u disappeared", a->relation);
	strlcpy(a->name, quote_qualified_identifier(get_namespace_name(get_rel_namespace(a->relation)), rel),
	        sizeof a->name);
}

struct InsertArgs {
	Oid table;
	int ncolumns;
	const char *const *columns;
	int nrows;
	const Datum *values;
	const char *nulls;
};

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
		                errdetail("hdl writes the lake's tables directly, as COPY does, and would skip them."),
		                errhint("Consume hdl_lake.change_log instead of a trigger.")));
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
			                errdetail("hdl writes the lake's tables directly and knows only its own columns.")));
	}
	if (live != a->ncolumns)
		elog(ERROR, "hdl: \"%s\" lacks columns hdl writes", RelationGetRelationName(rel));

	TupleTableSlot **slots = static_cast<TupleTableSlot **>(palloc(sizeof(TupleTableSlot *) * Max(a->nrows, 1)));
	for (int r = 0; r < a->nrows; r++) {
		TupleTableSlot *slot = ExecInitExtraTupleSlot(estate, desc, &TTSOpsVirtual);
		ExecClearTuple(slot);
		for (int att = 0; att < desc->natts; att++) {
			int c = slot_of[att];
			slot->tts_isnull[att] = c < 0 || a->nulls[r * a->ncolumns + c] != 0;
			slot->tts_values[att] = slot->tts_isnull[att] ? (Datum) 0 : a->values[r * a->ncolumns + c];
		}
		ExecStoreVirtualTuple(slot);
		if (rel->rd_att->constr != nullptr)
			ExecConstraints(rri, slot, estate);
		slots[r] = slot;
	}
	CommandId cid = GetCurrentCommandId(true);
	table_multi_insert(rel, slots, a->nrows, cid, 0, nullptr);
	for (int r = 0; r < a->nrows && rri->ri_NumIndices > 0; r++) {
		List *recheck = ExecInsertIndexTuples(rri, slots[r], estate, false, false, nullptr, NIL);
		list_free(recheck);
		ResetPerTupleExprContext(estate);
	}
	table_finish_bulk_insert(rel, 0);
	ExecResetTupleTable(estate->es_tupleTable, false);
	MemoryContextSwitchTo(saved);
	ExecCloseResultRelations(estate);
	ExecCloseRangeTableRelations(estate);
	FreeExecutorState(estate);
}

} // namespace

Partitions
PartitionsOf(const std::string &type) {
	Partitions out;
	LeafArgs current {"resource", type.c_str(), InvalidOid};
	pg::Guard(LeafForC, &current);
	LeafArgs history {"resource_history", type.c_str(), InvalidOid};
	pg::Guard(LeafForC, &history);
	NameArgs name {current.leaf, {0}};
	pg::Guard(QualifiedNameC, &name);
	out.current = current.leaf;
	out.history = history.leaf;
	out.current_name = name.name;
	return out;
}

Oid
TableOid(const char *schema, const char *name) {
	TableArgs args {schema, name, InvalidOid};
	pg::Guard(TableOidC, &args);
	return args.table;
}

void
InsertDirect(const DirectRows &rows) {
	size_t ncolumns = rows.columns.size();
	if (ncolumns == 0 || rows.values.size() % ncolumns != 0 || rows.nulls.size() != rows.values.size())
		throw hdl::Error(hdl::ErrorKind::Internal, "hdl: malformed direct insert");
	if (rows.values.empty())
		return;
	InsertArgs args {rows.table,         static_cast<int>(ncolumns), rows.columns.data(),
	                 static_cast<int>(rows.values.size() / ncolumns), rows.values.data(), rows.nulls.data()};
	pg::Guard(InsertDirectC, &args);
}

} // namespace hdl::ingest::lake
