// Audit of changes to hdl's own settings (SET, ALTER SYSTEM, ALTER ROLE/DATABASE ... SET of
// hdl.*): a ProcessUtility hook writes one "hdl audit:" server-log line per change, which
// survives a rollback and never carries the value; it refuses, unlogged, statements that try to
// set a key as a setting (keys live in the key file: docs/pseudonymisation.md).
#pragma once

namespace hdl::audit {

void InstallSettingsHook();

} // namespace hdl::audit
