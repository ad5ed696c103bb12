// The ingest pipeline (see pipeline.hpp). Transactions collect every problem of every entry
// before failing, so one error names them all; batches answer each entry on its own.
#include "core/ingest/pipeline.hpp"
#include "core/fhir/redact.hpp"
#include "core/ingest/entry.hpp"
#include "core/ingest/response_bundle.hpp"
#include "core/ingest/transform.hpp"
#include "core/json/jsonb_format.hpp"
#include "core/json/value.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace hdl::ingest {

namespace {

using detail::BucketValidation;
using detail::Entry;
using detail::Key;
using detail::ReadEntries;
using detail::ResponseEntry;
using hdl::json::Value;

// The patient whose compartment holds the resource: itself (a Patient record's pseudonym), or
// its subject/patient reference.
std::string
PatientOf(const Entry &e) {
	if (e.type == "Patient")
		return e.identity.pseudonym.empty() ? e.id : e.identity.pseudonym;
	for (const char *element : {"subject", "patient", "beneficiary"}) {
		const Value *it = e.dom.find(element);
		if (it == nullptr || !it->isObject())
			continue;
		std::string_view r = it->memberStr("reference");
		if (r.rfind("Patient/", 0) == 0)
			return std::string(r.substr(8));
	}
	return {};
}

// Runs the identifier search of a conditional create/update/reference, serialised per search.
std::vector<std::string>
Search(Store &store, const PseudoContext &ctx, const RequestUrl &search) {
	if (search.type == "Patient" && ctx.enabled) {
		// Patients keep no identifiers in the lake: find them through the vault's keyed links, and
		// count only a person the caller has its own record of (no membership oracle).
		std::string pseudonym = LinkedPseudonym(store, ctx, {SearchLink(ctx, search)});
		if (!OwnsPatient(store, ctx, pseudonym))
			return {};
		return {pseudonym};
	}
	return store.FindByIdentifier(search);
}

void
LoadDom(Entry &e) {
	if (!e.has_dom) {
		e.dom = hdl::json::ToValue(e.node);
		e.has_dom = true;
	}
}

std::string
SearchText(const RequestUrl &s) {
	return s.type + "?identifier=" + (s.has_system ? s.identifier_system + "|" : "") + s.identifier_value;
}


// The id a conditional create or update gives the resource it creates: derived from the caller's
// organisation and the search, so two transactions of one source racing to create "the one"
// resource collide on the same key instead of creating two (the loser then finds the winner's
// resource), and another source's same search makes that source's own record.
std::string
ConditionalId(const PseudoContext &ctx, const RequestUrl &search) {
	std::string h = pseudo::HmacSha256Hex("hdl conditional id", ctx.org_code + "|" + SearchText(search));
	return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20, 12);
}

// Step 2: ids for every entry (server-assigned, from the url, or found by a conditional search).
void AssignIdentity(Store &store, const PseudoContext &ctx, Entry &e);

// Patients are identified by their pseudonym: found through the vault links of their
// identifiers, or made from them at first sight.
void
AssignPatientIdentity(Store &store, const PseudoContext &ctx, Entry &e) {
	AssignIdentity(store, ctx, e); // ifNoneExist, PUT url id checks
	if (e.failed() || !ctx.enabled)
		return;
	if (e.matched_existing) { // the caller's own record of the person found
		e.identity.pseudonym = e.id;
		e.id = PatientRecordId(ctx.org_code, e.id);
		return;
	}
	std::string local_id = e.method == "PUT" && !e.url.conditional ? e.url.id : std::string(e.node.get("id").str());
	LoadDom(e);
	e.identity = PseudonymisePatient(store, ctx, e.dom, local_id);
	e.id = PatientRecordId(ctx.org_code, e.identity.pseudonym);
	e.local_id = local_id;
	e.fresh_id = false;
}

