// The module: PG_MODULE_MAGIC and _PG_init (settings, then features that need preloading).
// Nothing else lives here.
#include "core/depth.hpp"
#include "etl/launcher.hpp"
#include "audit/settings_hook.hpp"
#include "guc.hpp"
#include "module.hpp"
#include "pg/entry.hpp"

#include "pg/postgres.hpp"

extern "C" {
PG_MODULE_MAGIC;
void _PG_init(void);
}

namespace hdl {

bool preloaded = false;

void
RequirePreload(const char *feature) {
	if (!preloaded)
		ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
		                errmsg("%s requires hdl to be loaded via shared_preload_libraries", feature),
		                errhint("Add hdl to shared_preload_libraries in postgresql.conf and restart the server.")));
}

// The core's recursion guards ask Postgres whether the stack is too deep (max_stack_depth);
// stack_is_too_deep() only compares addresses, so it cannot ereport.
static bool
PgStackTooDeep() noexcept {
	return stack_is_too_deep();
}

static void
InitImpl() {
	static bool initialised = false;
	if (initialised)
		return;
	initialised = true;
	preloaded = process_shared_preload_libraries_in_progress;
	depth::SetStackCheck(PgStackTooDeep);
	guc::Define();
	audit::InstallSettingsHook();
	if (preloaded && !IsBinaryUpgrade)
		etl::RegisterLauncher();
}

} // namespace hdl

// hdl._require_preload(feature): SQL functions of features that need preloading call it first.
extern "C" {
PG_FUNCTION_INFO_V1(hdl_require_preload);
}
extern "C" Datum
hdl_require_preload(PG_FUNCTION_ARGS) {
	// Plain C on purpose: only Postgres calls, no C++ objects (see RequirePreload).
	hdl::RequirePreload(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	PG_RETURN_VOID();
}

extern "C" void
_PG_init(void) {
	hdl::pg::CallCpp("_PG_init", hdl::InitImpl);
}
