// SQL entry points of ingestion: hdl.ingest, hdl.ingest_bundle, hdl.validate.
#include <string>
#include <vector>

#include "core/fhir/operation_outcome.hpp"
#include "core/fhir/validator.hpp"
#include "core/ingest/pipeline.hpp"
#include "core/json/jsonb_format.hpp"
#include "core/json/nlohmann_node.hpp"
#include "guc.hpp"
#include "ingest/spi_store.hpp"
#include "pg/entry.hpp"
#include "pg/jsonb.hpp"
#include "pg/memory.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "executor/spi.h"
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

hdl::ingest::Validator
MakeValidator(hdl::fhir::Level level) {
	return [level](const hdl::json::Node &resource) {
		hdl::fhir::ValidationResult result = hdl::fhir::ValidateResource(resource, level);
		std::vector<hdl::ingest::Problem> problems;
		for (auto &issue : result.issues) {
			if (issue.severity != "error" && issue.severity != "fatal")
				continue;
			problems.push_back({issue.severity, issue.code, issue.message, issue.expression});
		}
		if (result.truncated && !problems.empty())
			problems.push_back({"error", "too-costly", "more problems were found than are reported", ""});
		return problems;
	};
}

enum class Call { Resource, Bundle };

Datum
Ingest(FunctionCallInfo fcinfo, Call call) {
	Jsonb *input = PG_GETARG_JSONB_P(0);
	hdl::fhir::Level level = LevelArg(fcinfo, 1);
	MemoryContext caller = CurrentMemoryContext;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "hdl: SPI_connect failed");
	hdl::ingest::CallerSource source = hdl::ingest::CurrentSource();
	Jsonb *result;
	{
		hdl::ingest::SpiStore store(source.source_id, source.role);
		hdl::json::Node node = hdl::pg::JsonbNode(input);
		std::string bytes = call == Call::Bundle ? hdl::ingest::IngestBundle(store, node, MakeValidator(level))
		                                         : hdl::ingest::IngestResource(store, node, MakeValidator(level));
		hdl::pg::ContextScope in_caller(caller);
		result = hdl::pg::JsonbFromBytes(bytes);
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
	Jsonb *input = PG_GETARG_JSONB_P(0);
	hdl::fhir::Level level = LevelArg(fcinfo, 1);
	Jsonb *result;
	{
		hdl::fhir::ValidationResult vr = hdl::fhir::ValidateResource(hdl::pg::JsonbNode(input), level);
		nlohmann::json outcome = hdl::fhir::ToOperationOutcome(vr);
		if (!outcome.contains("issue") || outcome["issue"].empty())
			outcome["issue"].push_back({{"severity", "information"}, {"code", "informational"},
			                            {"diagnostics", std::string("valid FHIR R4 (") + hdl::fhir::LevelName(level) + ")"}});
		result = hdl::pg::JsonbFromBytes(hdl::json::jsonb::Encode(outcome));
	}
	PG_RETURN_JSONB_P(result);
}

// PostgREST's pre-request hook: the same source check ingestion makes, before anything runs.
HDL_FUNCTION(hdl_api_pre_request) {
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "hdl: SPI_connect failed");
	(void) hdl::ingest::CurrentSource();
	SPI_finish();
	PG_RETURN_VOID();
}