void
AssignIdentity(Store &store, const PseudoContext &ctx, Entry &e) {
	hdl::json::Node given_id = e.node.get("id");
	if (e.method == "POST") {
		if (e.if_none_exist) {
			std::vector<std::string> found = Search(store, ctx, *e.if_none_exist);
			if (found.size() > 1) {
				e.problem("multiple-matches",
				          "ifNoneExist " + fhir::Quoted(SearchText(*e.if_none_exist)) + " matches " +
				              std::to_string(found.size()) + " resources",
				          "request.ifNoneExist");
				return;
			}
			if (found.size() == 1) {
				e.id = found.front();
				e.matched_existing = true;
				return;
			}
			e.id = ConditionalId(ctx, *e.if_none_exist);
			return;
		}
		e.id = NewUuid();
		e.fresh_id = true;
		return;
	}
	if (e.url.conditional) {
		std::vector<std::string> found = Search(store, ctx, e.url);
		if (found.size() > 1) {
			e.problem("multiple-matches",
			          "conditional update " + fhir::Quoted(SearchText(e.url)) + " matches " + std::to_string(found.size()) +
			              " resources",
			          "request.url");
			return;
		}
		e.id = found.size() == 1 ? found.front()
		                          : (given_id.isString() ? std::string(given_id.str()) : ConditionalId(ctx, e.url));
		return;
	}
	e.id = e.url.id;
	if (given_id.isString() && given_id.str() != e.id)
		e.problem("value", "resource id " + fhir::Quoted(given_id.str()) + " does not match the request url " + fhir::Quoted(e.type + "/" + e.id),
		          "resource.id");
}

// A literal Patient/x: x is the provider's own id of a Patient it submitted (linked in the
// vault), or already a pseudonym.
void
ResolvePatientReference(Store &store, const PseudoContext &ctx, Entry &e, std::string &ref, const std::string &where) {
	std::string id = ref.substr(8);
	size_t history = id.find('/');
	if (history != std::string::npos)
		id.resize(history);
	if (auto cached = ctx.local_patients.find(id); cached != ctx.local_patients.end()) {
		ref = "Patient/" + cached->second;
		return;
	}
	std::string pseudonym = LinkedPseudonym(store, ctx, {LocalIdLink(ctx, "Patient", id)});
	if (pseudonym.empty() && OwnsPatient(store, ctx, id))
		pseudonym = id; // the pseudonym of a person the caller has a record of
	if (pseudonym.empty())
		pseudonym = store.OwnPatientPseudonym(id); // the lake id of the caller's own record
	if (!pseudonym.empty()) {
		ctx.local_patients.emplace(id, pseudonym);
		ref = "Patient/" + pseudonym;
		return;
	}
	e.problem("not-found",
	          "reference " + fhir::Quoted(ref) + " names no Patient submitted by " + ctx.org_code +
	              ": submit the Patient first, or in the same Bundle",
	          where);
}

// Step 3: urn:uuid references to fullUrls, and conditional references to the one match.
void
ResolveReferences(Store &store, const PseudoContext &ctx, Entry &e,
                  const std::unordered_map<std::string, std::string> &by_full_url) {
	ForEachReference(e.dom, [&](std::string &ref, const std::string &path) {
		if (e.type == "Bundle" && path.rfind("entry[", 0) == 0 && (ref.rfind("urn:uuid:", 0) == 0 || ref.rfind("urn:oid:", 0) == 0))
			return; // a stored Bundle's urn references are its own (to its entries' fullUrls)
		std::string where = "resource." + path;
		if (auto it = by_full_url.find(ref); it != by_full_url.end()) {
			ref = it->second;
			return;
		}
		if (ref.rfind("urn:uuid:", 0) == 0 || ref.rfind("urn:oid:", 0) == 0) {
			e.problem("not-found", "reference " + fhir::Quoted(ref) + " matches no fullUrl in the Bundle", where);
			return;
		}
		if (ctx.enabled && ref.rfind("Patient/", 0) == 0 && ref.find('?') == std::string::npos) {
			ResolvePatientReference(store, ctx, e, ref, where);
			return;
		}
		if (ref.find('?') == std::string::npos || ref.rfind("http", 0) == 0)
			return;
		try {
			RequestUrl search = ParseRequestUrl(ref);
			std::vector<std::string> found = Search(store, ctx, search);
			if (found.size() == 1)
				ref = search.type + "/" + found.front();
			else
				e.problem(found.empty() ? "not-found" : "multiple-matches",
				          "conditional reference " + fhir::Quoted(ref) + " matches " + std::to_string(found.size()) +
				              " resources (it must match exactly one)",
				          where);
		} catch (const Error &err) {
			e.problem(err.kind() == ErrorKind::NotSupported ? "not-supported" : "value", err.what(), where);
		}
	});
}

