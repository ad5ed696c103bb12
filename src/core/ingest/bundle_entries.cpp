// Bundle-protocol steps of the ingest pipeline (see entry.hpp).
#include "core/ingest/entry.hpp"
#include "core/fhir/redact.hpp"

#include <cstdlib>

namespace hdl::ingest::detail {

std::string
Key(const std::string &type, const std::string &id) {
	return type + "/" + id;
}

namespace {

void
ReadRequest(Entry &e, const hdl::json::Node &entry) {
	hdl::json::Node request = entry.get("request");
	e.full_url = std::string(entry.get("fullUrl").str());
	e.method = std::string(request.get("method").str());
	if (e.method.empty()) {
		e.problem("required", "entry has no request.method (POST or PUT)", "request.method");
		return;
	}
	if (e.method != "POST" && e.method != "PUT") {
		e.problem("not-supported",
		          "request method " + fhir::Quoted(e.method) + " is not accepted: hdl stores creates (POST) and updates (PUT) only",
		          "request.method");
		return;
	}
	try {
		e.url = ParseRequestUrl(request.get("url").str());
		if (auto ine = request.get("ifNoneExist"); ine.isString())
			e.if_none_exist = ParseIfNoneExist(e.url.type, ine.str());
	} catch (const Error &err) {
		e.problem(err.kind() == ErrorKind::NotSupported ? "not-supported" : "value", err.what(), "request.url");
		return;
	}
	if (auto im = request.get("ifMatch"); im.isString()) {
		e.if_match = ParseIfMatch(im.str());
		if (!e.if_match)
			e.problem("value", "ifMatch " + fhir::Quoted(im.str()) + " is not a version ETag such as W/\"2\"",
			          "request.ifMatch");
	}
	if (!e.type.empty() && e.type != e.url.type)
		e.problem("value", "request url type " + fhir::Quoted(e.url.type) + " does not match the resource type " + fhir::Quoted(e.type),
		          "request.url");
	if (e.method == "POST" && (!e.url.id.empty() || e.url.conditional))
		e.problem("value", "a POST url names only the resource type", "request.url");
	if (e.method == "PUT" && e.url.id.empty() && !e.url.conditional)
		e.problem("value", "a PUT url names the resource, as in Patient/123 or Patient?identifier=system|value",
		          "request.url");
}

} // namespace

void
BucketValidation(std::vector<Entry> &entries, const std::vector<Problem> &problems, std::vector<Problem> &bundle_level) {
	for (const Problem &p : problems) {
		bool placed = false;
		if (p.expression.rfind("Bundle.entry[", 0) == 0) {
			size_t close = p.expression.find(']');
			size_t index = std::strtoul(p.expression.c_str() + 13, nullptr, 10);
			if (close != std::string::npos && index < entries.size()) {
				entries[index].problems.push_back(p);
				placed = true;
			}
		}
		if (!placed)
			bundle_level.push_back(p);
	}
}

Value
ResponseEntry(const Entry &e, const std::string &last_updated) {
	Value response = Value::object();
	if (e.failed()) {
		std::string status = "400 Bad Request";
		ErrorKind kind = KindOf(e.problems);
		if (kind == ErrorKind::VersionConflict || kind == ErrorKind::InvalidParameter)
			status = kind == ErrorKind::VersionConflict ? "412 Precondition Failed" : "400 Bad Request";
		if (kind == ErrorKind::NotSupported)
			status = "405 Method Not Allowed";
		if (kind == ErrorKind::PermissionDenied)
			status = "403 Forbidden";
		response["status"] = status;
		response["outcome"] = ToOperationOutcome(e.problems);
	} else {
		response["status"] = e.matched_existing ? "200 OK" : (e.create ? "201 Created" : "200 OK");
		response["location"] =
		    Key(e.type, e.id) + (e.matched_existing ? "" : "/_history/" + std::to_string(e.version));
		if (!e.matched_existing) {
			response["etag"] = "W/\"" + std::to_string(e.version) + "\"";
			response["lastModified"] = last_updated;
		}
	}
	Value out = Value::object();
	if (!e.failed() && !e.full_url.empty())
		out["fullUrl"] = e.full_url;
	out["response"] = std::move(response);
	return out;
}

std::vector<Entry>
ReadEntries(const hdl::json::Node &bundle) {
	std::vector<Entry> entries;
	hdl::json::Node list = bundle.get("entry");
	for (size_t i = 0; i < list.size(); i++) {
		Entry e;
		e.index = i;
		e.prefix = "Bundle.entry[" + std::to_string(i) + "]";
		hdl::json::Node entry = list.at(i);
		e.node = entry.get("resource");
		e.type = std::string(e.node.get("resourceType").str());
		ReadRequest(e, entry);
		if (!e.failed() && !e.node.isObject())
			e.problem("required", "entry has no resource", "resource");
		entries.push_back(std::move(e));
	}
	return entries;
}

} // namespace hdl::ingest::detail
