// hdl::audit::WriteAsExtension (see owner_write.hpp): C-style Postgres code.
#include "audit/owner_write.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/syscache.h"
}

namespace hdl::audit {

namespace {

Oid
AuditOwner() {
	Oid nsp = get_namespace_oid("hdl_audit", false);
	HeapTuple tup = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(nsp));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "hdl: schema hdl_audit has no catalog row");
	Oid owner = reinterpret_cast<Form_pg_namespace>(GETSTRUCT(tup))->nspowner;
	ReleaseSysCache(tup);
	return owner;
}

} // namespace

int64_t
WriteAsExtension(const char *event, const char *subject, const char *detail_json) {
	Oid owner = AuditOwner();
	Oid saved_user;
	int saved_context;
	GetUserIdAndSecContext(&saved_user, &saved_context);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "hdl: SPI_connect failed");
	// Only this fixed statement runs as the owner; an error aborts the (sub)transaction, which
	// restores the user.
	SetUserIdAndSecContext(owner, saved_context | SECURITY_LOCAL_USERID_CHANGE);
	Oid types[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum values[3] = {CStringGetTextDatum(event), subject ? CStringGetTextDatum(subject) : (Datum)0,
	                   detail_json ? CStringGetTextDatum(detail_json) : (Datum)0};
	char nulls[4] = {' ', subject ? ' ' : 'n', detail_json ? ' ' : 'n', '\0'};
	int rc = SPI_execute_with_args("SELECT hdl.audit_write($1, $2, coalesce($3::pg_catalog.jsonb, '{}'))", 3, types,
	                               values, nulls, false, 1);
	SetUserIdAndSecContext(saved_user, saved_context);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "hdl: could not write the %s audit entry", event);
	bool isnull;
	int64_t id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	return id;
}

} // namespace hdl::audit