// Step 3 for one entry: references resolved, patients' mentions pseudonymised, free text dropped.
void
Transform(Store &store, const PseudoContext &ctx, Entry &e, const std::unordered_map<std::string, std::string> &by_full_url) {
	ResolveReferences(store, ctx, e, by_full_url);
	if (!ctx.enabled)
		return;
	e.vault_saves = DeidentifyResource(store, ctx, e.dom, e.type != "Patient",
	                                   e.type == "Patient" ? "Patient/" + e.identity.pseudonym : Key(e.type, e.id));
	pseudo::ScrubFreeText(e.dom, ctx.policy);
}



// Steps 3-6, streaming: per entry, transform (references, pseudonyms, free text), check the
// version (ifMatch), stamp, encode to JSONB and drop the editable copy, then write in chunks.
// Only one entry's DOM is alive at a time, so a large Bundle costs about its own size again.
class Writer {
public:
	Writer(Store &store, const PseudoContext &ctx, int64_t batch, std::string last_updated, BatchSummary &summary)
	    : store_(store), ctx_(ctx), batch_(batch), last_updated_(std::move(last_updated)), summary_(summary) {
	}

	// Locks the existing rows of every key to be written and reads their versions. Resources
	// created under a fresh server-assigned UUID cannot exist yet: no lookup for them.
	void
	Prepare(const std::vector<Entry *> &todo) {
		std::vector<ResourceKey> keys;
		std::vector<size_t> slots;
		for (Entry *e : todo) {
			auto [it, added] = index_.emplace(Key(e->type, e->id), latest_.size());
			if (!added)
				continue;
			latest_.push_back({});
			if (!e->fresh_id) {
				keys.push_back({e->type, e->id});
				slots.push_back(it->second);
			}
		}
		if (keys.empty())
			return;
		std::vector<CurrentVersion> current = store_.LockAndReadVersions(keys);
		for (size_t i = 0; i < keys.size(); i++)
			latest_[slots[i]] = current[i];
	}

	void
	Add(Entry &e, const std::unordered_map<std::string, std::string> &by_full_url) {
		LoadDom(e);
		Transform(store_, ctx_, e, by_full_url);
		if (e.failed()) {
			e.dom = Value();
			return;
		}
		std::string key = Key(e.type, e.id);
		if (chunk_keys_.count(key)) // the same resource twice: its versions go in separate statements
			Flush();
		if (!Stamp(e, latest_[index_.at(key)]))
			return;
		if (e.type == "Patient" && ctx_.enabled)
			RememberPatient(ctx_, e.local_id, e.identity);
		chunk_keys_.insert(key);
		chunk_.push_back(&e);
		if (chunk_.size() >= ChunkSize)
			Flush();
	}

	// Writes the chunk. Rows that lost a race (another transaction created or changed the
	// resource since we read its version) are stamped again from the now-locked current version;
	// a lost conditional create becomes a match of the winner's resource.
	void
	Flush() {
		for (int attempt = 0; !chunk_.empty(); attempt++) {
			if (attempt == 3)
				throw Error(ErrorKind::VersionConflict, "concurrent writers kept changing the same resources",
				            "", "Submit the request again.");
			std::vector<WriteRow> rows;
			for (Entry *e : chunk_)
				rows.push_back({e->type, e->id, e->version, e->create, e->fresh_id, PatientOf(*e), e->jsonb});
			std::vector<bool> written = store_.Write(batch_, rows);
			std::vector<Entry *> lost;
			for (size_t i = 0; i < chunk_.size(); i++) {
				Entry &e = *chunk_[i];
				if (!written[i]) {
					lost.push_back(&e);
					continue;
				}
				SaveIdentity(e);
				Count(e);
				e.dom = Value();
				if (!single_resource_)
					std::string().swap(e.jsonb); // clear() would keep the buffer
			}
			chunk_ = Retry(lost);
		}
		chunk_keys_.clear();
	}

	void
	KeepStoredResource() {
		single_resource_ = true;
	}

private:
	// The identities the entry took to the vault (its own, nested ones), saved once its version is written
	// (and only then: a vault row always has its lake version, whatever a race decided).
	void
	SaveIdentity(Entry &e) {
		if (e.type == "Patient" && ctx_.enabled)
			store_.SaveIdentity("Patient/" + e.identity.pseudonym, e.identity.vault.dump(), e.identity.links);
		for (const PendingIdentity &p : e.vault_saves)
			store_.SaveIdentity(p.subject, p.vault.dump(), p.links);
		e.vault_saves.clear();
		e.identity.vault = Value();
	}

