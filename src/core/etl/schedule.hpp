// ETL job schedules: a 5-field cron expression (Vixie-cron rules) or a fixed interval,
// parsed from the text a user passes to the SQL API, and the arithmetic of the next run time.
//
// Cron: "min hour day-of-month month day-of-week", each field "*", a number, a range "a-b", a
// list "a,b-c", with an optional step "*/15", "10-50/10" or "5/15" (= 5-max/15). Months take
// jan..dec, days of week sun..sat (any case); day of week 0 and 7 are both Sunday, and a range
// ending in Sunday ("fri-sun", "5-0") means 5-7. Macros: @hourly, @daily, @midnight, @weekly,
// @monthly, @yearly, @annually.
// Vixie day rule: when both day fields are restricted (neither starts with "*"), a day runs if
// EITHER matches; otherwise both must match. As in Vixie cron and pg_cron, "*/2" counts as
// unrestricted here, so "0 0 */2 * mon" runs on odd days that are Mondays.
//
// Interval: "[every] <n> <unit>" with unit second(s)/sec(s), minute(s)/min(s), hour(s)/hr(s),
// day(s), week(s), any case, from 1 second to 365 days, e.g. "30 seconds", "every 2 hours".
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hdl::etl {

enum class ScheduleKind : uint8_t { Cron, Interval };

struct Schedule {
	ScheduleKind kind = ScheduleKind::Cron;
	// Normalised text: lower case, fields single-spaced ("*/15 9-17 * * mon-fri", "@daily"), or
	// "<n> <unit>" for intervals ("30 seconds", "1 hour").
	std::string text;

	// Cron: bit v is set when value v matches.
	uint64_t minutes = 0;           // bits 0-59
	uint32_t hours = 0;             // bits 0-23
	uint32_t days_of_month = 0;     // bits 1-31
	uint16_t months = 0;            // bits 1-12
	uint8_t days_of_week = 0;       // bits 0-6, Sunday = 0
	bool day_of_month_star = false; // the field began with "*" (Vixie day rule)
	bool day_of_week_star = false;

	// Interval: seconds between run starts.
	int64_t interval_seconds = 0;
};

constexpr int64_t MIN_INTERVAL_SECONDS = 1;
constexpr int64_t MAX_INTERVAL_SECONDS = 365 * 86400;

// Throws hdl::Error(InvalidParameter): message `invalid schedule: "<text>"`, a detail naming the
// wrong field and why ("Minute field: 61 is out of range 0-59."), and a hint with examples.
Schedule ParseSchedule(std::string_view text);

// The first run time strictly after `after_epoch_seconds`.
// Cron: the first matching minute (second 0) of wall-clock time UTC + tz_offset_seconds (a fixed
// offset, no DST). Returns nullopt when nothing matches within 400 years: the Gregorian calendar
// repeats every 400 years, so such a schedule never runs ("0 0 30 2 *").
// Interval: after + interval (the offset plays no part). Pass the start time of the last run (or the time the
// job was created when it never ran), so that run durations do not make the schedule drift. Also nullopt when
// the result would not fit in int64 or lies beyond year 1000000. Throws InvalidParameter when
// |tz_offset_seconds| exceeds 18 hours.
std::optional<int64_t> NextRun(const Schedule &schedule, int64_t after_epoch_seconds,
                               int tz_offset_seconds = 0);

// For a launcher that was busy or down: the first run time strictly after `now_epoch_seconds`,
// skipping runs that were missed. Interval schedules stay aligned to the last run start
// (last_run_start + k * interval, k >= 1); cron schedules ignore last_run_start.
std::optional<int64_t> NextRunSkippingMissed(const Schedule &schedule, int64_t last_run_start_epoch_seconds,
                                             int64_t now_epoch_seconds, int tz_offset_seconds = 0);

// A short description for the console: "every 30 seconds", "every hour", "at 04:05 every day",
// "at 00:00 every Sunday", "at 00:00 on day 1 of every month", "at 00:00 on 1 January every
// year", "at minute 5 of every hour", "every minute", otherwise the normalised cron text.
std::string Describe(const Schedule &schedule);

} // namespace hdl::etl

#include "core/cpp_only.hpp"
