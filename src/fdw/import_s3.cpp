// hdl.import_s3: NDJSON(.gz) objects under an S3 prefix fed line by line through the one ingest
// pipeline (validation, pseudonymisation, lake writes) as the calling provider source. Each line
// runs in a subtransaction: a rejected line goes to hdl.import_quarantine with its
// OperationOutcome and the import goes on (or, with stop_on_error, the whole import fails).
// One hdl.ingest_batch row (kind import) per object. Progress: pgstat progress parameters,
// shown by the view hdl.import_progress while the import's transaction is still open.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "core/fhir/validator.hpp"
#include "core/ingest/pipeline.hpp"
#include "core/json/jsonb_format.hpp"
#include "core/json/value.hpp"
#include "ingest/context.hpp"
#include "ingest/spi_store.hpp"
#include "pseudo/keys.hpp"
#include "fdw/reader.hpp"
#include "fdw/table.hpp"
#include "guc.hpp"
#include "pg/entry.hpp"
#include "pg/errors.hpp"
#include "pg/guard.hpp"
#include "pg/jsonb.hpp"
#include "pg/memory.hpp"
#include "pg/spi.hpp"
#include "pg/subxact.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "commands/progress.h"
#include "executor/spi.h"
#include "foreign/foreign.h"
#include "nodes/makefuncs.h"
#include "pgstat.h"
#include "utils/acl.h"
#include "utils/backend_progress.h"
}

namespace {

using hdl::ingest::BatchSummary;

// Progress parameters (pgstat_progress_update_param indexes), read by hdl.import_progress.
enum ProgressParam {
	PROGRESS_FILES_DONE,
	PROGRESS_FILES_TOTAL,
	PROGRESS_RESOURCES,
	PROGRESS_REJECTED,
	PROGRESS_BYTES_DONE,
	PROGRESS_BYTES_TOTAL,
	PROGRESS_LINES,
	PROGRESS_SERVER,
	PROGRESS_ROLE,  // the importing role (hdl.import_progress shows a provider its own imports)
	PROGRESS_SOURCE // its source id (the console names the organisation)
};

// The parameters that do not change during an import (set again when a rolled-back
// subtransaction ended the report).
void
StartProgress(Oid quarantine, Oid server, Oid role, int32 source_id) {
	pgstat_progress_start_command(PROGRESS_COMMAND_COPY, quarantine);
	pgstat_progress_update_param(PROGRESS_SERVER, server);
	pgstat_progress_update_param(PROGRESS_ROLE, role);
	pgstat_progress_update_param(PROGRESS_SOURCE, source_id);
}

// The ingest pipeline's Store for one import: one batch per object, its summary made of the
// summaries of the object's committed lines (the pipeline finishes a batch per resource, inside
// the line's subtransaction: a line rolled back after that must not count).
class ImportStore : public hdl::ingest::SpiStore {
public:
	using SpiStore::SpiStore;
	int64_t
	NewBatch() override {
		if (batch_ == 0)
			batch_ = SpiStore::NewBatch();
		return batch_;
	}
	void
	FinishBatch(int64_t, const BatchSummary &summary) override {
		line_ = summary;
	}
	// Before each line: nothing of an earlier line is pending.
	void
	StartLine() {
		line_ = BatchSummary();
	}
	// After the line's subtransaction committed: its summary joins the object's.
	void
	LineStored() {
		total_.Merge(line_);
		line_ = BatchSummary();
	}
	// After the line's subtransaction rolled back: what it wrote is gone, and so is its summary.
	void
	LineRejected() {
		line_ = BatchSummary();
		total_.rejected++;
	}
	// Writes the object's batch row; returns its id (0 when the object had no lines).
	int64_t
	EndObject() {
		int64_t batch = 0;
		if (total_.stored > 0 || total_.rejected > 0) {
			batch = NewBatch();
			total_.kind = "import";
			SpiStore::FinishBatch(batch, total_);
		}
		batch_ = 0;
		total_ = BatchSummary();
		return batch;
	}

private:
	int64_t batch_ = 0;
	BatchSummary line_;  // the line under way
	BatchSummary total_; // the object's committed lines
};

struct LineStep {
	ImportStore *store;
	const hdl::ingest::PseudoContext *ctx;
	const hdl::ingest::Validator *validate;
	const char *line;
};

Jsonb *
JsonbInC(const char *line) {
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(line)));
}

