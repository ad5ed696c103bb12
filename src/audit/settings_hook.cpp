// The ProcessUtility hook behind settings_hook.hpp. PG-side code: plain C calls only, no C++
// objects, so the ereports of the utility command itself unwind nothing.
#include <cstring>

#include "audit/log_line.hpp"
#include "audit/settings_hook.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "nodes/parsenodes.h"
#include "tcop/utility.h"
}

namespace hdl::audit {

namespace {

ProcessUtility_hook_type previous_hook = nullptr;

// The hdl.* setting a statement changes, and how; NULL when it changes none.
const char *
ChangedSetting(Node *stmt, const char **how) {
	VariableSetStmt *set = nullptr;
	switch (nodeTag(stmt)) {
	case T_VariableSetStmt:
		set = reinterpret_cast<VariableSetStmt *>(stmt);
		*how = "set";
		break;
	case T_AlterSystemStmt:
		set = reinterpret_cast<AlterSystemStmt *>(stmt)->setstmt;
		*how = "alter_system";
		break;
	case T_AlterRoleSetStmt:
		set = reinterpret_cast<AlterRoleSetStmt *>(stmt)->setstmt;
		*how = "alter_role_set";
		break;
	case T_AlterDatabaseSetStmt:
		set = reinterpret_cast<AlterDatabaseSetStmt *>(stmt)->setstmt;
		*how = "alter_database_set";
		break;
	default:
		return nullptr;
	}
	if (set == nullptr || set->name == nullptr || strncmp(set->name, "hdl.", 4) != 0)
		return nullptr;
	// Only changes where audit lines go, not what is recorded: left out so that turning it on
	// does not itself print a line naming the session's role.
	if (strcmp(set->name, "hdl.audit_log_client") == 0)
		return nullptr;
	if (set->kind == VAR_RESET || set->kind == VAR_SET_DEFAULT)
		*how = strcmp(*how, "set") == 0 ? "reset" : *how;
	return set->name;
}

void
SettingsProcessUtility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                       ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env,
                       DestReceiver *dest, QueryCompletion *qc) {
	const char *how = nullptr;
	const char *setting = ChangedSetting(pstmt->utilityStmt, &how);
	if (previous_hook != nullptr)
		previous_hook(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
	else
		standard_ProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
	// Only changes that were accepted; a refused one raised above and is Postgres's own log line.
	if (setting != nullptr) {
		char detail[256];
		snprintf(detail, sizeof detail, "{\"statement\": \"%s\"}", how);
		LogLine("setting_change", setting, detail);
	}
}

} // namespace

void
InstallSettingsHook() {
	previous_hook = ProcessUtility_hook;
	ProcessUtility_hook = SettingsProcessUtility;
}

} // namespace hdl::audit
