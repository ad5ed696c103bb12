// hdl_s3 options: one table (name, catalog, required, secret) behind the validator, the planner
// and the scan; parsing of option values into structs; the egress allowlist of endpoints.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "core/s3/client.hpp"

struct List;

namespace hdl::fdw {

enum class Format { Ndjson, Csv };
enum class Compression { Auto, Gzip, None };
// Where a column's value comes from.
enum class ColumnSource { JsonKey, WholeResource, CsvField, ObjectKey, LineNumber };

using OptionList = std::vector<std::pair<std::string, std::string>>;

struct TableOptions {
	std::string bucket;
	std::string key;                  // one object
	std::string prefix;               // every object under it
	std::vector<std::string> objects; // a fixed list of keys (from a manifest)
	std::string resource_type;        // only objects whose file name names this type
	Format format = Format::Ndjson;
	Compression compression = Compression::Auto;
	bool header = true;
	char delimiter = ',';
};

struct ColumnOptions {
	ColumnSource source = ColumnSource::JsonKey;
	std::string name; // JSON key path (dotted) or CSV header field; the column name by default
};

// The (name, value) pairs of a catalog options list (PG side: no C++ objects may be alive).
OptionList ToOptionList(List *options);

// Parse the option values of one catalog; throw PgError with an FDW SQLSTATE on a bad value.
s3::Config ParseServer(const OptionList &options);
void ParseUserMapping(const OptionList &options, s3::Credentials &out);
TableOptions ParseTable(const OptionList &options);
// column_is_jsonb: a jsonb column named "resource" without options holds the whole resource.
ColumnOptions ParseColumn(const OptionList &options, const std::string &column, bool column_is_jsonb, Format format);

// Normalised "scheme://host[:port]" (lower case, default port dropped); throws on a bad endpoint.
std::string NormaliseEndpoint(const std::string &endpoint);
// Throws 42501 unless hdl.s3_allowed_endpoints names the endpoint.
void CheckEndpointAllowed(const std::string &endpoint);

// "s3://bucket/key" or "bucket/key" -> bucket, key.
std::pair<std::string, std::string> SplitS3Url(const std::string &url);

// The resource type a bulk-export file name announces ("Patient.000.ndjson.gz" -> "Patient"),
// or "" when the name is not a FHIR resource type.
std::string TypeFromKey(const std::string &key);

} // namespace hdl::fdw
