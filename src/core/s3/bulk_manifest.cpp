// FHIR Bulk Data manifests (see bulk_manifest.hpp).
#include "core/s3/bulk_manifest.hpp"

#include <cstdio>

namespace hdl::s3 {

namespace {

void
AppendJsonString(std::string &out, const std::string &s) {
	out += '"';
	for (unsigned char c : s) {
		switch (c) {
		case '"':
			out += "\\\"";
			break;
		case '\\':
			out += "\\\\";
			break;
		case '\n':
			out += "\\n";
			break;
		case '\r':
			out += "\\r";
			break;
		case '\t':
			out += "\\t";
			break;
		default:
			if (c < 0x20) {
				char buf[8];
				std::snprintf(buf, sizeof buf, "\\u%04x", c);
				out += buf;
			} else {
				out += static_cast<char>(c);
			}
		}
	}
	out += '"';
}

} // namespace

std::string
BulkManifestJson(const BulkManifest &manifest) {
	std::string out = "{\"transactionTime\": ";
	AppendJsonString(out, manifest.transaction_time);
	out += ", \"request\": ";
	AppendJsonString(out, manifest.request);
	out += ", \"requiresAccessToken\": false, \"output\": [";
	for (size_t i = 0; i < manifest.output.size(); i++) {
		const BulkOutput &o = manifest.output[i];
		out += i ? ", {\"type\": " : "{\"type\": ";
		AppendJsonString(out, o.type);
		out += ", \"url\": ";
		AppendJsonString(out, o.url);
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
