// Reference rewriting and meta stamping over an editable copy of the resource.
#include "core/ingest/transform.hpp"

#include <cstdio>
#include <ctime>

namespace hdl::ingest {

namespace {

using Visitor = std::function<void(std::string &, const std::string &)>;

void
Walk(nlohmann::json &node, std::string &path, const Visitor &fn) {
	size_t mark = path.size();
	if (node.is_object()) {
		auto ref = node.find("reference");
		if (ref != node.end() && ref->is_string())
			fn(ref->get_ref<std::string &>(), path);
		for (auto &member : node.items()) {
			if (!member.value().is_structured())
				continue;
			if (!path.empty())
				path += '.';
			path += member.key();
			Walk(member.value(), path, fn);
			path.resize(mark);
		}
	} else if (node.is_array()) {
		size_t i = 0;
		for (auto &element : node) {
			if (element.is_structured()) {
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
ForEachReference(nlohmann::json &resource, const Visitor &fn) {
	std::string path;
	Walk(resource, path, fn);
}

void
SetIdentity(nlohmann::json &resource, const std::string &id, int version, const std::string &last_updated) {
	resource["id"] = id;
	nlohmann::json &meta = resource["meta"];
	if (!meta.is_object())
		meta = nlohmann::json::object();
	meta["versionId"] = std::to_string(version);
	meta["lastUpdated"] = last_updated;
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
