// hdl_s3 planning: the handler, GetForeignRelSize (listing, pruning, estimates), paths, plan,
// and EXPLAIN. Pruning: quals "type column = 'X'", "resource->>'resourceType' = 'X'" (also
// IN lists) keep only objects whose file name names X or no type; quals on a metadata
// object_key column ("= 'k'", "LIKE 'p%'", "^@ 'p'") keep only matching keys. Every qual is
// still checked on each row.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "fdw/reader.hpp"
#include "fdw/table.hpp"
#include "fdw/scan.hpp"
#include "pg/entry.hpp"
#include "pg/memory.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "access/table.h"
#include "commands/explain.h"
#include "foreign/fdwapi.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
}

namespace hdl::fdw {

List *ImportSchema(ImportForeignSchemaStmt *stmt, Oid serverOid) noexcept; // import_schema.cpp

namespace {

// What planning found, kept for GetForeignPlan (owned by the planner's memory context).
struct PlanInfo {
	TableSpec spec;
	std::vector<ObjectRef> objects;
	size_t listed = 0;
	std::string pruning;
	std::string location;
	uint64_t bytes = 0;
};

// PG side of planning, POD only.
struct PlanState {
	PlanInfo *info;
	List *attrs_used;
	List *types;        // String: resource types the quals allow (NIL: any)
	bool types_limited; // a qual limited the types (types NIL then means none)
	List *key_exact;    // String
	List *key_prefixes; // String
};

Node *
StripRelabel(Node *n) {
	while (n != nullptr && IsA(n, RelabelType))
		n = reinterpret_cast<Node *>(reinterpret_cast<RelabelType *>(n)->arg);
	return n;
}

bool
IsVarOf(Node *n, Index relid, int attno) {
	n = StripRelabel(n);
	return attno > 0 && n != nullptr && IsA(n, Var) && static_cast<Index>(reinterpret_cast<Var *>(n)->varno) == relid &&
	       reinterpret_cast<Var *>(n)->varattno == attno && reinterpret_cast<Var *>(n)->varlevelsup == 0;
}

const char *
TextConst(Node *n) {
	n = StripRelabel(n);
	if (n == nullptr || !IsA(n, Const))
		return nullptr;
	Const *c = reinterpret_cast<Const *>(n);
	if (c->constisnull || (c->consttype != TEXTOID && c->consttype != VARCHAROID))
		return nullptr;
	return TextDatumGetCString(c->constvalue);
}

// resource ->> 'resourceType' on the whole-resource column.
bool
IsTypeExpr(Node *n, Index relid, const TableSpec &spec) {
	n = StripRelabel(n);
	if (IsVarOf(n, relid, spec.type_attno))
		return true;
	if (n == nullptr || !IsA(n, OpExpr))
		return false;
	OpExpr *op = reinterpret_cast<OpExpr *>(n);
	if (op->opfuncid != F_JSONB_OBJECT_FIELD_TEXT || list_length(op->args) != 2)
		return false;
	const char *key = TextConst(static_cast<Node *>(lsecond(op->args)));
	return key != nullptr && strcmp(key, "resourceType") == 0 &&
	       IsVarOf(static_cast<Node *>(linitial(op->args)), relid, spec.whole_attno);
}

List *
IntersectTypes(PlanState *ps, List *allowed) {
	if (!ps->types_limited) {
		ps->types_limited = true;
		return allowed;
	}
	List *out = NIL;
	ListCell *a, *t;
	foreach (a, allowed)
		foreach (t, ps->types)
			if (strcmp(strVal(lfirst(t)), strVal(lfirst(a))) == 0)
				out = lappend(out, lfirst(t));
	return out;
}

void
ClassifyQual(PlanState *ps, Index relid, Expr *clause) {
	const TableSpec &spec = ps->info->spec;
	if (IsA(clause, OpExpr)) {
		OpExpr *op = reinterpret_cast<OpExpr *>(clause);
		if (list_length(op->args) != 2)
			return;
		Node *l = static_cast<Node *>(linitial(op->args)), *r = static_cast<Node *>(lsecond(op->args));
		if (op->opfuncid == F_TEXTEQ) {
			if (TextConst(l) != nullptr)
				std::swap(l, r);
			const char *value = TextConst(r);
			if (value == nullptr)
				return;
			if (IsTypeExpr(l, relid, spec))
				ps->types = IntersectTypes(ps, list_make1(makeString(pstrdup(value))));
			else if (IsVarOf(l, relid, spec.key_attno))
				ps->key_exact = lappend(ps->key_exact, makeString(pstrdup(value)));
		} else if ((op->opfuncid == F_STARTS_WITH || op->opfuncid == F_TEXTLIKE) &&
		           IsVarOf(l, relid, spec.key_attno)) {
			const char *value = TextConst(r);
			if (value == nullptr)
				return;
			char *prefix = pstrdup(value);
			if (op->opfuncid == F_TEXTLIKE) {
				size_t n = strcspn(prefix, "%_\\");
				if (prefix[n] != '%' || prefix[n + 1] != '\0')
					return; // only 'literal%' is a plain prefix
				prefix[n] = '\0';
			}
			ps->key_prefixes = lappend(ps->key_prefixes, makeString(prefix));
		}
	} else if (IsA(clause, ScalarArrayOpExpr)) {
		ScalarArrayOpExpr *op = reinterpret_cast<ScalarArrayOpExpr *>(clause);
		if (!op->useOr || op->opfuncid != F_TEXTEQ || list_length(op->args) != 2 ||
		    !IsTypeExpr(static_cast<Node *>(linitial(op->args)), relid, spec))
			return;
		Node *arr = StripRelabel(static_cast<Node *>(lsecond(op->args)));
		if (!IsA(arr, Const) || reinterpret_cast<Const *>(arr)->constisnull)
			return;
		Datum *elems;
		bool *nulls;
		int n;
		deconstruct_array(DatumGetArrayTypeP(reinterpret_cast<Const *>(arr)->constvalue), TEXTOID, -1, false,
		                  TYPALIGN_INT, &elems, &nulls, &n);
		List *allowed = NIL;
		for (int i = 0; i < n; i++)
			if (!nulls[i])
				allowed = lappend(allowed, makeString(TextDatumGetCString(elems[i])));
		ps->types = IntersectTypes(ps, allowed);
	}
}

void
LoadPlanInfo(PlanInfo *info, Oid relid, TupleDesc tupdesc) {
	info->spec = LoadTableSpec(relid, tupdesc);
	const TableOptions &t = info->spec.table;
	info->location = "s3://" + t.bucket + "/" + (t.key.empty() ? t.prefix : t.key);
}

void
ListAndPrune(PlanState *ps) {
	PlanInfo *info = ps->info;
	std::unique_ptr<s3::Client> client = Connect(info->spec.serverid, GetUserId());
	std::vector<ObjectRef> all = S3Call([&] { return ListTableObjects(*client, info->spec.table); });
	info->listed = all.size();
	std::set<std::string> types;
	ListCell *lc;
	foreach (lc, ps->types)
		types.insert(strVal(lfirst(lc)));
	for (auto &o : all) {
		bool keep = true;
		if (ps->types_limited) {
			std::string type = TypeFromKey(o.key);
			keep = type.empty() || types.count(type) > 0;
		}
		foreach (lc, ps->key_exact)
			keep = keep && o.key == strVal(lfirst(lc));
		foreach (lc, ps->key_prefixes)
			keep = keep && o.key.compare(0, strlen(strVal(lfirst(lc))), strVal(lfirst(lc))) == 0;
		if (keep) {
			info->bytes += o.size;
			info->objects.push_back(std::move(o));
		}
	}
	if (ps->types_limited) {
		info->pruning = "resourceType in (";
		bool first = true;
		for (const auto &t : types) {
			info->pruning += (first ? "" : ", ") + t;
			first = false;
		}
		info->pruning += ")";
	}
	foreach (lc, ps->key_exact)
		info->pruning += std::string(info->pruning.empty() ? "" : ", ") + "key = " + strVal(lfirst(lc));
	foreach (lc, ps->key_prefixes)
		info->pruning += std::string(info->pruning.empty() ? "" : ", ") + "key prefix " + strVal(lfirst(lc));
}

// GetForeignRelSize: list the objects (pruned by the quals) and estimate rows from their bytes,
// or from the density ANALYZE measured.
void
RelSizeImpl(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid) {
	auto *ps = static_cast<PlanState *>(palloc0(sizeof(PlanState)));
	baserel->fdw_private = ps;
	ps->info = pg::OwnedByContext<PlanInfo>(CurrentMemoryContext);
	Relation rel = table_open(foreigntableid, NoLock);
	LoadPlanInfo(ps->info, foreigntableid, RelationGetDescr(rel));
	int natts = RelationGetDescr(rel)->natts;
	table_close(rel, NoLock);

	Bitmapset *attrs = nullptr;
	pull_varattnos(reinterpret_cast<Node *>(baserel->reltarget->exprs), baserel->relid, &attrs);
	ListCell *lc;
	foreach (lc, baserel->baserestrictinfo) {
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		pull_varattnos(reinterpret_cast<Node *>(ri->clause), baserel->relid, &attrs);
		ClassifyQual(ps, baserel->relid, ri->clause);
	}
	for (int attno = 1; attno <= natts; attno++)
		if (bms_is_member(attno - FirstLowInvalidHeapAttributeNumber, attrs) ||
		    bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, attrs)) // a whole-row reference
			ps->attrs_used = lappend_int(ps->attrs_used, attno);
	if (ps->attrs_used == NIL)
		ps->attrs_used = list_make1_int(0); // no column at all (count(*)): NIL would mean every column

