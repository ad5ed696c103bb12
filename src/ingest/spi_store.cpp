// SpiStore: the lake's tables behind the ingest pipeline (see spi_store.hpp).
#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "core/json/jsonb_format.hpp"
#include "audit/log_line.hpp"
#include "guc.hpp"
#include "ingest/spi_store.hpp"
#include "pg/guard.hpp"
#include "pg/jsonb.hpp"
#include "pg/memory.hpp"
#include "pg/spi.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/timestamp.h"
}

namespace hdl::ingest {

namespace {

// Postgres timestamps count from 2000-01-01; FHIR instants are formatted from Unix time.
constexpr int64_t PostgresEpochOffsetMicros = INT64CONST(946684800) * 1000000;

// Row locks only: a big load in one transaction must not fill the shared lock table.
pg::CachedPlan lock_rows_plan {
    "SELECT r.resource_type, r.id, r.version FROM hdl_lake.resource r "
    "WHERE (r.resource_type, r.id) IN (SELECT t, i FROM ROWS FROM (pg_catalog.unnest($1::text[]), "
    "pg_catalog.unnest($2::text[])) AS u(t, i)) ORDER BY r.resource_type, r.id FOR UPDATE",
    2, {TEXTARRAYOID, TEXTARRAYOID}, nullptr};

// A provider's own resources answer its searches first; only when it has none do other
// sources' resources count (shared reference data such as organisations).
pg::CachedPlan find_plan {
    "WITH m AS (SELECT id, source_id OPERATOR(pg_catalog.=) $3 AS own FROM hdl_lake.resource "
    "WHERE resource_type OPERATOR(pg_catalog.=) $1 AND (resource -> 'identifier') OPERATOR(pg_catalog.@>) $2) "
    "SELECT id FROM m WHERE own OR NOT EXISTS (SELECT 1 FROM m WHERE own) ORDER BY id LIMIT 2",
    3, {TEXTOID, JSONBOID, INT4OID}, nullptr};

pg::CachedPlan next_batch_plan {"SELECT pg_catalog.nextval('hdl.ingest_batch_batch_id_seq')", 0, {}, nullptr};

pg::CachedPlan write_plan {
    "WITH rows AS (SELECT * FROM ROWS FROM (pg_catalog.unnest($1::text[]), pg_catalog.unnest($2::text[]), "
    "pg_catalog.unnest($3::int[]), pg_catalog.unnest($4::text[]), pg_catalog.unnest($5::text[]), "
    "pg_catalog.unnest($6::jsonb[])) AS u(resource_type, id, version, operation, patient, resource)), "
    "cur AS (INSERT INTO hdl_lake.resource AS r (resource_type, id, version, patient, last_updated, source_id, "
    "batch_id, resource) SELECT resource_type, id, version, patient, $7, $8, $9, resource FROM rows "
    "ON CONFLICT (resource_type, id) DO UPDATE SET version = EXCLUDED.version, patient = EXCLUDED.patient, "
    "last_updated = EXCLUDED.last_updated, source_id = EXCLUDED.source_id, batch_id = EXCLUDED.batch_id, "
    "resource = EXCLUDED.resource "
    "WHERE r.version OPERATOR(pg_catalog.=) (EXCLUDED.version OPERATOR(pg_catalog.-) 1) "
    "RETURNING r.*) "
    "INSERT INTO hdl_lake.resource_history (resource_type, id, version, operation, patient, last_updated, "
    "source_id, batch_id, resource) SELECT resource_type, id, version, "
    "CASE WHEN version OPERATOR(pg_catalog.=) 1 THEN 'create' ELSE 'update' END, patient, last_updated, "
    "source_id, batch_id, resource FROM cur "
    "RETURNING resource_type, id",
    9, {TEXTARRAYOID, TEXTARRAYOID, INT4ARRAYOID, TEXTARRAYOID, TEXTARRAYOID, JSONBARRAYOID, TIMESTAMPTZOID, INT4OID, INT8OID},
    nullptr};

pg::CachedPlan finish_batch_plan {
    "INSERT INTO hdl.ingest_batch (batch_id, source_id, submitted_by, kind, received_at, stored, rejected, "
    "resource_counts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)",
    8, {INT8OID, INT4OID, NAMEOID, TEXTOID, TIMESTAMPTZOID, INT4OID, INT4OID, TEXTOID}, nullptr};

// The batch's audit entry (docs/audit.md) and its catalogue counts (docs/catalogue.md).
pg::CachedPlan audit_ingest_plan {"SELECT hdl_audit._ingest($1, $2, $3, $4, $5, $6)", 6,
                                  {INT8OID, TEXTOID, INT4OID, INT4OID, INT4OID, TEXTARRAYOID}, nullptr};

pg::CachedPlan catalog_plan {"SELECT hdl._catalog_record($1, $2, $3, $4, $5, $6, $7, $8)", 8,
                             {INT8OID, TEXTARRAYOID, INT4ARRAYOID, INT4ARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
                              TEXTARRAYOID, INT4ARRAYOID},
                             nullptr};

pg::CachedPlan source_plan {
    "SELECT s.source_id, s.org_code FROM hdl.source s WHERE s.role_name OPERATOR(pg_catalog.=) $1 AND "
    "(NOT s.is_gateway OR s.org_code OPERATOR(pg_catalog.=) ($2::jsonb OPERATOR(pg_catalog.->>) 'hdl_org')) "
    "ORDER BY s.is_gateway LIMIT 1",
    2, {NAMEOID, TEXTOID}, nullptr};

void
KeyArrays(const std::vector<ResourceKey> &keys, Datum *values) {
	std::vector<const std::string *> types, ids;
	for (const auto &k : keys) {
		types.push_back(&k.type);
		ids.push_back(&k.id);
	}
	values[0] = pg::TextArray(types, false);
	values[1] = pg::TextArray(ids, false);
}

pg::CachedPlan find_link_plan {
    "SELECT l.pseudonym FROM pg_catalog.unnest($1::text[]) WITH ORDINALITY AS h(hash, ord) "
    "JOIN hdl_vault.link l ON l.link_hash OPERATOR(pg_catalog.=) h.hash ORDER BY h.ord LIMIT 1",
    1, {TEXTARRAYOID}, nullptr};

pg::CachedPlan known_plan {
    "SELECT 1 FROM hdl_vault.link WHERE pseudonym OPERATOR(pg_catalog.=) $1 LIMIT 1", 1, {TEXTOID}, nullptr};

pg::CachedPlan save_links_plan {
    "INSERT INTO hdl_vault.link (link_hash, key_id, pseudonym) SELECT h, $2, $3 FROM pg_catalog.unnest($1::text[]) h "
    "ON CONFLICT (link_hash) DO NOTHING",
    3, {TEXTARRAYOID, TEXTOID, TEXTOID}, nullptr};

// The identity statement calls pgcrypto, whose schema is only known at run time.
std::string save_identity_sql;
pg::CachedPlan save_identity_plan {nullptr, 5, {TEXTOID, INT4OID, TEXTOID, TEXTOID, TEXTOID}, nullptr};

struct SchemaArgs {
	char name[NAMEDATALEN];
};

void
PgcryptoSchemaC(SchemaArgs *a) {
	int rc = SPI_execute("SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n "
	                     "ON n.oid OPERATOR(pg_catalog.=) e.extnamespace WHERE e.extname OPERATOR(pg_catalog.=) 'pgcrypto'",
	                     true, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("hdl needs the pgcrypto extension"),
		                errhint("CREATE EXTENSION pgcrypto;")));
	strlcpy(a->name, quote_identifier(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1)), sizeof a->name);
}

} // namespace

