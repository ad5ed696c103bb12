// The ETL schedule parser, its description and next-run arithmetic (cron and intervals).
#include "core/error.hpp"
#include "core/etl/schedule.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	try {
		hdl::etl::Schedule s =
		    hdl::etl::ParseSchedule(std::string_view(reinterpret_cast<const char *>(data), size));
		(void)hdl::etl::Describe(s);
		for (int64_t after : {INT64_C(0), INT64_C(1767225600), INT64_C(32503680000), INT64_C(-62135596800)}) {
			(void)hdl::etl::NextRun(s, after);
			(void)hdl::etl::NextRun(s, after, 5 * 3600 + 30 * 60);
			(void)hdl::etl::NextRunSkippingMissed(s, after, after + 86400 * 400);
		}
	} catch (const hdl::Error &) {
	}
	return 0;
}