	ListAndPrune(ps);

	double pages = Max(static_cast<double>(ps->info->bytes) / BLCKSZ, 1);
	double rows;
	if (baserel->tuples >= 0 && baserel->pages > 0)
		rows = Max(baserel->tuples / baserel->pages * pages, 1); // density measured by ANALYZE
	else
		rows = Max(static_cast<double>(ps->info->bytes) / 1000.0, 1); // about 1 kB per FHIR resource
	baserel->pages = static_cast<BlockNumber>(pages);
	baserel->tuples = rows;
	baserel->rows = clamp_row_est(rows * clauselist_selectivity(root, baserel->baserestrictinfo, 0, JOIN_INNER,
	                                                            nullptr));
}

void
PathsImpl(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid) {
	auto *ps = static_cast<PlanState *>(baserel->fdw_private);
	// Transfer and parsing dominate: a sequential page cost per 8 kB plus CPU per row.
	Cost startup = 10;
	Cost total = startup + seq_page_cost * baserel->pages * 2 + cpu_tuple_cost * 10 * baserel->tuples;
	add_path(baserel, reinterpret_cast<Path *>(create_foreignscan_path(
	                      root, baserel, nullptr, baserel->rows, startup, total, NIL, baserel->lateral_relids,
	                      nullptr, nullptr)));
	(void) ps;
	(void) foreigntableid;
}

// GetForeignPlan: every qual stays local; fdw_private carries the objects and columns.
ForeignScan *
PlanImpl(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid, ForeignPath *best_path, List *tlist,
         List *scan_clauses, Plan *outer_plan) {
	auto *ps = static_cast<PlanState *>(baserel->fdw_private);
	PlanInfo *info = ps->info;
	List *keys = NIL, *sizes = NIL;
	for (size_t i = 0; i < info->objects.size(); i++) {
		char size[32];
		snprintf(size, sizeof size, "%llu", static_cast<unsigned long long>(info->objects[i].size));
		keys = lappend(keys, makeString(pstrdup(info->objects[i].key.c_str())));
		sizes = lappend(sizes, makeString(pstrdup(size)));
	}
	List *priv = list_make5(keys, sizes, ps->attrs_used, makeInteger(static_cast<int>(info->listed)),
	                        makeString(pstrdup(info->pruning.c_str())));
	priv = lappend(priv, makeString(pstrdup(info->location.c_str())));
	scan_clauses = extract_actual_clauses(scan_clauses, false);
	return make_foreignscan(tlist, scan_clauses, baserel->relid, NIL, priv, NIL, NIL, outer_plan);
}

// ExplainForeignScan: where, how many objects (and how many pruning removed), bytes with COSTS.
void
ExplainImpl(ForeignScanState *node, ExplainState *es) {
	List *priv = reinterpret_cast<ForeignScan *>(node->ss.ps.plan)->fdw_private;
	List *sizes = static_cast<List *>(list_nth(priv, PRIVATE_SIZES));
	int objects = list_length(sizes);
	int listed = intVal(list_nth(priv, PRIVATE_LISTED));
	const char *pruning = strVal(list_nth(priv, PRIVATE_PRUNING));
	ExplainPropertyText("S3 Location", strVal(list_nth(priv, PRIVATE_LOCATION)), es);
	ExplainPropertyInteger("S3 Objects", nullptr, objects, es);
	if (pruning[0] != '\0') {
		ExplainPropertyText("S3 Pruning", pruning, es);
		ExplainPropertyInteger("S3 Objects Pruned", nullptr, listed - objects, es);
	}
	if (es->costs) {
		int64 bytes = 0;
		ListCell *lc;
		foreach (lc, sizes)
			bytes += strtoll(strVal(lfirst(lc)), nullptr, 10);
		ExplainPropertyInteger("S3 Bytes", nullptr, bytes, es);
	}
	if (es->analyze && node->fdw_state != nullptr)
		ExplainPropertyInteger("S3 Bytes Read", nullptr,
		                       static_cast<int64>(ScanBytesRead(static_cast<FdwScan *>(node->fdw_state))), es);
}

void
RelSize(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid) noexcept {
	pg::CallCpp("GetForeignRelSize", RelSizeImpl, root, baserel, foreigntableid);
}

void
Paths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid) noexcept {
	pg::CallCpp("GetForeignPaths", PathsImpl, root, baserel, foreigntableid);
}

