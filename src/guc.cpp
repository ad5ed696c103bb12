// All hdl.* settings in one place. Security-relevant ones are PGC_SUSET (a user cannot switch
// them off for their own session). No setting holds a secret: keys are read from the file or
// command that hdl.key_file or hdl.key_command names (src/pseudo/keys.cpp).
#include "guc.hpp"
#include "pseudo/keys.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "utils/guc.h"
}

namespace hdl::guc {

bool enable_test_functions = false;
int validation_level = VALIDATION_STRICT;
char *key_file = nullptr;
char *key_command = nullptr;
int pseudo_birth_date = BIRTHDATE_YEAR_MONTH;
int pseudo_postcode = POSTCODE_DISTRICT;
bool pseudo_keep_narrative = false;
bool pseudo_keep_attachments = false;
bool pseudo_redact_free_text = true;
bool pseudonymise = true;
bool audit_ingest = true;
bool audit_log_client = false;
char *etl_database = nullptr;
bool etl_enabled = true;
int etl_max_workers = 4;
int etl_poll_interval = 1000;
char *s3_allowed_endpoints = nullptr;

static const struct config_enum_entry validation_level_options[] = {
    {"strict", VALIDATION_STRICT, false},
    {"structure", VALIDATION_STRUCTURE, false},
    {"minimal", VALIDATION_MINIMAL, false},
    {nullptr, 0, false},
};

static const struct config_enum_entry birth_date_options[] = {
    {"year-month", BIRTHDATE_YEAR_MONTH, false},
    {"year", BIRTHDATE_YEAR, false},
    {"drop", BIRTHDATE_DROP, false},
    {nullptr, 0, false},
};

static const struct config_enum_entry postcode_options[] = {
    {"district", POSTCODE_DISTRICT, false},
    {"drop", POSTCODE_DROP, false},
    {nullptr, 0, false},
};

void
Define() noexcept {
	DefineCustomBoolVariable("hdl.enable_test_functions", "Enables hdl's test-only SQL functions.",
	                         "The functions hdl._test_* exist to prove that errors cross the C++/Postgres "
	                         "boundary cleanly. They are refused unless this is on; only superusers can set it.",
	                         &enable_test_functions, false, PGC_SUSET, GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL,
	                         nullptr, nullptr, nullptr);

	DefineCustomEnumVariable("hdl.validation_level", "Default FHIR validation level for ingestion.",
	                         "strict checks structure, primitive formats and required codes; structure skips "
	                         "formats and codes; minimal checks only resourceType and id. A call may choose its "
	                         "own level.",
	                         &validation_level, VALIDATION_STRICT, validation_level_options, PGC_SUSET, 0, nullptr,
	                         nullptr, nullptr);

	// Where the keys are, never the keys: visible to pg_read_all_settings like ssl_key_file.
	DefineCustomStringVariable("hdl.key_file", "File the server reads hdl's keys from.",
	                           "One \"<name> = <key id>:<secret>\" per line for pseudonym_key, vault_key and, "
	                           "while rotating, pseudonym_key_previous and vault_key_previous. It must be "
	                           "readable only by the server's OS user (as ssl_key_file); a relative path is "
	                           "relative to the data directory. Changes to the file are seen on next use.",
	                           &key_file, "", PGC_SUSET, GUC_SUPERUSER_ONLY, nullptr, hdl::keys::SourceChanged,
	                           nullptr);
	DefineCustomStringVariable("hdl.key_command", "Command that prints hdl's keys, instead of hdl.key_file.",
	                           "Run by each server process that needs a key, in the data directory, when it first "
	                           "needs one and after the setting changes or the configuration is reloaded; it "
	                           "prints the lines of a key file. The command itself must not hold a secret.",
	                           &key_command, "", PGC_SUSET, GUC_SUPERUSER_ONLY, nullptr, hdl::keys::SourceChanged,
	                           nullptr);

	DefineCustomEnumVariable("hdl.pseudo_birth_date", "What the clinical copy keeps of a patient's birth date.",
	                         "year-month (default), year, or drop; the exact date goes to the vault.",
	                         &pseudo_birth_date, BIRTHDATE_YEAR_MONTH, birth_date_options, PGC_SUSET, 0, nullptr,
	                         nullptr, nullptr);
	DefineCustomEnumVariable("hdl.pseudo_postcode", "What the clinical copy keeps of a patient's postcode.",
	                         "district (the outward code, e.g. LS1) or drop; the full address goes to the vault.",
	                         &pseudo_postcode, POSTCODE_DISTRICT, postcode_options, PGC_SUSET, 0, nullptr, nullptr,
	                         nullptr);
	DefineCustomBoolVariable("hdl.pseudo_redact_free_text",
	                         "Replaces NHS numbers, e-mail addresses, UK phone numbers and postcodes typed into free text.",
	                         "On by default: an identifier in a note would otherwise reach the lake.",
	                         &pseudo_redact_free_text, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);
	DefineCustomBoolVariable("hdl.pseudo_keep_narrative", "Keeps resource narrative (text.div) in the clinical copy.",
	                         "Off by default: narrative is free text that often names the patient.",
	                         &pseudo_keep_narrative, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
	DefineCustomBoolVariable("hdl.pseudo_keep_attachments", "Keeps inline attachment data in the clinical copy.",
	                         "Off by default: attached documents (e.g. clinical notes) often name the patient.",
	                         &pseudo_keep_attachments, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);

	DefineCustomBoolVariable("hdl.pseudonymise", "Pseudonymises patients at ingest (never turn off on real data).",
	                         "Off exists only so bench/ingest can measure the cost of pseudonymisation on synthetic "
	                         "data: identifiers then stay in the clinical copy.",
	                         &pseudonymise, true, PGC_SUSET, GUC_NOT_IN_SAMPLE, nullptr, nullptr, nullptr);
	DefineCustomBoolVariable("hdl.audit_ingest", "Writes an audit entry for every ingest batch.",
	                         "On by default. Superusers may switch it off to measure what auditing costs "
	                         "(bench/ingest); other audit entries are always written.",
	                         &audit_ingest, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);
	DefineCustomBoolVariable("hdl.audit_log_client", "Also sends audit server-log lines to the client.",
	                         "Lines such as rejected ingests go to the server log only (LOG_SERVER_ONLY); when "
	                         "this is on they are also sent to the client as NOTICEs, which tests use.",
	                         &audit_log_client, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
	// ETL launcher (src/etl): read by the launcher only, so superuser-only like pg_cron's cron.*.
	// A postmaster-level setting can only be defined while preloading: a backend that loads hdl
	// later (not preloaded) would fail with FATAL, and without preloading there is no launcher.
	if (process_shared_preload_libraries_in_progress) {
		DefineCustomStringVariable("hdl.etl_database", "Database in which the ETL launcher runs jobs.",
		                           "The launcher waits until the hdl extension exists there. Needs a restart.",
		                           &etl_database, "postgres", PGC_POSTMASTER, GUC_SUPERUSER_ONLY, nullptr, nullptr,
		                           nullptr);
	}
	DefineCustomBoolVariable("hdl.etl_enabled", "Lets the ETL launcher start scheduled runs.",
	                         "Off pauses every schedule (runs under way finish); hdl.run_job_now still works.",
	                         &etl_enabled, true, PGC_SIGHUP, GUC_SUPERUSER_ONLY, nullptr, nullptr, nullptr);
	DefineCustomIntVariable("hdl.etl_max_workers", "Most ETL runs the launcher keeps under way at once.",
	                        "Each run is a background worker, so max_worker_processes must leave room for them.",
	                        &etl_max_workers, 4, 1, 64, PGC_SIGHUP, GUC_SUPERUSER_ONLY, nullptr, nullptr, nullptr);
	DefineCustomIntVariable("hdl.etl_poll_interval", "Time between the ETL launcher's looks at the job table.",
	                        "Job changes and due runs are seen within one interval.", &etl_poll_interval, 1000, 100,
	                        60000, PGC_SIGHUP, GUC_SUPERUSER_ONLY | GUC_UNIT_MS, nullptr, nullptr, nullptr);
	DefineCustomStringVariable("hdl.s3_allowed_endpoints", "S3 endpoints the hdl_s3 foreign-data wrapper may connect to.",
	                           "Comma-separated scheme://host[:port] entries; https://*.example.com allows every host "
	                           "below example.com. Servers naming any other endpoint are refused, when created and "
	                           "when scanned. Plain http is allowed only for entries written with http://.",
	                           &s3_allowed_endpoints, "", PGC_SUSET, GUC_SUPERUSER_ONLY, nullptr, nullptr, nullptr);

	MarkGUCPrefixReserved("hdl");
}

} // namespace hdl::guc