// One line through the pipeline, inside its own subtransaction (pg::InSubtransaction).
void
IngestLineStep(void *arg) {
	auto *step = static_cast<LineStep *>(arg);
	Jsonb *jb = hdl::pg::Guard(JsonbInC, step->line);
	(void) hdl::ingest::IngestResource(*step->store, *step->ctx, hdl::pg::JsonbNode(jb), *step->validate);
}

hdl::pg::CachedPlan quarantine_plan {
    "INSERT INTO hdl.import_quarantine (server_name, bucket, object_key, line, raw, outcome, sqlstate, source_id, "
    "submitted_by) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)",
    9, {TEXTOID, TEXTOID, TEXTOID, INT8OID, TEXTOID, TEXTOID, TEXTOID, INT4OID, NAMEOID}, nullptr};

// The import's own audit entry (docs/audit.md); each object's batch has its ingest entry too.
hdl::pg::CachedPlan audit_import_plan {"SELECT hdl.audit_write('import', $1, $2)", 2, {TEXTOID, JSONBOID}, nullptr};

// The OperationOutcome of a rejected line: the pipeline's own (hdl::ingest::Fail puts it in the
// detail of every FHIR-invalid error, as {"issue":[...],"resourceType":"OperationOutcome"}), or
// one made from the error.
std::string
OutcomeOf(const hdl::pg::StepError &err) {
	using hdl::json::Value;
	static const std::string_view start = "{\"issue\":[", end = "],\"resourceType\":\"OperationOutcome\"}";
	const std::string &d = err.detail;
	if (err.sqlstate == hdl::pg::FhirInvalidSqlState() && d.size() > start.size() + end.size() &&
	    d.compare(0, start.size(), start) == 0 && d.compare(d.size() - end.size(), end.size(), end) == 0)
		return d;
	Value issue = Value::object();
	issue["severity"] = "error";
	issue["code"] = err.sqlstate == ERRCODE_INVALID_TEXT_REPRESENTATION ? "structure" : "invalid";
	issue["diagnostics"] = err.message;
	if (!err.detail.empty()) {
		issue["details"] = Value::object();
		issue["details"]["text"] = err.detail;
	}
	Value outcome = Value::object();
	outcome["resourceType"] = "OperationOutcome";
	outcome["issue"] = Value::array();
	outcome["issue"].push_back(std::move(issue));
	return outcome.dump();
}

bool
IsNdjsonKey(const std::string &key) {
	for (const char *suffix : {".ndjson", ".ndjson.gz", ".jsonl", ".jsonl.gz"}) {
		size_t n = strlen(suffix);
		if (key.size() > n && key.compare(key.size() - n, n, suffix) == 0)
			return true;
	}
	return false;
}

} // namespace

