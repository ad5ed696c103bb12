// IMPORT FOREIGN SCHEMA for hdl_s3: one foreign table per FHIR resource type, found either
// under a prefix (bulk-export file names: Patient.ndjson, Patient.000.ndjson.gz) or in a FHIR
// Bulk Data manifest.json (output[].type and .url). The remote schema names the bucket; Postgres
// itself applies LIMIT TO and EXCEPT to the table names (the lower-case type names).
#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fdw/options.hpp"
#include "fdw/reader.hpp"
#include "fdw/table.hpp"
#include "pg/entry.hpp"
#include "pg/guard.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "foreign/foreign.h"
#include "nodes/parsenodes.h"
}

namespace hdl::fdw {

namespace {

std::string
Literal(const std::string &s) {
	std::string out = "'";
	for (char c : s)
		out += c == '\'' ? std::string("''") : std::string(1, c);
	return out + "'";
}

std::string
Ident(const std::string &s) {
	std::string out = "\"";
	for (char c : s)
		out += c == '"' ? std::string("\"\"") : std::string(1, c);
	return out + "\"";
}

// A manifest url as a key in bucket: s3://bucket/key, http(s)://host/bucket/key (path style),
// http(s)://bucket.host/key (virtual-hosted), or a key relative to the manifest's folder.
std::string
KeyOfUrl(const std::string &url, const std::string &bucket, const std::string &manifest_key) {
	if (url.compare(0, 5, "s3://") == 0) {
		auto [b, key] = SplitS3Url(url);
		if (b != bucket)
			throw Error(ErrorKind::InvalidParameter, "manifest output \"" + url + "\" is not in bucket \"" + bucket + "\"");
		return key;
	}
	size_t scheme = url.find("://");
	if (scheme != std::string::npos) {
		size_t slash = url.find('/', scheme + 3);
		std::string host = url.substr(scheme + 3, slash == std::string::npos ? std::string::npos : slash - scheme - 3);
		std::string path = slash == std::string::npos ? "" : url.substr(slash + 1);
		if (host.compare(0, bucket.size() + 1, bucket + ".") == 0)
			return path;
		if (path.compare(0, bucket.size() + 1, bucket + "/") == 0)
			return path.substr(bucket.size() + 1);
		throw Error(ErrorKind::InvalidParameter, "manifest output \"" + url + "\" is not in bucket \"" + bucket + "\"");
	}
	size_t dir = manifest_key.rfind('/');
	return (dir == std::string::npos ? "" : manifest_key.substr(0, dir + 1)) + url;
}

std::vector<std::string>
BuildCommands(ImportForeignSchemaStmt *stmt, Oid server_oid) {
	std::string bucket = stmt->remote_schema;
	std::string prefix, manifest;
	ListCell *lc;
	foreach (lc, stmt->options) {
		DefElem *def = lfirst_node(DefElem, lc);
		std::string name = def->defname;
		if (name == "prefix")
			prefix = strVal(def->arg);
		else if (name == "manifest")
			manifest = strVal(def->arg);
		else
			throw pg::PgError(ERRCODE_FDW_INVALID_OPTION_NAME, "invalid option \"" + name + "\"", {},
			                  "IMPORT FOREIGN SCHEMA of hdl_s3 takes the options prefix and manifest.", {});
	}
	ForeignServer *server = pg::Guard(GetForeignServer, server_oid);
	std::string server_name = server->servername;
	std::unique_ptr<s3::Client> client = Connect(server_oid, GetUserId());
	std::map<std::string, std::vector<std::string>> by_type;
	if (!manifest.empty()) {
		std::string text = S3Call([&] { return client->GetObjectAsString(bucket, manifest); });
		nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
		if (doc.is_discarded() || !doc.is_object() || !doc.contains("output") || !doc["output"].is_array())
			throw Error(ErrorKind::InvalidJson, "s3://" + bucket + "/" + manifest + " is not a FHIR Bulk Data manifest",
			            "A manifest is a JSON object whose \"output\" array lists {\"type\", \"url\"} entries.");
		for (const auto &out : doc["output"]) {
			if (!out.is_object() || !out.contains("type") || !out.contains("url") || !out["type"].is_string() ||
			    !out["url"].is_string())
				throw Error(ErrorKind::InvalidJson, "s3://" + bucket + "/" + manifest + " has an output entry without type and url");
			by_type[out["type"].get<std::string>()].push_back(KeyOfUrl(out["url"].get<std::string>(), bucket, manifest));
		}
	} else {
		auto objects = S3Call([&] { return client->ListAllObjects(bucket, prefix); });
		for (const auto &o : objects) {
			std::string type = TypeFromKey(o.key);
			if (!type.empty())
				by_type[type];
		}
	}
	std::vector<std::string> commands;
	for (const auto &[type, keys] : by_type) {
		if (TypeFromKey(type) != type)
			throw Error(ErrorKind::InvalidParameter, "manifest names an unknown resource type \"" + type + "\"");
		std::string table = type;
		std::transform(table.begin(), table.end(), table.begin(), [](unsigned char c) { return std::tolower(c); });
		std::string sql = "CREATE FOREIGN TABLE " + Ident(table) +
		                  " (id text OPTIONS (json_key 'id'), resource jsonb OPTIONS (json_key '$')) SERVER " +
		                  Ident(server_name) + " OPTIONS (bucket " + Literal(bucket);
		if (keys.empty()) {
			sql += ", prefix " + Literal(prefix);
		} else {
			std::string list;
			for (const auto &k : keys)
				list += (list.empty() ? "" : ",") + k;
			sql += ", objects " + Literal(list);
		}
		sql += ", resource_type " + Literal(type) + ")";
		commands.push_back(std::move(sql));
	}
	return commands;
}

List *
ImportImpl(ImportForeignSchemaStmt *stmt, Oid server_oid) {
	List *out = NIL;
	std::vector<std::string> commands = BuildCommands(stmt, server_oid);
	for (const auto &c : commands) {
		char *copy = pg::Guard(pstrdup, c.c_str());
		out = pg::Guard(lappend, out, static_cast<void *>(copy));
	}
	return out;
}

} // namespace

List *
ImportSchema(ImportForeignSchemaStmt *stmt, Oid server_oid) noexcept {
	return pg::CallCpp("ImportForeignSchema", ImportImpl, stmt, server_oid);
}

} // namespace hdl::fdw
