// ScanLake (see lake_scan.hpp): all resources of a type by a heap scan of its partition (the
// documents are read in the buffer, not copied); some ids, or the changes between two snapshots,
// through an SPI cursor on the type's partition (of hdl_lake.resource or of the change log),
// fetched in batches. The C-style steps run inside pg::Guard and hold no C++
// objects.
#include <string>
#include <vector>

#include "ingest/lake_tables.hpp"
#include "sof/lake_scan.hpp"
#include "pg/guard.hpp"
#include "ingest/partition_statements.hpp"
#include "pg/jsonb.hpp"
#include "pg/spi.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/partition.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "executor/tuptable.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace hdl::sof_pg {

static_assert(sizeof(Datum) == sizeof(uintptr_t), "LakeSelection keeps Datums as uintptr_t");

namespace {

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

struct HeapScanArgs {
	Oid partition;
	const char *type;
	Relation rel;
	TableScanDesc scan;
	TupleTableSlot *slot;
	MemoryContext row;
	AttrNumber type_att, id_att, doc_att;
	// the current row
	const char *id;
	int id_length;
	Jsonb *doc;
	bool found;
};

AttrNumber
AttributeNumber(Relation rel, const char *name) {
	TupleDesc desc = RelationGetDescr(rel);
	for (int i = 0; i < desc->natts; i++)
		if (!TupleDescAttr(desc, i)->attisdropped && strcmp(NameStr(TupleDescAttr(desc, i)->attname), name) == 0)
			return static_cast<AttrNumber>(i + 1);
	elog(ERROR, "hdl: column \"%s\" of \"%s\" is missing", name, RelationGetRelationName(rel));
	return InvalidAttrNumber;
}

// The scan uses the statement's snapshot and needs SELECT on hdl_lake.resource, as a SELECT
// through the parent would.
void
HeapBeginC(HeapScanArgs *a) {
	Oid parent = get_partition_parent(a->partition, false);
	AclResult acl = pg_class_aclcheck(parent, GetUserId(), ACL_SELECT);
	if (acl != ACLCHECK_OK)
		aclcheck_error(acl, OBJECT_TABLE, get_rel_name(parent));
	a->rel = table_open(a->partition, AccessShareLock);
	a->type_att = AttributeNumber(a->rel, "resource_type");
	a->id_att = AttributeNumber(a->rel, "id");
	a->doc_att = AttributeNumber(a->rel, "resource");
	a->scan = table_beginscan(a->rel, GetActiveSnapshot(), 0, nullptr);
	a->slot = table_slot_create(a->rel, nullptr);
	a->row = AllocSetContextCreate(CurrentMemoryContext, "hdl lake scan row", ALLOCSET_DEFAULT_SIZES);
}

// The next row of the type (a default partition holds several); documents stored inline and
// uncompressed are used in place, others are detoasted into the row context.
void
HeapNextC(HeapScanArgs *a) {
	MemoryContextReset(a->row);
	a->found = false;
	size_t type_length = strlen(a->type);
	while (table_scan_getnextslot(a->scan, ForwardScanDirection, a->slot)) {
		bool isnull;
		text *type = DatumGetTextPP(slot_getattr(a->slot, a->type_att, &isnull));
		if (VARSIZE_ANY_EXHDR(type) != type_length || memcmp(VARDATA_ANY(type), a->type, type_length) != 0)
			continue;
		MemoryContext old = MemoryContextSwitchTo(a->row);
		text *id = DatumGetTextPP(slot_getattr(a->slot, a->id_att, &isnull));
		a->id = VARDATA_ANY(id);
		a->id_length = static_cast<int>(VARSIZE_ANY_EXHDR(id));
		a->doc = DatumGetJsonbP(slot_getattr(a->slot, a->doc_att, &isnull));
		MemoryContextSwitchTo(old);
		a->found = true;
		return;
	}
}

void
HeapEndC(HeapScanArgs *a) {
	ExecDropSingleTupleTableSlot(a->slot);
	table_endscan(a->scan);
	table_close(a->rel, NoLock);
	MemoryContextDelete(a->row);
}

MemoryContext
NewBatchContext() {
	return AllocSetContextCreate(CurrentMemoryContext, "hdl lake scan batch", ALLOCSET_DEFAULT_SIZES);
}

} // namespace

void
ScanLake(const std::string &type, const LakeSelection &which, int batch, const ResourceVisitor &visit) {
	if (which.ids == nullptr && !which.changes) {
		HeapScanArgs scan {};
		scan.partition = ingest::lake::PartitionsOf(type, false).current;
		scan.type = type.c_str();
		pg::Guard(HeapBeginC, &scan);
		for (;;) {
			pg::Guard(HeapNextC, &scan);
			if (!scan.found)
				break;
			visit(std::string_view(scan.id, static_cast<size_t>(scan.id_length)), pg::JsonbNode(scan.doc));
		}
		// On an error the scan, relation and context go with the transaction (or subtransaction).
		pg::Guard(HeapEndC, &scan);
		return;
	}
	Datum values[4];
	values[0] = pg::TextDatum(type);
	// the type's partition itself: a cached generic plan (over the parent it is planned each time)
	ingest::lake::Partitions partition = ingest::lake::PartitionsOf(type, false);
	pg::CachedPlan *plan;
	if (which.changes) {
		values[1] = which.since;
		values[2] = which.upto;
		values[3] = which.own;
		plan = &ingest::StatementsFor(partition.history, partition.history_name).changes;
	} else {
		std::vector<const std::string *> items;
		items.reserve(which.ids->size());
		for (const std::string &id : *which.ids)
			items.push_back(&id);
		values[1] = pg::TextArray(items, false);
		plan = &ingest::StatementsFor(partition.current, partition.current_name).read;
	}
	OpenArgs open {plan, values, nullptr};
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
