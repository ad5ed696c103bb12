// Reference rewriting and meta stamping over an editable copy of the resource.
#include "core/ingest/transform.hpp"
#include "core/depth.hpp"

#include <cstdio>
#include <ctime>

namespace hdl::ingest {

namespace {

using hdl::json::Value;
using Visitor = std::function<void(std::string &, const std::string &)>;

void
Walk(Value &node, std::string &path, const Visitor &fn) {
	hdl::depth::Guard guard("resource");
	size_t mark = path.size();
	if (node.isObject()) {
		Value *ref = node.find("reference");
		if (ref != nullptr && ref->isString())
			fn(ref->str(), path);
		for (Value::Member &member : node.members()) {
			if (!member.value.isStructured())
				continue;
			if (!path.empty())
				path += '.';
			path += member.key;
			Walk(member.value, path, fn);
			path.resize(mark);
		}
	} else if (node.isArray()) {
		size_t i = 0;
		for (Value &element : node.elements()) {
			if (element.isStructured()) {
				path += '[' + std::to_string(i) + ']';
				Walk(element, path, fn);
				path.resize(mark);
			}
			i++;
		}
	}
}

} // namespace

void
ForEachReference(Value &resource, const Visitor &fn) {
	std::string path;
	Walk(resource, path, fn);
}

void
SetIdentity(Value &resource, const std::string &id, int version, const std::string &last_updated,
            const std::string &source) {
	resource["id"] = id;
	Value &meta = resource["meta"];
	if (!meta.isObject())
		meta = Value::object();
	meta["versionId"] = std::to_string(version);
	meta["lastUpdated"] = last_updated;
	if (!source.empty()) // the lake says who submitted it, whatever the submission said
		meta["source"] = source;
}

std::string
FormatInstant(int64_t epoch_micros) {
	std::time_t seconds = static_cast<std::time_t>(epoch_micros / 1000000);
	int millis = static_cast<int>((epoch_micros % 1000000) / 1000);
	if (epoch_micros < 0 && epoch_micros % 1000000 != 0) {
		seconds -= 1;
		millis = static_cast<int>((1000000 + epoch_micros % 1000000) / 1000);
	}
	std::tm tm {};
	gmtime_r(&seconds, &tm);
	char buf[64];
	std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	              tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
	return buf;
}

} // namespace hdl::ingest
