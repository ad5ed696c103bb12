// ValidationResult -> OperationOutcome.
#include "core/fhir/operation_outcome.hpp"

namespace hdl::fhir {

namespace {

json::Value
MakeIssue(const std::string &severity, const std::string &code, const std::string &diagnostics) {
	json::Value issue = json::Value::object();
	issue["severity"] = severity;
	issue["code"] = code;
	issue["diagnostics"] = diagnostics;
	return issue;
}

} // namespace

json::Value
ToOperationOutcome(const ValidationResult &result) {
	json::Value issues = json::Value::array();
	for (const Issue &issue : result.issues) {
		json::Value entry = MakeIssue(issue.severity, issue.code, issue.message);
		if (!issue.expression.empty()) {
			entry["expression"] = json::Value::array();
			entry["expression"].push_back(issue.expression);
		}
		issues.push_back(std::move(entry));
	}
	if (result.truncated)
		issues.push_back(MakeIssue("warning", "too-costly",
		                           "validation stopped after " + std::to_string(result.issues.size()) +
		                               " issues; more problems may exist"));
	if (issues.empty())
		issues.push_back(MakeIssue("information", "informational", "the resource is valid"));
	json::Value outcome = json::Value::object();
	outcome["resourceType"] = "OperationOutcome";
	outcome["issue"] = std::move(issues);
	return outcome;
}

} // namespace hdl::fhir
