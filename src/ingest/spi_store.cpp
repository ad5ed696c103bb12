// SpiStore: the lake's tables behind the ingest pipeline (see spi_store.hpp).
#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "core/json/jsonb_format.hpp"
#include "core/json/value.hpp"
#include "audit/log_line.hpp"
#include "guc.hpp"
#include "ingest/lake_tables.hpp"
#include "ingest/spi_store.hpp"
#include "ingest/partition_statements.hpp"
#include "pg/guard.hpp"
#include "pg/jsonb.hpp"
#include "pg/memory.hpp"
#include "pg/spi.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/timestamp.h"
#include "utils/xid8.h"
}

namespace hdl::ingest {

namespace {

// Postgres timestamps count from 2000-01-01; FHIR instants are formatted from Unix time.
constexpr int64_t PostgresEpochOffsetMicros = INT64CONST(946684800) * 1000000;

pg::CachedPlan next_batch_plan {"SELECT pg_catalog.nextval('hdl.ingest_batch_batch_id_seq')", 0, {}, nullptr};

pg::CachedPlan finish_batch_plan {
    "INSERT INTO hdl.ingest_batch (batch_id, source_id, submitted_by, kind, received_at, stored, rejected, "
    "resource_counts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)",
    8, {INT8OID, INT4OID, NAMEOID, TEXTOID, TIMESTAMPTZOID, INT4OID, INT4OID, TEXTOID}, nullptr};

// The batch's audit entry (docs/audit.md).
pg::CachedPlan audit_ingest_plan {"SELECT hdl.audit_write('ingest', $1, $2)", 2, {TEXTOID, JSONBOID}, nullptr};

pg::CachedPlan compact_plan {"SELECT hdl.catalog_compact()", 0, {}, nullptr};

pg::CachedPlan source_plan {
    "SELECT s.source_id, s.org_code FROM hdl.source s WHERE s.role_name OPERATOR(pg_catalog.=) $1 AND "
    "(NOT s.is_gateway OR s.org_code OPERATOR(pg_catalog.=) ($2::jsonb OPERATOR(pg_catalog.->>) 'hdl_org')) "
    "ORDER BY s.is_gateway LIMIT 1",
    2, {NAMEOID, TEXTOID}, nullptr};

pg::CachedPlan find_link_plan {
    "SELECT l.pseudonym FROM pg_catalog.unnest($1::text[]) WITH ORDINALITY AS h(hash, ord) "
    "JOIN hdl_vault.link l ON l.link_hash OPERATOR(pg_catalog.=) h.hash ORDER BY h.ord LIMIT 1",
    1, {TEXTARRAYOID}, nullptr};

// Every source of the caller's organisation: a gateway acting for it owns what its role stored.
pg::CachedPlan own_sources_plan {
    "SELECT o.source_id FROM hdl.source s JOIN hdl.source o ON o.org_code OPERATOR(pg_catalog.=) s.org_code "
    "WHERE s.source_id OPERATOR(pg_catalog.=) $1 ORDER BY 1",
    1, {INT4OID}, nullptr};

pg::CachedPlan own_patient_plan {
    "SELECT r.patient FROM hdl_lake.resource r WHERE r.resource_type OPERATOR(pg_catalog.=) 'Patient' "
    "AND r.id OPERATOR(pg_catalog.=) $1 AND r.source_id OPERATOR(pg_catalog.=) ANY ($2) AND r.patient IS NOT NULL",
    2, {TEXTOID, INT4ARRAYOID}, nullptr};

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

// {"Patient": 2, ...}: a batch's stored versions by type as JSON text.
std::string
CountsJson(const std::map<std::string, TypeCounts> &counts) {
	hdl::json::Value out = hdl::json::Value::object();
	for (const auto &[type, n] : counts)
		out[type] = n.created + n.updated;
	return out.dump();
}

// A jsonb datum of the encoded bytes (a whole varlena), copied into the current context.
Datum
JsonbDatum(std::string_view bytes) {
	return PointerGetDatum(pg::JsonbFromBytes(bytes.data(), bytes.size()));
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

const std::vector<int32_t> &
SpiStore::OwnSources() {
	if (own_sources_.empty()) {
		Datum values[1] = {Int32GetDatum(source_id_)};
		uint64_t n = pg::ExecutePlan(own_sources_plan, values, nullptr, false);
		for (uint64_t r = 0; r < n; r++)
			own_sources_.push_back(static_cast<int32_t>(pg::ResultInt64(r, 1)));
		if (own_sources_.empty())
			own_sources_.push_back(source_id_);
	}
	return own_sources_;
}

std::string
SpiStore::OwnPatientPseudonym(const std::string &record_id) {
	Datum values[2] = {pg::TextDatum(record_id), pg::Int4Array(OwnSources())};
	uint64_t n = pg::ExecutePlan(own_patient_plan, values, nullptr, false);
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

const lake::Partitions &
SpiStore::PartitionOf(const std::string &type) {
	auto it = partitions_.find(type);
	if (it == partitions_.end())
		it = partitions_.emplace(type, lake::PartitionsOf(type)).first;
	return it->second;
}

std::vector<CurrentVersion>
SpiStore::LockAndReadVersions(const std::vector<ResourceKey> &keys) {
	// One statement per resource type, types in name order and ids in order within each: every
	// writer locks in the same global order.
	std::map<std::string, std::vector<const std::string *>> by_type;
	for (const auto &k : keys)
		by_type[k.type].push_back(&k.id);
	const std::vector<int32_t> &own = OwnSources();
	std::unordered_map<std::string, CurrentVersion> found;
	for (const auto &[type, ids] : by_type) {
		const lake::Partitions &p = PartitionOf(type);
		PartitionStatements &st = StatementsFor(p.current, p.current_name);
		Datum values[2] = {pg::TextDatum(type), pg::TextArray(ids, false)};
		uint64_t n = pg::ExecutePlan(st.lock, values, nullptr, false);
		for (uint64_t r = 0; r < n; r++) {
			CurrentVersion current;
			current.version = static_cast<int>(pg::ResultInt64(r, 2));
			int32_t owner = static_cast<int32_t>(pg::ResultInt64(r, 3));
			current.own = std::find(own.begin(), own.end(), owner) != own.end();
			found.emplace(type + "/" + pg::ResultText(r, 1), current);
		}
	}
	std::vector<CurrentVersion> versions(keys.size());
	for (size_t i = 0; i < keys.size(); i++)
		if (auto it = found.find(keys[i].type + "/" + keys[i].id); it != found.end())
			versions[i] = it->second;
	return versions;
}

std::vector<std::string>
SpiStore::FindByIdentifier(const RequestUrl &search) {
	hdl::json::Value identifier = hdl::json::Value::object();
	identifier["value"] = search.identifier_value;
	if (search.has_system)
		identifier["system"] = search.identifier_system;
	hdl::json::Value pattern = hdl::json::Value::array();
	pattern.push_back(std::move(identifier));
	std::string encoded = hdl::json::jsonb::Encode(pattern);
	const lake::Partitions &p = PartitionOf(search.type);
	PartitionStatements &st = StatementsFor(p.current, p.current_name);
	Datum values[3] = {pg::TextDatum(search.type), PointerGetDatum(pg::JsonbFromBytes(encoded)), pg::Int4Array(OwnSources())};
	uint64_t n = pg::ExecutePlan(st.find, values, nullptr, false);
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

// Current rows: fresh server-assigned ids straight into the partition (nothing can conflict),
// the others through the partition's upsert, which tells which rows won. History rows (the change
// log) for every row written, straight into the history partitions.
std::vector<bool>
SpiStore::Write(int64_t batch, const std::vector<WriteRow> &rows) {
	pg::TemporaryContext chunk_memory("hdl ingest chunk"); // datums of this chunk
	std::vector<bool> written(rows.size(), false);
	Datum last_updated = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	Datum txid = FullTransactionIdGetDatum(GetTopFullTransactionId());

	std::map<Oid, lake::DirectRows> fresh;       // by current partition
	std::map<std::string, std::vector<size_t>> upserts; // by type
	for (size_t i = 0; i < rows.size(); i++) {
		const WriteRow &row = rows[i];
		if (!row.fresh) {
			upserts[row.type].push_back(i);
			continue;
		}
		lake::DirectRows &d = fresh[PartitionOf(row.type).current];
		if (d.columns.empty()) {
			d.table = PartitionOf(row.type).current;
			d.columns = {"resource_type", "id", "version", "patient", "last_updated", "source_id", "batch_id", "resource"};
		}
		d.values.insert(d.values.end(), {pg::TextDatum(row.type), pg::TextDatum(row.id), Int32GetDatum(row.version),
		                                 row.patient.empty() ? (Datum) 0 : pg::TextDatum(row.patient), last_updated,
		                                 Int32GetDatum(source_id_), Int64GetDatum(batch), JsonbDatum(row.jsonb)});
		d.nulls.insert(d.nulls.end(), {0, 0, 0, static_cast<char>(row.patient.empty()), 0, 0, 0, 0});
		written[i] = true;
	}
	for (const auto &[partition, d] : fresh)
		lake::InsertDirect(d);

	for (const auto &[type, indexes] : upserts) {
		const lake::Partitions &p = PartitionOf(type);
		PartitionStatements &st = StatementsFor(p.current, p.current_name);
		std::vector<const std::string *> ids, patients;
		std::vector<int32_t> versions;
		std::vector<std::string> resources;
		std::vector<const std::string *> resource_ptrs;
		for (size_t i : indexes) {
			ids.push_back(&rows[i].id);
			patients.push_back(&rows[i].patient);
			versions.push_back(rows[i].version);
			resources.emplace_back(rows[i].jsonb);
		}
		for (const auto &r : resources)
			resource_ptrs.push_back(&r);
		Datum values[9] = {pg::TextDatum(type),     pg::TextArray(ids, false), pg::Int4Array(versions),
		                   pg::TextArray(patients, true), pg::JsonbArray(resource_ptrs), last_updated,
		                   Int32GetDatum(source_id_), Int64GetDatum(batch), pg::Int4Array(OwnSources())};
		uint64_t n = pg::ExecutePlan(st.upsert, values, nullptr, false);
		std::unordered_map<std::string, size_t> index;
		for (size_t i : indexes)
			index.emplace(rows[i].id, i);
		for (uint64_t r = 0; r < n; r++)
			written[index.at(pg::ResultText(r, 1))] = true;
	}

	std::map<Oid, lake::DirectRows> history; // by history partition
	for (size_t i = 0; i < rows.size(); i++) {
		if (!written[i])
			continue;
		const WriteRow &row = rows[i];
		Oid partition = PartitionOf(row.type).history;
		lake::DirectRows &d = history[partition];
		if (d.columns.empty()) {
			d.table = partition;
			d.columns = {"resource_type", "id",        "version",  "operation", "patient",
			             "last_updated",  "source_id", "batch_id", "txid",      "resource"};
		}
		d.values.insert(d.values.end(),
		                {pg::TextDatum(row.type), pg::TextDatum(row.id), Int32GetDatum(row.version),
		                 pg::TextDatum(row.version == 1 ? "create" : "update"),
		                 row.patient.empty() ? (Datum) 0 : pg::TextDatum(row.patient), last_updated,
		                 Int32GetDatum(source_id_), Int64GetDatum(batch), txid, JsonbDatum(row.jsonb)});
		d.nulls.insert(d.nulls.end(), {0, 0, 0, 0, static_cast<char>(row.patient.empty()), 0, 0, 0, 0, 0});
	}
	for (const auto &[partition, d] : history)
		lake::InsertDirect(d);
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
	                   pg::TextDatum(CountsJson(summary.counts))};
	pg::ExecutePlan(finish_batch_plan, values, nullptr, false);

	if (guc::audit_ingest) {
		hdl::json::Value detail = hdl::json::Value::object();
		detail["batch"] = batch;
		detail["kind"] = summary.kind;
		detail["source"] = org_code_;
		detail["stored"] = summary.stored;
		detail["rejected"] = summary.rejected;
		hdl::json::Value &resources = detail["resources"] = hdl::json::Value::array();
		for (const std::string &r : summary.versions)
			resources.push_back(r);
		std::string encoded = hdl::json::jsonb::Encode(detail);
		Datum audit_values[2] = {pg::TextDatum("batch:" + std::to_string(batch)),
		                         PointerGetDatum(pg::JsonbFromBytes(encoded))};
		pg::ExecutePlan(audit_ingest_plan, audit_values, nullptr, false);
	}

	RecordCatalogue(batch, summary);
}

// The batch's catalogue increments (docs/catalogue.md): one hdl.catalog_delta row per resource
// type, with its element paths. Compacting belongs to a scheduled job; every 4096th batch
// compacts too, to bound the increments when no job runs.
void
SpiStore::RecordCatalogue(int64_t batch, const BatchSummary &summary) {
	lake::DirectRows d;
	d.table = lake::TableOid("hdl", "catalog_delta");
	d.columns = {"batch_id", "resource_type", "recorded_at", "created", "updated", "paths", "json_types", "versions"};
	const std::vector<hdl::fhir::ElementStats::Count> elements = summary.elements.counts();
	auto next = elements.begin();
	for (const auto &[type, counts] : summary.counts) {
		std::vector<const std::string *> paths, json_types;
		std::vector<int32_t> versions;
		while (next != elements.end() && next->type < type)
			++next;
		for (; next != elements.end() && next->type == type; ++next) {
			paths.push_back(next->path);
			json_types.push_back(next->json_type);
			versions.push_back(next->versions);
		}
		bool none = paths.empty();
		d.values.insert(d.values.end(), {Int64GetDatum(batch), pg::TextDatum(type),
		                                 TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
		                                 Int32GetDatum(counts.created), Int32GetDatum(counts.updated),
		                                 none ? (Datum) 0 : pg::TextArray(paths, false),
		                                 none ? (Datum) 0 : pg::TextArray(json_types, false),
		                                 none ? (Datum) 0 : pg::Int4Array(versions)});
		d.nulls.insert(d.nulls.end(), {0, 0, 0, 0, 0, none, none, none});
	}
	lake::InsertDirect(d);
	if (batch % 4096 == 0)
		pg::ExecutePlan(compact_plan, nullptr, nullptr, false);
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