std::string
SpiStore::FindLinkedPseudonym(const std::vector<std::string> &link_hashes) {
	std::vector<const std::string *> items;
	for (const auto &h : link_hashes)
		items.push_back(&h);
	Datum values[1] = {pg::TextArray(items, false)};
	uint64_t n = pg::ExecutePlan(find_link_plan, values, nullptr, false);
	return n == 0 ? std::string() : pg::ResultText(0, 1);
}

bool
SpiStore::PseudonymKnown(const std::string &pseudonym) {
	Datum values[1] = {pg::TextDatum(pseudonym)};
	return pg::ExecutePlan(known_plan, values, nullptr, false) > 0;
}

void
SpiStore::SaveIdentity(const std::string &subject, const std::string &vault_json,
                       const std::vector<std::string> &link_hashes) {
	if (save_identity_plan.sql == nullptr) {
		SchemaArgs schema;
		pg::Guard(PgcryptoSchemaC, &schema);
		save_identity_sql = std::string("INSERT INTO hdl_vault.identity (subject, source_id, key_id, payload, received_at) "
		                                "VALUES ($1, $2, $3, ") +
		                    schema.name + ".pgp_sym_encrypt($4, $5, 'cipher-algo=aes256, s2k-mode=1'), pg_catalog.now())";
		save_identity_plan.sql = save_identity_sql.c_str();
	}
	Datum values[5] = {pg::TextDatum(subject), Int32GetDatum(source_id_), pg::TextDatum(vault_key_id_),
	                   pg::TextDatum(vault_json), pg::TextDatum(vault_secret_)};
	pg::ExecutePlan(save_identity_plan, values, nullptr, false);
	if (link_hashes.empty())
		return;
	std::vector<const std::string *> items;
	for (const auto &h : link_hashes)
		items.push_back(&h);
	std::string pseudonym = subject.substr(subject.find('/') + 1);
	Datum link_values[3] = {pg::TextArray(items, false), pg::TextDatum(pseudonym_key_id_), pg::TextDatum(pseudonym)};
	pg::ExecutePlan(save_links_plan, link_values, nullptr, false);
}

