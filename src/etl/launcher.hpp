// The ETL launcher: one static background worker, registered when hdl is preloaded.
#pragma once

namespace hdl::etl {

// Called from _PG_init while shared_preload_libraries is processed (not in binary upgrade).
void RegisterLauncher();

// Whether the launcher announces this database's ingest batches (NOTIFY hdl_ingest, off the
// ingest commit path): hdl is preloaded and this is hdl.etl_database. Elsewhere the batch's own
// transaction notifies. Postgres-side (a catalog lookup on first call).
bool LauncherAnnouncesHere();

} // namespace hdl::etl