	// The batch's bookkeeping of one stored version, made only once it is written.
	void
	Count(const Entry &e) {
		TypeCounts &c = summary_.counts[e.type];
		(e.create ? c.created : c.updated)++;
		summary_.stored++;
		summary_.versions.push_back(Key(e.type, e.id) + "/_history/" + std::to_string(e.version));
		// the encoded bytes are a whole jsonb varlena: walk its root in place
		constexpr size_t header = 4;
		summary_.elements.Add(e.type, hdl::json::jsonb::FromRoot(e.jsonb.data() + header,
		                                                         static_cast<uint32_t>(e.jsonb.size() - header)));
	}

	// Checks ownership and ifMatch against the current version, then stamps id/meta and encodes
	// the entry. Another source's record is refused, never overwritten (docs/ingest.md, "Ownership").
	bool
	Stamp(Entry &e, CurrentVersion &latest) {
		if (latest.version > 0 && !latest.own) {
			e.problem("forbidden",
			          fhir::Quoted(Key(e.type, e.id)) + " is not a record of " + ctx_.org_code +
			              ": another source created it, and only the source that created a record may change it",
			          e.prefix.rfind("Bundle.", 0) == 0 ? "request.url" : "resource.id");
			e.dom = Value();
			return false;
		}
		if (e.if_match && *e.if_match != latest.version) {
			e.problem("conflict",
			          "ifMatch W/\"" + std::to_string(*e.if_match) + "\" does not match the current version " +
			              std::to_string(latest.version) + " of " + fhir::Quoted(Key(e.type, e.id)),
			          "request.ifMatch");
			e.dom = Value();
			return false;
		}
		e.create = latest.version == 0;
		e.version = ++latest.version;
		SetIdentity(e.dom, e.id, e.version, last_updated_, ctx_.org_code);
		e.jsonb = hdl::json::jsonb::Encode(e.dom);
		return true;
	}

	std::vector<Entry *>
	Retry(const std::vector<Entry *> &lost) {
		std::vector<Entry *> again;
		if (lost.empty())
			return again;
		std::vector<ResourceKey> keys;
		for (Entry *e : lost)
			keys.push_back({e->type, e->id});
		std::vector<CurrentVersion> current = store_.LockAndReadVersions(keys);
		for (size_t i = 0; i < lost.size(); i++) {
			Entry &e = *lost[i];
			CurrentVersion &latest = latest_[index_.at(Key(e.type, e.id))];
			latest = current[i];
			if (e.method == "POST" && e.if_none_exist && latest.own) {
				e.matched_existing = true; // the racing transaction created it first
				e.dom = Value();
				continue;
			}
			if (Stamp(e, latest))
				again.push_back(&e);
		}
		return again;
	}

	static constexpr size_t ChunkSize = 500;
	Store &store_;
	const PseudoContext &ctx_;
	int64_t batch_;
	std::string last_updated_;
	BatchSummary &summary_;
	std::unordered_map<std::string, size_t> index_;
	std::vector<CurrentVersion> latest_;
	std::vector<Entry *> chunk_;
	std::unordered_set<std::string> chunk_keys_;
	bool single_resource_ = false;
};


} // namespace

