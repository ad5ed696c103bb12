// Test-only SQL functions (hdl._test_*) that prove the C++/Postgres boundary: each C++ error
// kind, a non-std exception, a Postgres error converted inside pg::Guard, and a failure
// recorded by pg::InSubtransaction. Refused unless hdl.enable_test_functions is on.
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

#include "core/error.hpp"
#include "core/json/jsonb_format.hpp"
#include "guc.hpp"
#include "pg/entry.hpp"
#include "pg/guard.hpp"
#include "pg/jsonb.hpp"
#include "pg/subxact.hpp"

#include "pg/postgres.hpp"

namespace {

// Counts live LiveProbe objects so a test can see that unwinding ran their destructors.
int live_probes = 0;

struct LiveProbe {
	LiveProbe() {
		live_probes++;
	}
	~LiveProbe() {
		live_probes--;
	}
	LiveProbe(const LiveProbe &) = delete;
	LiveProbe &operator=(const LiveProbe &) = delete;
};

void
RequireTestFunctions() {
	if (!hdl::guc::enable_test_functions)
		ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("hdl test functions are disabled"),
		                errhint("A superuser can SET hdl.enable_test_functions = on.")));
}

bool
ParseKind(const char *name, hdl::ErrorKind &kind) {
	static const struct {
		const char *name;
		hdl::ErrorKind kind;
	} kinds[] = {
	    {"invalid_parameter", hdl::ErrorKind::InvalidParameter},
	    {"invalid_json", hdl::ErrorKind::InvalidJson},
	    {"fhir_invalid", hdl::ErrorKind::FhirInvalid},
	    {"not_found", hdl::ErrorKind::NotFound},
	    {"version_conflict", hdl::ErrorKind::VersionConflict},
	    {"duplicate", hdl::ErrorKind::Duplicate},
	    {"permission_denied", hdl::ErrorKind::PermissionDenied},
	    {"not_supported", hdl::ErrorKind::NotSupported},
	    {"external_service", hdl::ErrorKind::ExternalService},
	    {"config_limit", hdl::ErrorKind::ConfigLimit},
	    {"not_configured", hdl::ErrorKind::NotConfigured},
	    {"config_file", hdl::ErrorKind::ConfigFile},
	    {"internal", hdl::ErrorKind::Internal},
	};
	for (const auto &k : kinds)
		if (strcmp(k.name, name) == 0) {
			kind = k.kind;
			return true;
		}
	return false;
}

void
RaiseDivisionByZero() {
	ereport(ERROR, (errcode(ERRCODE_DIVISION_BY_ZERO), errmsg("division by zero raised inside pg::Guard")));
}

void
FailingStep(void *) {
	ereport(ERROR, (errcode(ERRCODE_CHECK_VIOLATION), errmsg("step failed on purpose")));
}

void
ThrowingStep(void *) {
	throw hdl::Error(hdl::ErrorKind::InvalidParameter, "step threw on purpose");
}

} // namespace

HDL_FUNCTION(hdl_test_throw) {
	RequireTestFunctions();
	const char *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	hdl::ErrorKind kind;
	if (strcmp(name, "std") == 0) {
		LiveProbe probe;
		throw std::runtime_error("a std::runtime_error from C++");
	}
	if (strcmp(name, "bad_alloc") == 0)
		throw std::bad_alloc();
	if (strcmp(name, "nonstd") == 0) {
		LiveProbe probe;
		throw 42;
	}
	if (!ParseKind(name, kind))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("unknown error kind \"%s\"", name)));
	LiveProbe probe;
	throw hdl::Error(kind, std::string("test error of kind ") + name, "Detail of the test error.",
	                 "Hint of the test error.");
}

HDL_FUNCTION(hdl_test_guarded_pg_error) {
	RequireTestFunctions();
	LiveProbe probe;
	std::string alive = "a C++ string alive across the Postgres call";
	hdl::pg::Guard(RaiseDivisionByZero);
	PG_RETURN_VOID();
}

HDL_FUNCTION(hdl_test_live_objects) {
	RequireTestFunctions();
	PG_RETURN_INT32(live_probes);
}

HDL_FUNCTION(hdl_test_subxact) {
	RequireTestFunctions();
	bool use_cpp = PG_GETARG_BOOL(0);
	hdl::pg::StepError err = hdl::pg::InSubtransaction(use_cpp ? ThrowingStep : FailingStep, nullptr);
	std::string out = err.failed ? std::string(unpack_sql_state(err.sqlstate)) + ": " + err.message : "ok";
	text *result = static_cast<text *>(hdl::pg::Guard(cstring_to_text_with_len, out.c_str(), static_cast<int>(out.size())));
	PG_RETURN_TEXT_P(result);
}

// Re-encodes a jsonb with the core's encoder, reading it through the core's reader: the
// result must be byte-identical to Postgres's own encoding.
HDL_FUNCTION(hdl_test_jsonb_reencode_identical) {
	RequireTestFunctions();
	Jsonb *jb = PG_GETARG_JSONB_P(0);
	bool identical;
	{
		std::string bytes = hdl::json::jsonb::Encode(hdl::pg::JsonbNode(jb));
		identical = bytes.size() == VARSIZE(jb) && memcmp(bytes.data() + VARHDRSZ, VARDATA(jb), bytes.size() - VARHDRSZ) == 0;
	}
	PG_RETURN_BOOL(identical);
}

HDL_FUNCTION(hdl_test_jsonb_reencode) {
	RequireTestFunctions();
	Jsonb *jb = PG_GETARG_JSONB_P(0);
	Jsonb *out;
	{
		std::string bytes = hdl::json::jsonb::Encode(hdl::pg::JsonbNode(jb));
		out = hdl::pg::JsonbFromBytes(bytes);
	}
	PG_RETURN_JSONB_P(out);
}
