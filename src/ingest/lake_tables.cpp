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
	LOCKMODE lock;
	Oid leaf;
};

// The leaf of a list-partitioned lake table whose bounds name the type, else its default.
void
LeafForC(LeafArgs *a) {
	Oid schema = get_namespace_oid("hdl_lake", false);
	Oid parent_oid = get_relname_relid(a->parent, schema);
	if (!OidIsValid(parent_oid))
		ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("relation \"hdl_lake.%s\" does not exist", a->parent)));
	Relation parent = relation_open(parent_oid, a->lock);
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

} // namespace

Partitions
PartitionsOf(const std::string &type, bool for_write) {
	Partitions out;
	LOCKMODE lock = for_write ? RowExclusiveLock : AccessShareLock;
	LeafArgs current {"resource", type.c_str(), lock, InvalidOid};
	pg::Guard(LeafForC, &current);
	LeafArgs history {"resource_history", type.c_str(), lock, InvalidOid};
	pg::Guard(LeafForC, &history);
	NameArgs name {current.leaf, {0}};
	pg::Guard(QualifiedNameC, &name);
	NameArgs history_name {history.leaf, {0}};
	pg::Guard(QualifiedNameC, &history_name);
	out.current = current.leaf;
	out.history = history.leaf;
	out.current_name = name.name;
	out.history_name = history_name.name;
	return out;
}

Oid
TableOid(const char *schema, const char *name) {
	TableArgs args {schema, name, InvalidOid};
	pg::Guard(TableOidC, &args);
	return args.table;
}

} // namespace hdl::ingest::lake
