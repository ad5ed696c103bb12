// The kinds of ETL job the launcher knows how to run.
#pragma once
#include <string_view>

namespace hdl::etl {

enum class JobKind { RefreshMart, ImportS3, ExportS3, ExportLake, Retention, Sql };

// "refresh_mart", "import_s3", "export_s3", "export_lake", "retention", "sql".
std::string_view JobKindName(JobKind kind) noexcept;

// The kind named by `name` (exact, lower case). Throws hdl::Error(InvalidParameter) with
// message `invalid ETL job kind: "<name>"` and a detail listing the valid kinds.
JobKind ValidateJobKind(std::string_view name);

} // namespace hdl::etl

#include "core/cpp_only.hpp"
