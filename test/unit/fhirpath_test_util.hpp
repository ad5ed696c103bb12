// Shared helpers for the FHIRPath unit tests: evaluate an expression over a JSON document
// and render the result as text.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "core/fhirpath/fhirpath.hpp"
#include "core/json/nlohmann_node.hpp"

namespace hdl::fhirpath::testing {

// Items joined with "|"; computed and document values alike; "{}" for empty.
inline std::string
Render(const Collection &c) {
	if (c.empty())
		return "{}";
	std::string out;
	for (size_t i = 0; i < c.size(); i++) {
		std::string s;
		if (!ToText(c[i], s))
			s = "<" + std::string(TypeNameOf(c[i])) + ">";
		out += (i ? "|" : "") + s;
	}
	return out;
}

inline std::string
Eval(const std::string &expr, const nlohmann::json &doc = nlohmann::json::object(),
     const Environment &env = {}) {
	return Render(Evaluate(Parse(expr), json::FromNlohmann(doc), env));
}

} // namespace hdl::fhirpath::testing
