// Job kind names: the spelling stored in hdl.etl_job.spec and shown in errors.
#include "core/etl/job_kind.hpp"
#include "core/error.hpp"

#include <cctype>
#include <string>

namespace hdl::etl {

namespace {

constexpr JobKind ALL_KINDS[] = {JobKind::RefreshMart, JobKind::ImportS3, JobKind::ExportS3, JobKind::ExportLake, JobKind::Retention,
                                  JobKind::Sql};

bool
EqualsIgnoringCase(std::string_view a, std::string_view b) {
	if (a.size() != b.size())
		return false;
	for (size_t i = 0; i < a.size(); ++i)
		if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
			return false;
	return true;
}

} // namespace

std::string_view
JobKindName(JobKind kind) noexcept {
	switch (kind) {
	case JobKind::RefreshMart:
		return "refresh_mart";
	case JobKind::ImportS3:
		return "import_s3";
	case JobKind::ExportS3:
		return "export_s3";
	case JobKind::ExportLake:
		return "export_lake";
	case JobKind::Retention:
		return "retention";
	case JobKind::Sql:
		return "sql";
	}
	return "unknown";
}

JobKind
ValidateJobKind(std::string_view name) {
	for (JobKind kind : ALL_KINDS)
		if (name == JobKindName(kind))
			return kind;
	std::string hint;
	for (JobKind kind : ALL_KINDS)
		if (EqualsIgnoringCase(name, JobKindName(kind)))
			hint = "Job kinds are lower case: perhaps you meant \"" + std::string(JobKindName(kind)) + "\".";
	throw Error(ErrorKind::InvalidParameter,
	            "invalid ETL job kind: \"" + std::string(name.substr(0, 100)) + "\"",
	            "Valid kinds are refresh_mart, import_s3, export_s3, export_lake, retention and sql.", hint);
}

} // namespace hdl::etl
