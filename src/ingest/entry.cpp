// SQL entry points of ingestion: hdl.ingest, hdl.ingest_bundle, hdl.validate.
#include <string>
#include <vector>

#include "audit/log_line.hpp"
#include "core/fhir/operation_outcome.hpp"
#include "core/fhir/validator.hpp"
#include "core/ingest/pipeline.hpp"
#include "core/json/jsonb_format.hpp"
#include "core/json/value.hpp"
#include "guc.hpp"
#include "ingest/context.hpp"
#include "ingest/spi_store.hpp"
#include "pseudo/keys.hpp"
#include "pg/entry.hpp"
#include "pg/jsonb.hpp"
#include "pg/memory.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "executor/spi.h"
#include "utils/acl.h"
}

namespace {

// The level argument, or hdl.validation_level when it is NULL. Extract phase: may ereport.
hdl::fhir::Level
LevelArg(FunctionCallInfo fcinfo, int argno) {
	if (PG_ARGISNULL(argno)) {
		switch (hdl::guc::validation_level) {
		case hdl::guc::VALIDATION_STRUCTURE:
			return hdl::fhir::Level::Structure;
		case hdl::guc::VALIDATION_MINIMAL:
			return hdl::fhir::Level::Minimal;
		default:
			return hdl::fhir::Level::Strict;
		}
	}
	const char *name = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	hdl::fhir::Level level;
	if (!hdl::fhir::ParseLevel(name, level))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("invalid validation level \"%s\"", name),
		                errhint("Use strict, structure or minimal.")));
	return level;
}

enum class Call { Resource, Bundle };

Datum
Ingest(FunctionCallInfo fcinfo, Call call) {
	hdl::pg::RequireArg(fcinfo, 0, call == Call::Bundle ? "bundle" : "resource");
	Jsonb *input = PG_GETARG_JSONB_P(0);
	hdl::fhir::Level level = LevelArg(fcinfo, 1);
	MemoryContext caller = CurrentMemoryContext;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "hdl: SPI_connect failed");
	hdl::ingest::CallerSource source = hdl::ingest::CurrentSource();
	Jsonb *result = nullptr;
	// A failed call is rolled back with everything it wrote, its audit entry included: the
	// error is captured here (POD), logged to the server log, then raised (docs/audit.md).
	hdl::pg::PendingError *failed = nullptr;
	{
		try {
			hdl::ingest::PseudoContext ctx = hdl::ingest::MakePseudoContext(source);
			hdl::pseudo::Key vault = hdl::keys::Require("vault_key");
			hdl::ingest::SpiStore store(source.source_id, source.role, source.org_code, ctx.key.id, vault.id, vault.secret);
			hdl::json::Node node = hdl::pg::JsonbNode(input);
			std::string bytes = call == Call::Bundle
			                        ? hdl::ingest::IngestBundle(store, ctx, node, hdl::ingest::MakeValidator(level))
			                        : hdl::ingest::IngestResource(store, ctx, node, hdl::ingest::MakeValidator(level));
			hdl::pg::ContextScope in_caller(caller);
			result = hdl::pg::JsonbFromBytes(bytes);
		} catch (const std::bad_alloc &) {
			failed = &hdl::pg::CapturePending(ERRCODE_OUT_OF_MEMORY, "out of memory in hdl");
		} catch (const std::exception &e) {
			failed = &hdl::pg::CapturePending(e);
		} catch (...) {
			failed = &hdl::pg::CapturePending(ERRCODE_INTERNAL_ERROR, "unexpected C++ exception in hdl");
		}
	} // every C++ object is gone here
	if (failed != nullptr) {
		hdl::pg::WithholdSubmittedValues(*failed); // the log may not quote what the caller sent
		hdl::audit::LogIngestRejected(call == Call::Bundle ? "hdl.ingest_bundle" : "hdl.ingest", source.org_code,
		                              failed->sqlstate, failed->message);
		hdl::pg::RaisePending(*failed, call == Call::Bundle ? "hdl_ingest_bundle" : "hdl_ingest");
	}
	SPI_finish();
	PG_RETURN_JSONB_P(result);
}

} // namespace

HDL_FUNCTION(hdl_ingest) {
	return Ingest(fcinfo, Call::Resource);
}

HDL_FUNCTION(hdl_ingest_bundle) {
	return Ingest(fcinfo, Call::Bundle);
}

HDL_FUNCTION(hdl_validate) {
	hdl::pg::RequireArg(fcinfo, 0, "resource");
	Jsonb *input = PG_GETARG_JSONB_P(0);
	hdl::fhir::Level level = LevelArg(fcinfo, 1);
	Jsonb *result;
	{
		hdl::fhir::ValidationResult vr = hdl::fhir::ValidateResource(hdl::pg::JsonbNode(input), level);
		hdl::json::Value outcome =
		    hdl::fhir::ToOperationOutcome(vr); // a valid resource gets an information issue
		result = hdl::pg::JsonbFromBytes(hdl::json::jsonb::Encode(outcome));
	}
	PG_RETURN_JSONB_P(result);
}

// PostgREST's pre-request hook: the same source check ingestion makes, before anything runs.
// Engineers pass as well (GET /rpc/console): what they may call is then decided by function
// privileges, and ingestion itself still refuses any role that is not a registered source.
HDL_FUNCTION(hdl_api_pre_request) {
	Oid engineer = get_role_oid("hdl_engineer", true);
	if (OidIsValid(engineer) && has_privs_of_role(GetOuterUserId(), engineer))
		PG_RETURN_VOID();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "hdl: SPI_connect failed");
	(void) hdl::ingest::CurrentSource();
	SPI_finish();
	PG_RETURN_VOID();
}
