// The manifest of a FHIR Bulk Data export (Bulk Data Access IG, "Response - Complete Status"):
// what hdl writes as manifest.json beside the NDJSON files of a lake export, so that Bulk Data
// readers (hdl_s3's IMPORT FOREIGN SCHEMA, Pathling, DuckDB scripts) find the files by type.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace hdl::s3 {

struct BulkOutput {
	std::string type; // FHIR resource type
	std::string url;  // s3://bucket/key
	int64_t count = 0;
};

struct BulkManifest {
	std::string transaction_time; // FHIR instant: nothing modified up to it is missing
	std::string request;          // the kick-off request, as $export with its parameters
	std::vector<BulkOutput> output;
};

// The manifest as a JSON object (output in the order given; "error" always empty, since an export
// that fails writes no manifest).
std::string BulkManifestJson(const BulkManifest &manifest);

// The key of one type's file in an export folder ("" or ending in '/'): <folder><Type>.ndjson.gz.
std::string BulkObjectKey(const std::string &folder, const std::string &type);

// A key prefix as an export folder: "" stays "", anything else ends in exactly one '/'.
std::string BulkFolder(std::string prefix);

// The folder name of one run of an incremental export: the transaction time without separators
// ("2026-12-04T05:01:02.345Z" -> "20261204T050102.345Z"), so runs sort by time.
std::string BulkRunFolderName(const std::string &transaction_time);

// The kick-off request of an export: $export?_type=A,B&_since=T (parameters only when given).
std::string BulkRequest(const std::vector<std::string> &types, const std::string &since);

} // namespace hdl::s3

#include "core/cpp_only.hpp"
