// Server-log audit lines (see log_line.hpp) and their SQL entry point hdl.audit_log_line.
#include "audit/log_line.hpp"
#include "core/fhir/redact.hpp"
#include "guc.hpp"
#include "pg/entry.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "lib/stringinfo.h"
#include "utils/json.h"
}

namespace hdl::audit {

namespace {

void
AppendRole(StringInfo buf, const char *key, Oid role) {
	const char *name = GetUserNameFromId(role, true);
	appendStringInfo(buf, ", \"%s\": ", key);
	if (name != nullptr)
		escape_json(buf, name);
	else
		appendStringInfoString(buf, "null");
}

// Copies message with every quoted value ('...' or "...") replaced by "?": messages about
// submitted content quote the offending value, which may be an identifier or a birth date.
char *
RedactQuoted(const char *message) {
	size_t size = strlen(message) * 2 + 2; // '' becomes '?'
	char *out = static_cast<char *>(palloc(size));
	hdl::fhir::RedactQuoted(message, out, size);
	return out;
}

} // namespace

void
LogLine(const char *event, const char *subject, const char *detail_json) {
	StringInfoData buf;
	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"event\": ");
	escape_json(&buf, event);
	AppendRole(&buf, "role", GetOuterUserId());
	AppendRole(&buf, "login_role", GetSessionUserId());
	appendStringInfoString(&buf, ", \"subject\": ");
	if (subject != nullptr)
		escape_json(&buf, subject);
	else
		appendStringInfoString(&buf, "null");
	appendStringInfo(&buf, ", \"detail\": %s}", detail_json != nullptr ? detail_json : "{}");
	ereport(LOG_SERVER_ONLY, (errmsg("hdl audit: %s", buf.data), errhidestmt(true), errhidecontext(true)));
	if (hdl::guc::audit_log_client)
		ereport(NOTICE, (errmsg("hdl audit: %s", buf.data), errhidestmt(true), errhidecontext(true)));
	pfree(buf.data);
}

void
LogIngestRejected(const char *function, const char *org_code, int sqlstate, const char *message) {
	StringInfoData detail;
	initStringInfo(&detail);
	appendStringInfoString(&detail, "{\"function\": ");
	escape_json(&detail, function);
	appendStringInfoString(&detail, ", \"source\": ");
	escape_json(&detail, org_code);
	appendStringInfoString(&detail, ", \"sqlstate\": ");
	escape_json(&detail, unpack_sql_state(sqlstate));
	appendStringInfoString(&detail, ", \"message\": ");
	escape_json(&detail, RedactQuoted(message));
	appendStringInfoChar(&detail, '}');
	LogLine("ingest_rejected", nullptr, detail.data);
}

} // namespace hdl::audit

// hdl.audit_log_line(event, subject, detail): C-style (no C++ objects), for SQL callers.
HDL_FUNCTION(hdl_audit_log_line) {
	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("audit event must not be null")));
	const char *event = text_to_cstring(PG_GETARG_TEXT_PP(0));
	const char *subject = PG_ARGISNULL(1) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(1));
	const char *detail = nullptr;
	if (!PG_ARGISNULL(2)) {
		Jsonb *jb = PG_GETARG_JSONB_P(2);
		if (!JB_ROOT_IS_OBJECT(jb))
			ereport(ERROR,
			        (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("audit detail must be a JSON object")));
		detail = JsonbToCString(nullptr, &jb->root, VARSIZE(jb));
	}
	hdl::audit::LogLine(event, subject, detail);
	PG_RETURN_VOID();
}