ForeignScan *
Plan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid, ForeignPath *best_path, List *tlist,
     List *scan_clauses, ::Plan *outer_plan) noexcept {
	return pg::CallCpp("GetForeignPlan", PlanImpl, root, baserel, foreigntableid, best_path, tlist, scan_clauses,
	                   outer_plan);
}

void
Explain(ForeignScanState *node, ExplainState *es) noexcept {
	pg::CallCpp("ExplainForeignScan", ExplainImpl, node, es);
}

} // namespace

} // namespace hdl::fdw

HDL_FUNCTION(hdl_s3_fdw_handler) {
	FdwRoutine *routine = makeNode(FdwRoutine);
	routine->GetForeignRelSize = hdl::fdw::RelSize;
	routine->GetForeignPaths = hdl::fdw::Paths;
	routine->GetForeignPlan = hdl::fdw::Plan;
	routine->BeginForeignScan = hdl::fdw::BeginScan;
	routine->IterateForeignScan = hdl::fdw::IterateScan;
	routine->ReScanForeignScan = hdl::fdw::ReScan;
	routine->EndForeignScan = hdl::fdw::EndScan;
	routine->ExplainForeignScan = hdl::fdw::Explain;
	routine->AnalyzeForeignTable = hdl::fdw::AnalyzeTable;
	routine->ImportForeignSchema = hdl::fdw::ImportSchema;
	PG_RETURN_POINTER(routine);
}
