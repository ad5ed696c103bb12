// Audit entries written by hdl's own C code for a caller who may not write audit entries: the
// entry goes through hdl.audit_write as the extension's owner (the owner of schema hdl_audit),
// in the caller's transaction, naming the caller's role. So no internal SQL function that
// writes entries needs to be executable by an hdl role (docs/security.md).
#pragma once
#include <cstdint>

namespace hdl::audit {

// event, subject (or NULL) and detail (a JSON object's text, or NULL). PG-side: palloc and
// ereport; call it with no C++ object alive.
int64_t WriteAsExtension(const char *event, const char *subject, const char *detail_json);

} // namespace hdl::audit
