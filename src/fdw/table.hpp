// What hdl_s3 knows about one foreign table: its options and column mappings (read once from
// the catalogs), and an S3 client built from its server and the user's mapping. C++ side.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/s3/client.hpp"
#include "core/s3/s3_error.hpp"
#include "fdw/options.hpp"

#include "pg/postgres.hpp"

namespace hdl::fdw {

struct TableSpec {
	Oid relid = InvalidOid;
	Oid serverid = InvalidOid;
	std::string server_name;
	TableOptions table;
	std::vector<ColumnOptions> columns; // by attnum - 1; dropped columns keep the defaults
	std::vector<std::string> names;
	std::vector<Oid> types;
	int type_attno = 0;  // a column holding resourceType (json_key resourceType), or 0
	int whole_attno = 0; // a jsonb column holding the whole resource, or 0
	int key_attno = 0;   // a metadata object_key column, or 0
};

// Reads the options of the table, its server and columns (tupdesc: the table's descriptor).
TableSpec LoadTableSpec(Oid relid, TupleDesc tupdesc);

// A client for the server, with the credentials of userid's user mapping; checks the endpoint
// against hdl.s3_allowed_endpoints again (the setting may have changed since CREATE SERVER).
std::unique_ptr<s3::Client> Connect(Oid serverid, Oid userid);

// An S3 failure as a Postgres error with an FDW SQLSTATE (HV00N when no server answered,
// 57014 when cancelled, HV000 otherwise); message, detail and hint as the client wrote them.
[[noreturn]] void ThrowS3(const s3::S3Error &e);

// Runs f, turning S3 errors into PgError.
template <typename F>
auto
S3Call(F f) -> decltype(f()) {
	try {
		return f();
	} catch (const s3::S3Error &e) {
		ThrowS3(e);
	}
}

} // namespace hdl::fdw
