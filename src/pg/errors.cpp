// The error-kind -> SQLSTATE table and the conversion of caught exceptions into ereport.
#include <cstring>

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
	Copy(pending.message, sizeof pending.message, message);
	pending.detail[0] = pending.hint[0] = pending.context[0] = '\0';
	return pending;
}

PendingError &
CapturePending(const std::exception &e) noexcept {
	CapturePending(ERRCODE_INTERNAL_ERROR, e.what());
	if (const auto *pg = dynamic_cast<const PgError *>(&e)) {
		pending.sqlstate = pg->sqlstate();
		Copy(pending.detail, sizeof pending.detail, pg->detail().c_str());
		Copy(pending.hint, sizeof pending.hint, pg->hint().c_str());
		Copy(pending.context, sizeof pending.context, pg->context().c_str());
	} else if (const auto *he = dynamic_cast<const hdl::Error *>(&e)) {
		pending.sqlstate = SqlStateFor(he->kind());
		Copy(pending.detail, sizeof pending.detail, he->detail().c_str());
		Copy(pending.hint, sizeof pending.hint, he->hint().c_str());
	}
	return pending;
}

void
RaisePending(const PendingError &pe, const char *entry) noexcept {
	bool internal = pe.sqlstate == ERRCODE_INTERNAL_ERROR;
	ereport(ERROR, (errcode(pe.sqlstate), errmsg_internal("%s", pe.message),
	                pe.detail[0] ? errdetail_internal("%s", pe.detail) : 0, pe.hint[0] ? errhint("%s", pe.hint) : 0,
	                pe.context[0] ? errcontext("%s", pe.context)
	                              : (internal ? errcontext("hdl entry point %s", entry) : 0)));
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