int64_t
SpiStore::NowMicros() {
	return GetCurrentTransactionStartTimestamp() + PostgresEpochOffsetMicros;
}

std::vector<int>
SpiStore::LockAndReadVersions(const std::vector<ResourceKey> &keys) {
	Datum values[2];
	KeyArrays(keys, values);
	uint64_t n = pg::ExecutePlan(lock_rows_plan, values, nullptr, false);
	std::unordered_map<std::string, int> found;
	for (uint64_t r = 0; r < n; r++)
		found.emplace(pg::ResultText(r, 1) + "/" + pg::ResultText(r, 2), static_cast<int>(pg::ResultInt64(r, 3)));
	std::vector<int> versions(keys.size(), 0);
	for (size_t i = 0; i < keys.size(); i++)
		if (auto it = found.find(keys[i].type + "/" + keys[i].id); it != found.end())
			versions[i] = it->second;
	return versions;
}

std::vector<std::string>
SpiStore::FindByIdentifier(const RequestUrl &search) {
	// The identifier pattern as a jsonb parameter, so the GIN index on resource->'identifier' serves it.
	nlohmann::json pattern = {{{"value", search.identifier_value}}};
	if (search.has_system)
		pattern[0]["system"] = search.identifier_system;
	std::string encoded = hdl::json::jsonb::Encode(pattern);
	Datum values[3] = {pg::TextDatum(search.type), PointerGetDatum(pg::JsonbFromBytes(encoded)), Int32GetDatum(source_id_)};
	char nulls[3] = {' ', ' ', ' '};
	uint64_t n = pg::ExecutePlan(find_plan, values, nulls, false);
	std::vector<std::string> ids;
	for (uint64_t r = 0; r < n; r++)
		ids.push_back(pg::ResultText(r, 1));
	return ids;
}

int64_t
SpiStore::NewBatch() {
	pg::ExecutePlan(next_batch_plan, nullptr, nullptr, false);
	return pg::ResultInt64(0, 1);
}

std::vector<bool>
SpiStore::Write(int64_t batch, const std::vector<WriteRow> &rows) {
	pg::TemporaryContext chunk_memory("hdl ingest chunk"); // the arrays below copy every resource
	static const std::string create = "create", update = "update";
	std::vector<const std::string *> types, ids, operations, patients, resources;
	std::vector<int32_t> versions;
	for (const auto &row : rows) {
		types.push_back(&row.type);
		ids.push_back(&row.id);
		versions.push_back(row.version);
		operations.push_back(row.create ? &create : &update);
		patients.push_back(&row.patient);
		resources.push_back(&row.jsonb);
	}
	for (const auto &row : rows) {
		written_.push_back(row.type + "/" + row.id + "/_history/" + std::to_string(row.version));
		auto &counts = type_counts_[row.type];
		(row.create ? counts.first : counts.second)++;
		// the stored bytes are a whole jsonb varlena: walk its root in place
		elements_.Add(row.type, hdl::json::jsonb::FromRoot(row.jsonb.data() + VARHDRSZ,
		                                                   static_cast<uint32_t>(row.jsonb.size() - VARHDRSZ)));
	}
	Datum values[9] = {pg::TextArray(types, false),
	                   pg::TextArray(ids, false),
	                   pg::Int4Array(versions),
	                   pg::TextArray(operations, false),
	                   pg::TextArray(patients, true),
	                   pg::JsonbArray(resources),
	                   TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
	                   Int32GetDatum(source_id_),
	                   Int64GetDatum(batch)};
	uint64_t n = pg::ExecutePlan(write_plan, values, nullptr, false);
	std::vector<bool> written(rows.size(), n == rows.size());
	if (n == rows.size())
		return written;
	std::unordered_map<std::string, size_t> index;
	for (size_t i = 0; i < rows.size(); i++)
		index.emplace(rows[i].type + "/" + rows[i].id, i);
	for (uint64_t r = 0; r < n; r++)
		written[index.at(pg::ResultText(r, 1) + "/" + pg::ResultText(r, 2))] = true;
	return written;
}

