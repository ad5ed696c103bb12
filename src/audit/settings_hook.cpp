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

// The SET clause of a statement that changes a setting, and how; NULL for other statements.
VariableSetStmt *
SetClause(Node *stmt, const char **how) {
	switch (nodeTag(stmt)) {
	case T_VariableSetStmt:
		*how = "set";
		return reinterpret_cast<VariableSetStmt *>(stmt);
	case T_AlterSystemStmt:
		*how = "alter_system";
		return reinterpret_cast<AlterSystemStmt *>(stmt)->setstmt;
	case T_AlterRoleSetStmt:
		*how = "alter_role_set";
		return reinterpret_cast<AlterRoleSetStmt *>(stmt)->setstmt;
	case T_AlterDatabaseSetStmt:
		*how = "alter_database_set";
		return reinterpret_cast<AlterDatabaseSetStmt *>(stmt)->setstmt;
	default:
		return nullptr;
	}
}

// The hdl.* setting a statement changes, and how; NULL when it changes none.
const char *
ChangedSetting(Node *stmt, const char **how) {
	VariableSetStmt *set = SetClause(stmt, how);
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

// hdl's keys were settings once (hdl.pseudonym_key, hdl.vault_key, ..._previous). A statement that
// still tries to set one (or any hdl.* name about keys or secrets) is refused before Postgres sees
// it, without its text in the server log: Postgres's own refusal would log the statement, secret
// and all.
bool
IsKeyName(const char *name) {
	if (strncmp(name, "hdl.", 4) != 0 || strcmp(name, "hdl.key_file") == 0 || strcmp(name, "hdl.key_command") == 0)
		return false;
	return strstr(name, "key") != nullptr || strstr(name, "secret") != nullptr;
}

void
RefuseKeySetting(Node *stmt) {
	const char *how = nullptr;
	VariableSetStmt *set = SetClause(stmt, &how);
	if (set == nullptr || set->name == nullptr || set->kind != VAR_SET_VALUE || !IsKeyName(set->name))
		return;
	ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("hdl keys are not settings: \"%s\" is refused", set->name),
	                errdetail("A key in a setting could be read by monitoring roles and written to the server log; "
	                          "the statement is not logged."),
	                errhint("Put the key in the file named by hdl.key_file, readable only by the server's OS user "
	                        "(or have hdl.key_command print it); see docs/pseudonymisation.md."),
	                errhidestmt(true)));
}

void
SettingsProcessUtility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                       ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env,
                       DestReceiver *dest, QueryCompletion *qc) {
	RefuseKeySetting(pstmt->utilityStmt);
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
