// Module-wide state set by _PG_init.
#pragma once

namespace hdl {

// True when hdl was loaded through shared_preload_libraries.
extern bool preloaded;

// Raises a clear error with a hint when a feature that needs preloading is used without it.
void RequirePreload(const char *feature);

} // namespace hdl
