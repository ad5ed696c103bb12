// OperationOutcome building and the error that carries it to the client.
#include "core/ingest/outcome.hpp"

#include <algorithm>
#include "core/fhir/redact.hpp"

namespace hdl::ingest {

ErrorKind
KindOf(const std::vector<Problem> &problems) noexcept {
	for (const auto &p : problems)
		if (p.code == "forbidden") // another source's record (docs/ingest.md, "Ownership")
			return ErrorKind::PermissionDenied;
	for (const auto &p : problems)
		if (p.code == "not-supported")
			return ErrorKind::NotSupported;
	for (const auto &p : problems)
		if (p.code == "conflict")
			return ErrorKind::VersionConflict;
	for (const auto &p : problems)
		if (p.code == "not-found" || p.code == "multiple-matches")
			return ErrorKind::InvalidParameter;
	return ErrorKind::FhirInvalid;
}

hdl::json::Value
ToOperationOutcome(const std::vector<Problem> &problems) {
	using hdl::json::Value;
	// Members in name order: the error detail (this document as text) reads as it always has.
	Value issues = Value::array();
	for (const auto &p : problems) {
		Value issue = Value::object();
		issue["code"] = p.code.empty() ? std::string("invalid") : p.code;
		issue["diagnostics"] = p.message;
		if (!p.expression.empty()) {
			issue["expression"] = Value::array();
			issue["expression"].push_back(p.expression);
		}
		issue["severity"] = p.severity;
		issues.push_back(std::move(issue));
	}
	Value outcome = Value::object();
	outcome["issue"] = std::move(issues);
	outcome["resourceType"] = "OperationOutcome";
	return outcome;
}

std::string
Summary(const std::vector<Problem> &problems) {
	const char *what = "FHIR validation failed";
	switch (KindOf(problems)) {
	case ErrorKind::NotSupported:
		what = "FHIR request not accepted";
		break;
	case ErrorKind::PermissionDenied:
		what = "FHIR write refused";
		break;
	case ErrorKind::VersionConflict:
		what = "FHIR version conflict";
		break;
	case ErrorKind::InvalidParameter:
		what = "FHIR reference could not be resolved";
		break;
	default:
		break;
	}
	std::string out = what;
	if (problems.empty())
		return out;
	const Problem &first = problems.front();
	out += problems.size() == 1 ? ": " : ": " + std::to_string(problems.size()) + " problems, first ";
	if (!first.expression.empty())
		out += (problems.size() == 1 ? "at " : "at ") + first.expression + ": ";
	out += first.message;
	return out;
}

void
Fail(const std::vector<Problem> &problems) {
	// The detail goes to the client whole: a Bundle with thousands of bad entries lists the first
	// problems and says how many more there are (the message counts them all). The client's
	// OperationOutcome may quote what it sent; the server log's copy may not.
	constexpr size_t kListed = 100;
	std::vector<Problem> listed(problems.begin(), problems.begin() + std::min(problems.size(), kListed));
	if (problems.size() > kListed)
		listed.push_back({"error", "too-costly", std::to_string(problems.size() - kListed) + " more problems are not listed", ""});
	std::vector<Problem> withheld = listed;
	for (auto &p : withheld)
		p.message = fhir::RedactQuoted(p.message);
	Error error(KindOf(problems), Summary(problems), ToOperationOutcome(listed).dump(),
	            problems.size() > kListed
	                ? "The OperationOutcome in the detail lists the first " + std::to_string(kListed) +
	                      " problems; nothing of this request was stored."
	                : "The OperationOutcome in the detail lists every problem; nothing of this request was stored.");
	error.WithLogDetail(ToOperationOutcome(withheld).dump());
	throw error;
}

} // namespace hdl::ingest
