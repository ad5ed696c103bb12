// The error-kind -> SQLSTATE table and the conversion of caught exceptions into ereport.
#include <cstring>

#include "core/fhir/redact.hpp"
#include "pg/errors.hpp"
#include "pg/guard.hpp"

#include "pg/postgres.hpp"

namespace hdl::pg {

int
FhirInvalidSqlState() noexcept {
	return MAKE_SQLSTATE('2', '2', 'Z', '0', '1');
}

int
SqlStateFor(ErrorKind kind) noexcept {
	switch (kind) {
	case ErrorKind::InvalidParameter:
		return ERRCODE_INVALID_PARAMETER_VALUE;
	case ErrorKind::InvalidJson:
		return ERRCODE_INVALID_JSON_TEXT;
	case ErrorKind::FhirInvalid:
		return FhirInvalidSqlState();
	case ErrorKind::NotFound:
		return ERRCODE_UNDEFINED_OBJECT;
	case ErrorKind::VersionConflict:
		return ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE;
	case ErrorKind::Duplicate:
		return ERRCODE_DUPLICATE_OBJECT;
	case ErrorKind::PermissionDenied:
		return ERRCODE_INSUFFICIENT_PRIVILEGE;
	case ErrorKind::NotSupported:
		return ERRCODE_FEATURE_NOT_SUPPORTED;
	case ErrorKind::ExternalService:
		return ERRCODE_IO_ERROR;
	case ErrorKind::ConfigLimit:
		return ERRCODE_CONFIGURATION_LIMIT_EXCEEDED;
	case ErrorKind::NotConfigured:
		return ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE;
	case ErrorKind::ConfigFile:
		return ERRCODE_CONFIG_FILE_ERROR;
	case ErrorKind::TooDeep:
		return ERRCODE_STATEMENT_TOO_COMPLEX; // 54001, as Postgres's own check_stack_depth()
	case ErrorKind::Internal:
		return ERRCODE_INTERNAL_ERROR;
	}
	return ERRCODE_INTERNAL_ERROR;
}

// One pending error for the process: backends are single-threaded and RaisePending copies
// the strings into ErrorContext before it longjmps, so the buffer is free again afterwards.
static PendingError pending;

static void
Copy(char *dst, size_t size, const char *src) noexcept {
	strlcpy(dst, src ? src : "", size);
}

PendingError &
CapturePending(int sqlstate, const char *message) noexcept {
	pending.sqlstate = sqlstate;
	pending.from_postgres = false;
	pending.about_setup = false;
	Copy(pending.message, sizeof pending.message, message);
	pending.detail[0] = pending.log_detail[0] = pending.hint[0] = pending.context[0] = '\0';
	return pending;
}

PendingError &
CapturePending(const std::exception &e) noexcept {
	CapturePending(ERRCODE_INTERNAL_ERROR, e.what());
	if (const auto *pg = dynamic_cast<const PgError *>(&e)) {
		pending.sqlstate = pg->sqlstate();
		pending.from_postgres = true;
		Copy(pending.detail, sizeof pending.detail, pg->detail().c_str());
		Copy(pending.hint, sizeof pending.hint, pg->hint().c_str());
		Copy(pending.context, sizeof pending.context, pg->context().c_str());
	} else if (const auto *he = dynamic_cast<const hdl::Error *>(&e)) {
		pending.sqlstate = SqlStateFor(he->kind());
		switch (he->kind()) {
		case ErrorKind::NotConfigured:
		case ErrorKind::ConfigFile:
		case ErrorKind::ConfigLimit:
		case ErrorKind::PermissionDenied:
		case ErrorKind::ExternalService:
			// unless it carries an OperationOutcome: then it is about submitted content (a write
			// refused on another source's record is PermissionDenied)
			pending.about_setup = he->log_detail().empty();
			break;
		default:
			break;
		}
		Copy(pending.detail, sizeof pending.detail, he->detail().c_str());
		Copy(pending.log_detail, sizeof pending.log_detail, he->log_detail().c_str());
		Copy(pending.hint, sizeof pending.hint, he->hint().c_str());
	}
	return pending;
}

// Scratch space for redaction: as large as the largest field redacted.
static char scratch[sizeof pending.log_detail];

static void
RedactInPlace(char *text, size_t size) noexcept {
	hdl::fhir::RedactQuoted(text, scratch, sizeof scratch);
	strlcpy(text, scratch, size);
}

bool
TakesSubmittedContent(const char *entry) noexcept {
	static const char *const entries[] = {"hdl_ingest", "hdl_ingest_bundle", "hdl_import_s3"};
	for (const char *e : entries)
		if (strcmp(entry, e) == 0)
			return true;
	return false;
}

void
WithholdSubmittedValues(PendingError &pe) noexcept {
	if (pe.about_setup)
		return; // names files, settings and roles, never what was submitted
	// Postgres quotes submitted values in data exceptions (22: numeric, date, JSON input) and
	// integrity violations (23: keys, failing rows); its other errors name tables and settings.
	int category = ERRCODE_TO_CATEGORY(pe.sqlstate);
	if (pe.from_postgres && category != ERRCODE_DATA_EXCEPTION && category != ERRCODE_INTEGRITY_CONSTRAINT_VIOLATION)
		return;
	RedactInPlace(pe.message, sizeof pe.message);
	// Context lines may quote values too; Postgres's "JSON data, line 1: ..." quotes the input itself.
	size_t n = 0;
	for (const char *line = pe.context; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? static_cast<size_t>(end - line) : strlen(line);
		if (strncmp(line, "JSON data", 9) != 0 && n + len + 2 < sizeof scratch) {
			if (n > 0)
				scratch[n++] = '\n';
			memcpy(scratch + n, line, len);
			n += len;
		}
		line += len + (end ? 1 : 0);
	}
	scratch[n] = '\0';
	strlcpy(pe.context, scratch, sizeof pe.context);
	RedactInPlace(pe.context, sizeof pe.context);
	if (pe.log_detail[0] != '\0' || pe.detail[0] == '\0')
		return;
	if (pe.from_postgres) // Postgres details quote rows and keys unquoted ("Key (id)=(x)")
		strlcpy(pe.log_detail, "The detail is sent to the client only: it may repeat submitted values.",
		        sizeof pe.log_detail);
	else
		hdl::fhir::RedactQuoted(pe.detail, pe.log_detail, sizeof pe.log_detail);
}

void
RaisePending(const PendingError &pe, const char *entry) noexcept {
	bool internal = pe.sqlstate == ERRCODE_INTERNAL_ERROR;
	ereport(ERROR, (errcode(pe.sqlstate), errmsg_internal("%s", pe.message),
	                pe.detail[0] ? errdetail_internal("%s", pe.detail) : 0,
	                pe.log_detail[0] ? errdetail_log("%s", pe.log_detail) : 0, pe.hint[0] ? errhint("%s", pe.hint) : 0,
	                pe.context[0] ? errcontext("%s", pe.context)
	                              : (internal ? errcontext("hdl entry point %s", entry) : 0),
	                errhidestmt(true)));
	pg_unreachable();
}

void
ThrowCurrentPgError(MemoryContext restore_to) {
	// We are outside the failed call now; copy the error out of ErrorContext and clear it.
	MemoryContextSwitchTo(restore_to);
	ErrorData *edata = CopyErrorData(); // cannot fail here but on OOM, which is FATAL-prone anyway
	FlushErrorState();
	int sqlstate = edata->sqlerrcode;
	// Construct the C++ strings before freeing the copy; a bad_alloc here is a C++ exception.
	std::string message = edata->message ? edata->message : "";
	std::string detail = edata->detail ? edata->detail : "";
	std::string hint = edata->hint ? edata->hint : "";
	std::string context = edata->context ? edata->context : "";
	FreeErrorData(edata);
	throw PgError(sqlstate, message, std::move(detail), std::move(hint), std::move(context));
}

} // namespace hdl::pg
