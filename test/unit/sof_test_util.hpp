// Shared helpers for the ViewDefinition unit tests: run a view over resources with either
// JSON back end and compare rows regardless of order.
#pragma once
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json/jsonb_format.hpp"
#include "core/json/nlohmann_node.hpp"
#include "core/sof/view.hpp"

namespace hdl::sof::testing {

// A canonical text for a row: numbers printed alike whether integer or double.
inline std::string
Canonical(const nlohmann::json &j) {
	if (j.is_number()) {
		char buf[64];
		std::snprintf(buf, sizeof buf, "%.12g", j.get<double>());
		return buf;
	}
	if (j.is_object()) {
		std::string out = "{";
		for (auto it = j.begin(); it != j.end(); ++it)
			out += "\"" + it.key() + "\":" + Canonical(it.value()) + ",";
		return out + "}";
	}
	if (j.is_array()) {
		std::string out = "[";
		for (const auto &e : j)
			out += Canonical(e) + ",";
		return out + "]";
	}
	return j.dump();
}

inline std::vector<std::string>
SortedRows(const std::vector<nlohmann::json> &rows) {
	std::vector<std::string> out;
	for (const auto &r : rows)
		out.push_back(Canonical(r));
	std::sort(out.begin(), out.end());
	return out;
}

inline std::vector<nlohmann::json>
RunView(const nlohmann::json &view, const std::vector<nlohmann::json> &resources) {
	CompiledView compiled = Compile(json::FromNlohmann(view));
	JsonRowCollector sink(compiled);
	for (const auto &r : resources)
		Evaluate(compiled, json::FromNlohmann(r), sink);
	return sink.rows;
}

// Same, with every resource (and the view) encoded as Postgres JSONB bytes.
inline std::vector<nlohmann::json>
RunViewOverJsonb(const nlohmann::json &view, const std::vector<nlohmann::json> &resources) {
	std::string viewBytes = json::jsonb::Encode(view);
	CompiledView compiled =
	    Compile(json::jsonb::FromRoot(viewBytes.data() + 4, static_cast<uint32_t>(viewBytes.size() - 4)));
	JsonRowCollector sink(compiled);
	for (const auto &r : resources) {
		std::string bytes = json::jsonb::Encode(r);
		Evaluate(compiled, json::jsonb::FromRoot(bytes.data() + 4, static_cast<uint32_t>(bytes.size() - 4)),
		         sink);
	}
	return sink.rows;
}

} // namespace hdl::sof::testing
