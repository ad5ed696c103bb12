// All hdl.* settings in one place. Security-relevant ones are PGC_SUSET (a user cannot switch
// them off for their own session) and secrets are GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL.
#include "guc.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "utils/guc.h"
}

namespace hdl::guc {

bool enable_test_functions = false;
int validation_level = VALIDATION_STRICT;

static const struct config_enum_entry validation_level_options[] = {
    {"strict", VALIDATION_STRICT, false},
    {"structure", VALIDATION_STRUCTURE, false},
    {"minimal", VALIDATION_MINIMAL, false},
    {nullptr, 0, false},
};

void
Define() noexcept {
	DefineCustomBoolVariable("hdl.enable_test_functions", "Enables hdl's test-only SQL functions.",
	                         "The functions hdl._test_* exist to prove that errors cross the C++/Postgres "
	                         "boundary cleanly. They are refused unless this is on; only superusers can set it.",
	                         &enable_test_functions, false, PGC_SUSET, GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL,
	                         nullptr, nullptr, nullptr);

	DefineCustomEnumVariable("hdl.validation_level", "Default FHIR validation level for ingestion.",
	                         "strict checks structure, primitive formats and required codes; structure skips "
	                         "formats and codes; minimal checks only resourceType and id. A call may choose its "
	                         "own level.",
	                         &validation_level, VALIDATION_STRICT, validation_level_options, PGC_SUSET, 0, nullptr,
	                         nullptr, nullptr);

	MarkGUCPrefixReserved("hdl");
}

} // namespace hdl::guc