std::string
IngestBundle(Store &store, const PseudoContext &ctx, const hdl::json::Node &bundle, const Validator &validate) {
	if (!bundle.isObject() || bundle.get("resourceType").str() != "Bundle")
		throw Error(ErrorKind::InvalidParameter, "hdl.ingest_bundle expects a FHIR Bundle",
		            "The document's resourceType is not \"Bundle\".", "Use hdl.ingest for a single resource.");
	std::string type(bundle.get("type").str());
	if (type != "transaction" && type != "batch")
		throw Error(ErrorKind::NotSupported, "Bundle type \"" + type + "\" is not accepted",
		            "hdl accepts transaction and batch Bundles.", "Submit the entries as a transaction Bundle.");
	bool transaction = type == "transaction";

	std::vector<Entry> entries = ReadEntries(bundle);
	std::vector<Problem> bundle_level;
	BucketValidation(entries, validate(bundle), bundle_level);
	if (!bundle_level.empty())
		Fail(bundle_level);
	auto any_failed = [&] {
		return std::any_of(entries.begin(), entries.end(), [](const Entry &e) { return e.failed(); });
	};
	auto fail_all = [&] {
		std::vector<Problem> all;
		for (const Entry &e : entries)
			all.insert(all.end(), e.problems.begin(), e.problems.end());
		Fail(all);
	};
	if (transaction && any_failed())
		fail_all();

	int64_t batch = store.NewBatch();
	std::string last_updated = FormatInstant(store.NowMicros());
	// FHIR processing order: creates (POST) before updates (PUT).
	std::vector<Entry *> ordered;
	for (const char *method : {"POST", "PUT"})
		for (Entry &e : entries)
			if (!e.failed() && e.method == method)
				ordered.push_back(&e);
	for (Entry *e : ordered) {
		if (e->type == "Patient")
			AssignPatientIdentity(store, ctx, *e);
		else
			AssignIdentity(store, ctx, *e);
	}
	BatchSummary summary;
	summary.kind = type;
	{ // the fullUrl map and the writer's bookkeeping go before the response is built
		std::unordered_map<std::string, std::string> by_full_url;
		for (Entry *e : ordered) {
			if (e->failed())
				continue;
			// References to a patient carry the pseudonym, shared by every source's record of the person.
			std::string target = e->type == "Patient" && ctx.enabled ? Key("Patient", e->identity.pseudonym)
			                                                          : Key(e->type, e->id);
			if (!e->full_url.empty())
				by_full_url[e->full_url] = target;
			if (!e->url.id.empty()) // Patient/local-id inside the Bundle means this entry
				by_full_url[Key(e->type, e->url.id)] = target;
		}
		std::vector<Entry *> todo;
		for (Entry *e : ordered)
			if (!e->failed() && !e->matched_existing)
				todo.push_back(e);
		Writer writer(store, ctx, batch, last_updated, summary);
		writer.Prepare(todo);
		for (Entry *e : todo)
			writer.Add(*e, by_full_url);
		writer.Flush();
	}
	// A failed transaction raises here: the ERROR rolls back whatever was written above.
	if (transaction && any_failed())
		fail_all();

	// Each response encoded as soon as it is made, and its entry released.
	std::vector<std::string> responses;
	responses.reserve(entries.size());
	for (Entry &e : entries) {
		responses.push_back(hdl::json::jsonb::Encode(ResponseEntry(e, last_updated)));
		if (e.failed())
			summary.rejected++;
		e = Entry();
	}
	std::vector<Entry>().swap(entries);
	store.FinishBatch(batch, summary);
	return AssembleResponseBundle(type + "-response", responses);
}

std::string
IngestResource(Store &store, const PseudoContext &ctx, const hdl::json::Node &resource, const Validator &validate) {
	if (!resource.isObject())
		throw Error(ErrorKind::InvalidJson, "hdl.ingest expects a JSON object holding a FHIR resource");
	if (resource.get("resourceType").str() == "Bundle")
		throw Error(ErrorKind::InvalidParameter, "hdl.ingest does not take Bundles", {},
		            "Use hdl.ingest_bundle for transaction and batch Bundles.");
	Entry e;
	e.prefix = std::string(resource.get("resourceType").str());
	e.node = resource;
	e.type = e.prefix;
	std::vector<Problem> problems = validate(resource);
	if (!problems.empty())
		Fail(problems);
	hdl::json::Node id = resource.get("id");
	e.method = id.isString() ? "PUT" : "POST";
	e.url.type = e.type;
	e.url.id = id.isString() ? std::string(id.str()) : std::string();
	e.id = id.isString() ? std::string(id.str()) : NewUuid();
	e.fresh_id = !id.isString();
	if (e.type == "Patient" && ctx.enabled) {
		LoadDom(e);
		e.identity = PseudonymisePatient(store, ctx, e.dom, e.url.id);
		e.id = PatientRecordId(ctx.org_code, e.identity.pseudonym);
		e.local_id = e.url.id;
		e.fresh_id = false;
	}
	int64_t batch = store.NewBatch();
	BatchSummary summary;
	summary.kind = "resource";
	Writer writer(store, ctx, batch, FormatInstant(store.NowMicros()), summary);
	writer.KeepStoredResource();
	writer.Prepare({&e});
	auto fail_if_refused = [&e] {
		for (Problem &p : e.problems) // single resources have no "resource." step
			if (p.expression.rfind(e.prefix + ".resource.", 0) == 0)
				p.expression = e.prefix + p.expression.substr(e.prefix.size() + 9);
		if (e.failed())
			Fail(e.problems);
	};
	writer.Add(e, {});
	fail_if_refused();
	writer.Flush();
	fail_if_refused(); // a race lost to another source's create of the same id
	store.FinishBatch(batch, summary);
	return e.jsonb;
}

} // namespace hdl::ingest
