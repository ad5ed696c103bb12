// Audit lines in the server log: "hdl audit: {json}" at LOG_SERVER_ONLY, which survive the
// rollback of the failing transaction (rejected ingests, refused callers). PG-side code: call
// these only when no C++ object is alive (they palloc and ereport).
#pragma once

namespace hdl::audit {

// detail_json is a JSON object's text, or NULL for {}. Sent to the client as a NOTICE too when
// hdl.audit_log_client is on.
void LogLine(const char *event, const char *subject, const char *detail_json);

// A rejected ingest call: the calling function, source, SQLSTATE and message (quoted values
// in the message are redacted: they may be patient data).
void LogIngestRejected(const char *function, const char *org_code, int sqlstate, const char *message);

} // namespace hdl::audit