// hdl.import_s3(server, location, stop_on_error, level) RETURNS jsonb
HDL_FUNCTION(hdl_import_s3) {
	hdl::pg::RequireArg(fcinfo, 0, "server");
	hdl::pg::RequireArg(fcinfo, 1, "location");
	hdl::pg::RequireArg(fcinfo, 2, "stop_on_error");
	const char *server_name = NameStr(*PG_GETARG_NAME(0));
	const char *location = text_to_cstring(PG_GETARG_TEXT_PP(1));
	bool stop_on_error = PG_GETARG_BOOL(2);
	hdl::fhir::Level level = hdl::fhir::Level::Strict;
	if (!PG_ARGISNULL(3)) {
		const char *name = text_to_cstring(PG_GETARG_TEXT_PP(3));
		if (!hdl::fhir::ParseLevel(name, level))
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("invalid validation level \"%s\"", name),
			                errhint("Use strict, structure or minimal.")));
	} else if (hdl::guc::validation_level == hdl::guc::VALIDATION_STRUCTURE) {
		level = hdl::fhir::Level::Structure;
	} else if (hdl::guc::validation_level == hdl::guc::VALIDATION_MINIMAL) {
		level = hdl::fhir::Level::Minimal;
	}
	// SECURITY DEFINER: the caller is the outer user; it needs USAGE on the server and a mapping.
	Oid caller = GetOuterUserId();
	ForeignServer *server = GetForeignServerByName(server_name, false);
	if (pg_foreign_server_aclcheck(server->serverid, caller, ACL_USAGE) != ACLCHECK_OK)
		ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		                errmsg("permission denied for foreign server %s", server_name)));
	Oid quarantine = RangeVarGetRelid(makeRangeVar(pstrdup("hdl"), pstrdup("import_quarantine"), -1), NoLock, false);
	MemoryContext caller_cxt = CurrentMemoryContext;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	hdl::ingest::CallerSource source = hdl::ingest::CurrentSource();
	MemoryContext line_cxt = AllocSetContextCreate(CurrentMemoryContext, "hdl import line", ALLOCSET_DEFAULT_SIZES);
	StartProgress(quarantine, server->serverid, caller, source.source_id);
	Jsonb *result;
	{
		auto [bucket, prefix] = hdl::fdw::SplitS3Url(location);
		hdl::ingest::PseudoContext ctx = hdl::ingest::MakePseudoContext(source);
		hdl::pseudo::Key vault = hdl::keys::Require("vault_key");
		ImportStore store(source.source_id, source.role, source.org_code, ctx.key.id, vault.id, vault.secret);
		hdl::ingest::Validator validate = hdl::ingest::MakeValidator(level);
		std::unique_ptr<hdl::s3::Client> client = hdl::fdw::Connect(server->serverid, caller);
		hdl::fdw::TableOptions table;
		table.bucket = bucket;
		table.prefix = prefix;
		std::vector<hdl::fdw::ObjectRef> objects;
		for (auto &o : hdl::fdw::S3Call([&] { return hdl::fdw::ListTableObjects(*client, table); }))
			if (IsNdjsonKey(o.key))
				objects.push_back(std::move(o));
		// Referenced resources first (patients, then the usual reference targets), so references resolve.
		auto rank = [](const std::string &key) {
			static const char *order[] = {"Patient", "Organization", "Location", "Practitioner", "PractitionerRole",
			                              "RelatedPerson", "Encounter"};
			std::string type = hdl::fdw::TypeFromKey(key);
			for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
				if (type == order[i])
					return static_cast<int>(i);
			return 100;
		};
		std::stable_sort(objects.begin(), objects.end(), [&](const hdl::fdw::ObjectRef &a, const hdl::fdw::ObjectRef &b) {
			return rank(a.key) < rank(b.key);
		});
		int64 bytes_total = 0;
		for (const auto &o : objects)
			bytes_total += static_cast<int64>(o.size);
		pgstat_progress_update_param(PROGRESS_FILES_TOTAL, static_cast<int64>(objects.size()));
		pgstat_progress_update_param(PROGRESS_BYTES_TOTAL, bytes_total);
		hdl::fdw::RecordReader reader(*client, table);
		int64 lines = 0, stored = 0, rejected = 0, files = 0;
		hdl::json::Value batches = hdl::json::Value::array();
		for (const auto &object : objects) {
			std::string uri = "s3://" + bucket + "/" + object.key;
			reader.Open(object);
			for (;;) {
				const char *line;
				size_t length;
				uint64_t number;
				bool got;
				try {
					got = hdl::fdw::S3Call([&] { return reader.NextLine(&line, &length, &number); });
				} catch (const hdl::pg::PgError &) {
					throw;
				} catch (const hdl::Error &e) { // corrupt gzip, over-long line: the object is unreadable
					throw hdl::pg::PgError(hdl::pg::SqlStateFor(e.kind()), e.what(), e.detail(), e.hint(),
					                       "S3 object " + uri);
				}
				if (!got)
					break;
				lines++;
				hdl::pg::CheckInterrupts(); // a cancel unwinds the reader, the client and the store first
				MemoryContextReset(line_cxt);
				MemoryContext old = MemoryContextSwitchTo(line_cxt);
				LineStep step {&store, &ctx, &validate, line};
				store.StartLine();
				hdl::pg::StepError err = hdl::pg::InSubtransaction(IngestLineStep, &step);
				MemoryContextSwitchTo(old);
				if (err.interrupted()) // cancelled inside a line: the import ends, it is no bad line
					throw hdl::pg::PgError(err.sqlstate, err.message, err.detail, err.hint,
					                       "S3 object " + uri + ", line " + std::to_string(number));
				if (!err.failed) {
					stored++;
					store.LineStored();
				} else {
					store.LineRejected();
					if (stop_on_error)
						throw hdl::pg::PgError(err.sqlstate, err.message, err.detail, err.hint,
						                       "S3 object " + uri + ", line " + std::to_string(number));
					rejected++;
					ctx.Forget();
					std::string outcome = OutcomeOf(err);
					std::string state = unpack_sql_state(err.sqlstate);
					NameData role;
					namestrcpy(&role, source.role);
					Datum values[9] = {hdl::pg::TextDatum(server_name), hdl::pg::TextDatum(bucket),
					                   hdl::pg::TextDatum(object.key), Int64GetDatum(static_cast<int64>(number)),
					                   hdl::pg::TextDatum(std::string(line, length)), hdl::pg::TextDatum(outcome),
					                   hdl::pg::TextDatum(state), Int32GetDatum(source.source_id), NameGetDatum(&role)};
					hdl::pg::ExecutePlan(quarantine_plan, values, nullptr, false);
				}
				if (err.failed) { // rolling back the subtransaction ended the progress report: restart it
					StartProgress(quarantine, server->serverid, caller, source.source_id);
					pgstat_progress_update_param(PROGRESS_FILES_TOTAL, static_cast<int64>(objects.size()));
					pgstat_progress_update_param(PROGRESS_BYTES_TOTAL, bytes_total);
					pgstat_progress_update_param(PROGRESS_FILES_DONE, files);
				}
				pgstat_progress_update_param(PROGRESS_LINES, lines);
				pgstat_progress_update_param(PROGRESS_RESOURCES, stored);
				pgstat_progress_update_param(PROGRESS_REJECTED, rejected);
				pgstat_progress_update_param(PROGRESS_BYTES_DONE, static_cast<int64>(reader.bytes_read()));
			}
			int64_t batch = store.EndObject();
			if (batch != 0)
				batches.push_back(batch);
			pgstat_progress_update_param(PROGRESS_FILES_DONE, ++files);
			pgstat_progress_update_param(PROGRESS_BYTES_DONE, static_cast<int64>(reader.bytes_read()));
		}
		hdl::json::Value summary = hdl::json::Value::object();
		summary["objects"] = files;
		summary["lines"] = lines;
		summary["stored"] = stored;
		summary["rejected"] = rejected;
		summary["bytes"] = static_cast<int64>(reader.bytes_read());
		summary["batches"] = std::move(batches);
		hdl::json::Value detail = summary;
		detail["server"] = server_name;
		Datum audit_values[2] = {hdl::pg::TextDatum(std::string("s3:") + location),
		                         PointerGetDatum(hdl::pg::JsonbFromBytes(hdl::json::jsonb::Encode(detail)))};
		hdl::pg::ExecutePlan(audit_import_plan, audit_values, nullptr, false);
		hdl::pg::ContextScope in_caller(caller_cxt);
		result = hdl::pg::JsonbFromBytes(hdl::json::jsonb::Encode(summary));
	}
	pgstat_progress_end_command();
	SPI_finish();
	PG_RETURN_JSONB_P(result);
}
