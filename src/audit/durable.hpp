// Audit entries that no rollback can take back: written and committed by a background worker of
// their own before the caller goes on (docs/audit.md, "Durable entries"). For every release of
// identity (re-identification, NHS number to pseudonym), its refusals, and in-place reads of S3.
#pragma once
#include <cstdint>

namespace hdl::audit {

// Writes one entry (event, subject or NULL, detail: a JSON object's text or NULL) for the acting
// role, login role and client address of this backend, in a transaction of its own in this
// database, and returns its entry id once committed. For "reidentify" the same transaction adds
// the hdl_vault.reidentification row (detail's "purpose"). PG-side: ereports 53400 when no worker
// can start and 55000 when the entry could not be written; call it with no C++ object alive.
int64_t WriteDurable(const char *event, const char *subject, const char *detail_json);

// For refusals: the durable entry when it can be written (in a subtransaction), otherwise the
// same as a server-log line ("hdl audit: ...", LOG_SERVER_ONLY); never raises an error of its own.
void RecordRefusal(const char *event, const char *subject, const char *detail_json);

} // namespace hdl::audit
