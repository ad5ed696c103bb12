// Per-partition statements (see partition_statements.hpp).
#include <memory>
#include <string>
#include <unordered_map>

#include "ingest/partition_statements.hpp"

#include "pg/postgres.hpp"

namespace hdl::ingest {

namespace {

// A lock keeps to the rows (no lock-table entries), in key order so that writers never deadlock.
std::string
LockSql(const std::string &p) {
	return "SELECT r.id, r.version, r.source_id FROM " + p +
	       " r WHERE r.resource_type OPERATOR(pg_catalog.=) $1 AND r.id OPERATOR(pg_catalog.=) ANY ($2) "
	       "ORDER BY r.id FOR UPDATE";
}

// Only the caller's own resources answer its searches: another source's records are neither
// found nor counted, so a search reveals nothing of them (no shared reference data either:
// docs/ingest.md, "Ownership"). The pattern is a jsonb parameter so that the GIN index on
// resource->'identifier' serves it.
std::string
FindSql(const std::string &p) {
	return "SELECT id FROM " + p +
	       " WHERE resource_type OPERATOR(pg_catalog.=) $1 AND (resource OPERATOR(pg_catalog.->) 'identifier') "
	       "OPERATOR(pg_catalog.@>) $2 AND source_id OPERATOR(pg_catalog.=) ANY ($3) ORDER BY id LIMIT 2";
}

// A row is written only when its version follows the stored one (or it is new): a concurrent
// writer that got there first leaves it unwritten, and the caller reads the version again.
std::string
UpsertSql(const std::string &p) {
	return "INSERT INTO " + p +
	       " AS r (resource_type, id, version, patient, last_updated, source_id, batch_id, resource) "
	       "SELECT $1, u.id, u.version, u.patient, $6, $7, $8, u.resource FROM ROWS FROM (pg_catalog.unnest($2), "
	       "pg_catalog.unnest($3), pg_catalog.unnest($4), pg_catalog.unnest($5)) AS u(id, version, patient, resource) "
	       "ON CONFLICT (resource_type, id) DO UPDATE SET version = EXCLUDED.version, patient = EXCLUDED.patient, "
	       "last_updated = EXCLUDED.last_updated, source_id = EXCLUDED.source_id, batch_id = EXCLUDED.batch_id, "
	       "resource = EXCLUDED.resource "
	       "WHERE r.version OPERATOR(pg_catalog.=) (EXCLUDED.version OPERATOR(pg_catalog.-) 1) "
	       "AND r.source_id OPERATOR(pg_catalog.=) ANY ($9) RETURNING r.id";
}

std::string
ReadSql(const std::string &p) {
	return "SELECT r.id, r.resource FROM " + p +
	       " r WHERE r.resource_type OPERATOR(pg_catalog.=) $1 AND r.id OPERATOR(pg_catalog.=) ANY ($2)";
}

std::string
ReadOneSql(const std::string &p) {
	return "SELECT r.resource FROM " + p +
	       " r WHERE r.resource_type OPERATOR(pg_catalog.=) $1 AND r.id OPERATOR(pg_catalog.=) $2";
}

// The change log's rows of a refresh lie together at the end of the partition: one txid range
// scan reads them, where reading the current versions would probe the key index once per id.
// The newest changed version of a resource is its current one in the `upto` snapshot.
std::string
ChangesSql(const std::string &p) {
	return "SELECT DISTINCT ON (h.id) h.id, h.resource FROM " + p +
	       " h WHERE h.resource_type OPERATOR(pg_catalog.=) $1 "
	       "AND h.txid OPERATOR(pg_catalog.>=) pg_catalog.pg_snapshot_xmin($2) "
	       "AND NOT pg_catalog.pg_visible_in_snapshot(h.txid, $2) "
	       "AND (h.txid OPERATOR(pg_catalog.=) $4 OR pg_catalog.pg_visible_in_snapshot(h.txid, $3)) "
	       "ORDER BY h.id, h.version DESC";
}

// Kept for the backend's life (the plans are SPI_keepplan'd); a partition made again gets a
// new oid and new statements.
std::unordered_map<Oid, std::unique_ptr<PartitionStatements>> cache;

} // namespace

PartitionStatements &
StatementsFor(Oid partition, const std::string &qualified_name) {
	auto it = cache.find(partition);
	if (it != cache.end() && it->second->lock_sql == LockSql(qualified_name))
		return *it->second;
	auto s = std::make_unique<PartitionStatements>();
	s->lock_sql = LockSql(qualified_name);
	s->find_sql = FindSql(qualified_name);
	s->upsert_sql = UpsertSql(qualified_name);
	s->read_sql = ReadSql(qualified_name);
	s->read_one_sql = ReadOneSql(qualified_name);
	s->changes_sql = ChangesSql(qualified_name);
	s->lock = {s->lock_sql.c_str(), 2, {TEXTOID, TEXTARRAYOID}, nullptr};
	s->find = {s->find_sql.c_str(), 3, {TEXTOID, JSONBOID, INT4ARRAYOID}, nullptr};
	s->upsert = {s->upsert_sql.c_str(), 9,
	             {TEXTOID, TEXTARRAYOID, INT4ARRAYOID, TEXTARRAYOID, JSONBARRAYOID, TIMESTAMPTZOID, INT4OID, INT8OID,
	              INT4ARRAYOID},
	             nullptr};
	s->read = {s->read_sql.c_str(), 2, {TEXTOID, TEXTARRAYOID}, nullptr};
	s->read_one = {s->read_one_sql.c_str(), 2, {TEXTOID, TEXTOID}, nullptr};
	s->changes = {s->changes_sql.c_str(), 4, {TEXTOID, PG_SNAPSHOTOID, PG_SNAPSHOTOID, XID8OID}, nullptr};
	PartitionStatements &out = *s;
	cache[partition] = std::move(s); // a renamed partition's old plans are simply dropped (they leak little)
	return out;
}

} // namespace hdl::ingest
