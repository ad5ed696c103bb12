// hdl.read(type, id): the current version through the type's own partition, with a plan kept
// per partition and backend (partition_statements.hpp). As an SQL function over the
// partitioned parent it was planned again at every call, over every partition (issue 21:
// 3-4x a primary-key lookup). Which partition holds a type is remembered too, until a relcache
// invalidation of the parent or of that partition (a partition attached, detached or renamed,
// the extension dropped) says it may have changed.
#include <string>
#include <unordered_map>

#include "pg/entry.hpp"
#include "ingest/lake_tables.hpp"
#include "ingest/partition_statements.hpp"
#include "pg/guard.hpp"
#include "pg/spi.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
}

namespace {

struct Holder {
	Oid parent;     // hdl_lake.resource
	Oid partition;  // the leaf that holds the type
	std::string name;
};

std::unordered_map<std::string, Holder> holders;
bool callback_registered = false;

// A relcache callback: must not throw or ereport. clear() does neither.
void
ForgetHolders(Datum, Oid relid) {
	if (holders.empty())
		return;
	if (relid == InvalidOid) {
		holders.clear();
		return;
	}
	for (const auto &entry : holders)
		if (entry.second.parent == relid || entry.second.partition == relid) {
			holders.clear();
			return;
		}
}

void
RegisterCallbackC(void *) {
	CacheRegisterRelcacheCallback(ForgetHolders, (Datum) 0);
}

struct ReadArgs {
	hdl::pg::CachedPlan *plan;
	Datum values[2];
	Datum result;
	bool found;
};

// Runs inside pg::Guard: no C++ objects. The resource is copied out of SPI's memory into the
// caller's context before SPI_finish frees it.
void
ReadC(ReadArgs *a) {
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "hdl: SPI_connect failed");
	hdl::pg::EnsurePrepared(a->plan);
	int rc = SPI_execute_plan(a->plan->plan, a->values, nullptr, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "hdl: SPI_execute_plan failed (%s) for: %s", SPI_result_code_string(rc), a->plan->sql);
	if (SPI_processed > 0) {
		bool isnull = true;
		Datum d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull) {
			a->result = SPI_datumTransfer(d, false, -1);
			a->found = true;
		}
	}
	SPI_finish();
}

struct ParentArgs {
	Oid parent;
};

void
ParentC(ParentArgs *a) {
	a->parent = get_relname_relid("resource", get_namespace_oid("hdl_lake", false));
}

const Holder &
HolderOf(const std::string &type) {
	auto it = holders.find(type);
	if (it != holders.end())
		return it->second;
	if (!callback_registered) {
		hdl::pg::Guard(RegisterCallbackC, static_cast<void *>(nullptr));
		callback_registered = true;
	}
	hdl::ingest::lake::Partitions partition = hdl::ingest::lake::PartitionsOf(type, false);
	if (holders.size() >= 512) // callers may name any type: the memory stays bounded
		holders.clear();
	ParentArgs parent {InvalidOid};
	hdl::pg::Guard(ParentC, &parent);
	return holders[type] = Holder {parent.parent, partition.current, partition.current_name};
}

} // namespace

HDL_FUNCTION(hdl_read) {
	text *type_arg = PG_GETARG_TEXT_PP(0);
	text *id_arg = PG_GETARG_TEXT_PP(1);
	std::string type(VARDATA_ANY(type_arg), VARSIZE_ANY_EXHDR(type_arg));
	// a copy: a relcache invalidation during the read may clear the map
	Holder holder = HolderOf(type);
	hdl::ingest::PartitionStatements &statements = hdl::ingest::StatementsFor(holder.partition, holder.name);
	ReadArgs a {&statements.read_one, {PointerGetDatum(type_arg), PointerGetDatum(id_arg)}, 0, false};
	hdl::pg::Guard(ReadC, &a);
	if (!a.found)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(a.result);
}
