// Validator and pseudonymisation context of an ingest call (see context.hpp).
#include <vector>

#include "core/pseudo/hmac.hpp"
#include "pseudo/keys.hpp"
#include "guc.hpp"
#include "ingest/context.hpp"

namespace hdl::ingest {

Validator
MakeValidator(hdl::fhir::Level level) {
	return [level](const hdl::json::Node &resource) {
		hdl::fhir::ValidationResult result = hdl::fhir::ValidateResource(resource, level);
		std::vector<hdl::ingest::Problem> problems;
		for (auto &issue : result.issues) {
			if (issue.severity != "error" && issue.severity != "fatal")
				continue;
			problems.push_back({issue.severity, issue.code, issue.message, issue.expression});
		}
		if (result.truncated && !problems.empty())
			problems.push_back({"error", "too-costly", "more problems were found than are reported", ""});
		return problems;
	};
}

PseudoContext
MakePseudoContext(const CallerSource &source) {
	hdl::ingest::PseudoContext ctx;
	ctx.key = hdl::keys::Require("pseudonym_key");
	ctx.org_code = source.org_code;
	switch (hdl::guc::pseudo_birth_date) {
	case hdl::guc::BIRTHDATE_YEAR:
		ctx.policy.birth_date = hdl::pseudo::BirthDateRule::Year;
		break;
	case hdl::guc::BIRTHDATE_DROP:
		ctx.policy.birth_date = hdl::pseudo::BirthDateRule::Drop;
		break;
	default:
		ctx.policy.birth_date = hdl::pseudo::BirthDateRule::YearMonth;
	}
	ctx.policy.postcode =
	    hdl::guc::pseudo_postcode == hdl::guc::POSTCODE_DROP ? hdl::pseudo::PostcodeRule::Drop : hdl::pseudo::PostcodeRule::District;
	ctx.policy.keep_narrative = hdl::guc::pseudo_keep_narrative;
	ctx.policy.redact_free_text = hdl::guc::pseudo_redact_free_text;
	ctx.policy.keep_attachment_data = hdl::guc::pseudo_keep_attachments;
	ctx.enabled = hdl::guc::pseudonymise;
	return ctx;
}

} // namespace hdl::ingest
