// ValidationResult -> OperationOutcome.
#include "core/fhir/operation_outcome.hpp"

namespace hdl::fhir {

nlohmann::json
ToOperationOutcome(const ValidationResult &result) {
	nlohmann::json issues = nlohmann::json::array();
	for (const Issue &issue : result.issues) {
		nlohmann::json entry = {
		    {"severity", issue.severity}, {"code", issue.code}, {"diagnostics", issue.message}};
		if (!issue.expression.empty())
			entry["expression"] = nlohmann::json::array({issue.expression});
		issues.push_back(std::move(entry));
	}
	if (result.truncated)
		issues.push_back({{"severity", "warning"},
		                  {"code", "too-costly"},
		                  {"diagnostics", "validation stopped after " + std::to_string(result.issues.size()) +
		                                      " issues; more problems may exist"}});
	if (issues.empty())
		issues.push_back({{"severity", "information"},
		                  {"code", "informational"},
		                  {"diagnostics", "the resource is valid"}});
	return {{"resourceType", "OperationOutcome"}, {"issue", std::move(issues)}};
}

} // namespace hdl::fhir
