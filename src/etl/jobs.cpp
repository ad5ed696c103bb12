// SQL-callable C functions of the ETL capability: schedule checks and arithmetic over
// src/core/etl (hdl.etl_normalize_schedule, etl_describe_schedule, etl_next_run, _etl_slot,
// _etl_retry_delay, _etl_check_kind) and hdl._etl_execute, the body of hdl.run_job_now.
#include <optional>
#include <string>

#include "core/etl/job_kind.hpp"
#include "core/etl/retry.hpp"
#include "core/etl/schedule.hpp"
#include "pg/entry.hpp"
#include "pg/guard.hpp"
#include "pg/spi.hpp"
#include "pg/subxact.hpp"

#include "etl/body.hpp"
#include "pg/postgres.hpp"

extern "C" {
#include "access/htup_details.h"
#include "datatype/timestamp.h"
#include "executor/spi.h"
#include "utils/timestamp.h"
}

namespace {

constexpr int64 UNIX_OFFSET_SECONDS = (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;

int64
EpochSeconds(TimestampTz ts) {
	// Floor, so times before 1970 round down like the core's arithmetic.
	int64 s = ts / USECS_PER_SEC;
	if (ts < 0 && ts % USECS_PER_SEC != 0)
		s -= 1;
	return s + UNIX_OFFSET_SECONDS;
}

// nullopt when the time does not fit a timestamptz.
std::optional<TimestampTz>
FromEpochSeconds(int64 epoch) {
	int64 pg_seconds = epoch - UNIX_OFFSET_SECONDS;
	if (pg_seconds > END_TIMESTAMP / USECS_PER_SEC || pg_seconds < MIN_TIMESTAMP / USECS_PER_SEC)
		return std::nullopt;
	return pg_seconds * USECS_PER_SEC;
}

std::string
TextArg(FunctionCallInfo fcinfo, int n) {
	text *t = PG_GETARG_TEXT_PP(n);
	return std::string(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

} // namespace

HDL_FUNCTION(hdl_etl_normalize_schedule) {
	text *result;
	{
		std::string normalised = hdl::etl::ParseSchedule(TextArg(fcinfo, 0)).text;
		result = DatumGetTextPP(hdl::pg::TextDatum(normalised));
	}
	PG_RETURN_TEXT_P(result);
}

HDL_FUNCTION(hdl_etl_describe_schedule) {
	text *result;
	{
		std::string description = hdl::etl::Describe(hdl::etl::ParseSchedule(TextArg(fcinfo, 0)));
		result = DatumGetTextPP(hdl::pg::TextDatum(description));
	}
	PG_RETURN_TEXT_P(result);
}

HDL_FUNCTION(hdl_etl_check_kind) {
	text *result;
	{
		std::string kind = TextArg(fcinfo, 0);
		result = DatumGetTextPP(
		    hdl::pg::TextDatum(std::string(hdl::etl::JobKindName(hdl::etl::ValidateJobKind(kind)))));
	}
	PG_RETURN_TEXT_P(result);
}

HDL_FUNCTION(hdl_etl_next_run) {
	TimestampTz after = PG_GETARG_TIMESTAMPTZ(1);
	if (TIMESTAMP_NOT_FINITE(after))
		PG_RETURN_NULL();
	std::optional<TimestampTz> next;
	{
		hdl::etl::Schedule schedule = hdl::etl::ParseSchedule(TextArg(fcinfo, 0));
		std::optional<int64_t> epoch = hdl::etl::NextRun(schedule, EpochSeconds(after));
		if (epoch)
			next = FromEpochSeconds(*epoch);
	}
	if (!next)
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(*next);
}

// The slot a run started at `now` stands for: interval schedules keep their phase (the last
// anchor + k * interval <= now, skipping missed runs); cron schedules use now itself, since their
// next run does not depend on the last one.
HDL_FUNCTION(hdl_etl_slot) {
	TimestampTz anchor = PG_GETARG_TIMESTAMPTZ(1);
	TimestampTz now = PG_GETARG_TIMESTAMPTZ(2);
	if (TIMESTAMP_NOT_FINITE(anchor) || TIMESTAMP_NOT_FINITE(now))
		PG_RETURN_TIMESTAMPTZ(now);
	std::optional<TimestampTz> slot;
	{
		hdl::etl::Schedule schedule = hdl::etl::ParseSchedule(TextArg(fcinfo, 0));
		int64 now_s = EpochSeconds(now);
		if (schedule.kind == hdl::etl::ScheduleKind::Interval) {
			std::optional<int64_t> next =
			    hdl::etl::NextRunSkippingMissed(schedule, EpochSeconds(anchor), now_s);
			if (next && *next - schedule.interval_seconds > EpochSeconds(anchor))
				slot = FromEpochSeconds(*next - schedule.interval_seconds);
		}
		if (!slot)
			slot = FromEpochSeconds(now_s);
	}
	PG_RETURN_TIMESTAMPTZ(slot ? *slot : now);
}

// Wait before retry `attempt`: retry_delay doubled each time, capped at an hour (or at
// retry_delay when that is longer).
HDL_FUNCTION(hdl_etl_retry_delay) {
	int32 attempt = PG_GETARG_INT32(0);
	Interval *base = PG_GETARG_INTERVAL_P(1);
	int64 base_us =
	    base->time + (int64)base->day * USECS_PER_DAY + (int64)base->month * DAYS_PER_MONTH * USECS_PER_DAY;
	int64 base_s = Max(base_us / USECS_PER_SEC, (int64)1);
	int base_seconds = static_cast<int>(Min(base_s, (int64)365 * SECS_PER_DAY));
	int64 delay = hdl::etl::RetryDelaySeconds(attempt, base_seconds, Max(base_seconds, 3600));
	Interval *result = static_cast<Interval *>(palloc0(sizeof(Interval)));
	result->time = delay * USECS_PER_SEC;
	PG_RETURN_INTERVAL_P(result);
}

namespace {

struct ExecuteArgs {
	const hdl::etl::RunSpec *spec;
	hdl::etl::RunResult result;
};

void
ExecuteStep(void *arg) {
	auto *a = static_cast<ExecuteArgs *>(arg);
	hdl::etl::RunBody(a->spec, &a->result);
}

} // namespace

// hdl._etl_execute(run): the body of a manual run in a subtransaction of the caller's
// transaction, so a failing job is recorded instead of aborting hdl.run_job_now. The caller
// (run_job_now) holds the job's advisory lock. Returns (rows_in, rows_out, sqlstate, error, detail,
// hint, context): a failure keeps where it happened, as the interactive error shows it.
HDL_FUNCTION(hdl_etl_execute) {
	int64 run_id = PG_GETARG_INT64(0);
	TupleDesc desc;
	if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "hdl: _etl_execute must return a record");
	desc = BlessTupleDesc(desc);

	hdl::etl::RunSpec spec;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "hdl: SPI_connect failed");
	bool found = hdl::etl::LoadRunSpec(run_id, &spec, CurrentMemoryContext);
	SPI_finish();
	if (!found)
		ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
		                errmsg("ETL run %lld does not exist", static_cast<long long>(run_id))));

	ExecuteArgs args {&spec, {}};
	Datum values[7] = {0, 0, 0, 0, 0, 0, 0};
	bool nulls[7] = {true, true, true, true, true, true, true};
	{
		hdl::pg::StepError error = hdl::pg::InSubtransaction(ExecuteStep, &args);
		if (error.failed) {
			values[2] = hdl::pg::TextDatum(hdl::pg::Guard(unpack_sql_state, error.sqlstate));
			values[3] = hdl::pg::TextDatum(error.message);
			nulls[2] = nulls[3] = false;
			const std::string *optional[3] = {&error.detail, &error.hint, &error.context};
			for (int i = 0; i < 3; i++)
				if (!optional[i]->empty()) {
					values[4 + i] = hdl::pg::TextDatum(*optional[i]);
					nulls[4 + i] = false;
				}
		}
	}
	if (nulls[3]) {
		if (args.result.has_rows_in) {
			values[0] = Int64GetDatum(args.result.rows_in);
			nulls[0] = false;
		}
		if (args.result.has_rows_out) {
			values[1] = Int64GetDatum(args.result.rows_out);
			nulls[1] = false;
		}
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