void
SpiStore::FinishBatch(int64_t batch, const BatchSummary &summary) {
	NameData role;
	namestrcpy(&role, role_.c_str());
	Datum values[8] = {Int64GetDatum(batch),
	                   Int32GetDatum(source_id_),
	                   NameGetDatum(&role),
	                   pg::TextDatum(summary.kind),
	                   TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
	                   Int32GetDatum(summary.stored),
	                   Int32GetDatum(summary.rejected),
	                   pg::TextDatum(summary.counts.dump())};
	pg::ExecutePlan(finish_batch_plan, values, nullptr, false);

	if (guc::audit_ingest) {
		std::vector<const std::string *> keys;
		for (const auto &k : written_)
			keys.push_back(&k);
		Datum audit_values[6] = {Int64GetDatum(batch),       pg::TextDatum(summary.kind),
		                         Int32GetDatum(source_id_),  Int32GetDatum(summary.stored),
		                         Int32GetDatum(summary.rejected), pg::TextArray(keys, false)};
		pg::ExecutePlan(audit_ingest_plan, audit_values, nullptr, false);
	}

	std::vector<const std::string *> types, el_types, el_paths, el_json_types;
	std::vector<int32_t> created, updated, el_counts;
	for (const auto &tc : type_counts_) {
		types.push_back(&tc.first);
		created.push_back(tc.second.first);
		updated.push_back(tc.second.second);
	}
	for (const auto &ec : elements_.counts()) {
		el_types.push_back(&std::get<0>(ec.first));
		el_paths.push_back(&std::get<1>(ec.first));
		el_json_types.push_back(&std::get<2>(ec.first));
		el_counts.push_back(ec.second);
	}
	Datum catalog_values[8] = {Int64GetDatum(batch),          pg::TextArray(types, false),
	                           pg::Int4Array(created),        pg::Int4Array(updated),
	                           pg::TextArray(el_types, false), pg::TextArray(el_paths, false),
	                           pg::TextArray(el_json_types, false), pg::Int4Array(el_counts)};
	pg::ExecutePlan(catalog_plan, catalog_values, nullptr, false);
}

CallerSource
CurrentSource(void) {
	CallerSource out;
	Oid outer = GetOuterUserId();
	const char *role = GetUserNameFromId(outer, false);
	strlcpy(out.role, role, sizeof out.role);
	// A gateway names its organisation in the JWT claims PostgREST sets for the transaction.
	const char *claims = GetConfigOption("request.jwt.claims", true, false);
	Datum org = (Datum) 0;
	char org_null = 'n';
	if (claims != nullptr && claims[0] != '\0') {
		org = CStringGetTextDatum(claims);
		org_null = ' ';
	}
	NameData role_name;
	namestrcpy(&role_name, role);
	Datum values[2] = {NameGetDatum(&role_name), org};
	char nulls[2] = {' ', org_null};
	pg::EnsurePrepared(&source_plan); // PG-side: no C++ objects alive here
	int rc = SPI_execute_plan(source_plan.plan, values, nulls, true, 1);
	if (rc != SPI_OK_SELECT || SPI_processed == 0) {
		// The refusal rolls back: a server-log line is its audit record.
		hdl::audit::LogLine("permission_denied", nullptr,
		                    "{\"reason\": \"not a registered hdl source\"}");
		ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		                errmsg("role \"%s\" is not a registered hdl source", role),
		                errdetail("Only registered provider roles can submit FHIR data; nothing was stored."),
		                errhint("A DBA registers it with SELECT hdl.register_source('%s', '<ODS code>', '<name>'); "
		                        "a PostgREST gateway must also send the claim hdl_org of a registered organisation.",
		                        role)));
	}
	bool isnull;
	out.source_id = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	strlcpy(out.org_code, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2), sizeof out.org_code);
	return out;
}

} // namespace hdl::ingest
