// Every hdl.* setting, defined in guc.cpp and documented in docs/settings.md.
#pragma once

namespace hdl::guc {

enum ValidationLevelSetting { VALIDATION_STRICT = 0, VALIDATION_STRUCTURE = 1, VALIDATION_MINIMAL = 2 };

enum BirthDateSetting { BIRTHDATE_YEAR_MONTH = 0, BIRTHDATE_YEAR = 1, BIRTHDATE_DROP = 2 };
enum PostcodeSetting { POSTCODE_DISTRICT = 0, POSTCODE_DROP = 1 };

extern bool enable_test_functions;
extern int validation_level;
extern char *key_file;    // where the server reads the keys (never a key itself)
extern char *key_command; // or the command that prints them
extern int pseudo_birth_date;
extern int pseudo_postcode;
extern bool pseudo_keep_narrative;
extern bool pseudo_redact_free_text;
extern bool pseudo_keep_attachments;
extern bool pseudonymise;
extern bool audit_ingest;      // one audit entry per ingest batch (off only to measure its cost)
extern bool audit_log_client;  // audit server-log lines also go to the client as NOTICEs
extern char *etl_database;     // where the ETL launcher runs (postmaster start only)
extern bool etl_enabled;       // the launcher starts scheduled runs (reloads on SIGHUP)
extern int etl_max_workers;    // runs at once
extern int etl_poll_interval;  // milliseconds between launcher ticks
extern char *s3_allowed_endpoints; // egress allowlist of the hdl_s3 FDW, superuser-only

void Define() noexcept;

} // namespace hdl::guc
