// The ETL launcher: one static background worker, registered when hdl is preloaded.
#pragma once

namespace hdl::etl {

// Called from _PG_init while shared_preload_libraries is processed (not in binary upgrade).
void RegisterLauncher();

} // namespace hdl::etl
