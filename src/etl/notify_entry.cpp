// hdl._ingest_notify_inline(): whether an ingest batch's own transaction must NOTIFY
// hdl_ingest, because the ETL launcher does not announce this database's batches (see
// launcher.hpp, LauncherAnnouncesHere).
#include "pg/entry.hpp"

#include "etl/launcher.hpp"
#include "pg/postgres.hpp"

HDL_FUNCTION(hdl_ingest_notify_inline) {
	PG_RETURN_BOOL(!hdl::etl::LauncherAnnouncesHere());
}
