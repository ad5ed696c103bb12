// FHIR Bulk Data manifests (see bulk_manifest.hpp).
#include "core/s3/bulk_manifest.hpp"
#include "core/json/value.hpp"

namespace hdl::s3 {

std::string
BulkManifestJson(const BulkManifest &manifest) {
	std::string out = "{\"transactionTime\": ";
	json::AppendQuoted(out, manifest.transaction_time);
	out += ", \"request\": ";
	json::AppendQuoted(out, manifest.request);
	out += ", \"requiresAccessToken\": false, \"output\": [";
	for (size_t i = 0; i < manifest.output.size(); i++) {
		const BulkOutput &o = manifest.output[i];
		out += i ? ", {\"type\": " : "{\"type\": ";
		json::AppendQuoted(out, o.type);
		out += ", \"url\": ";
		json::AppendQuoted(out, o.url);
		out += ", \"count\": " + std::to_string(o.count) + "}";
	}
	out += "], \"error\": []}";
	return out;
}

std::string
BulkObjectKey(const std::string &folder, const std::string &type) {
	return folder + type + ".ndjson.gz";
}

std::string
BulkFolder(std::string prefix) {
	while (prefix.size() > 1 && prefix.back() == '/' && prefix[prefix.size() - 2] == '/')
		prefix.pop_back();
	if (!prefix.empty() && prefix.back() != '/')
		prefix += '/';
	return prefix;
}

std::string
BulkRunFolderName(const std::string &transaction_time) {
	std::string out;
	for (char c : transaction_time)
		if (c != '-' && c != ':')
			out += c;
	return out;
}

std::string
BulkRequest(const std::vector<std::string> &types, const std::string &since) {
	std::string out = "$export";
	char sep = '?';
	if (!types.empty()) {
		out += sep;
		out += "_type=";
		for (size_t i = 0; i < types.size(); i++)
			out += (i ? "," : "") + types[i];
		sep = '&';
	}
	if (!since.empty()) {
		out += sep;
		out += "_since=" + since;
	}
	return out;
}

} // namespace hdl::s3
