// Rules of particular types that the generated tables cannot express: Extension (ext-1),
// Reference shape, Bundle structure (bdl-*), contained resources (dom-2, dom-3, dom-4).
#include "core/fhir/reference.hpp"
#include "core/fhir/validator_walk.hpp"

#include <algorithm>
#include <unordered_set>
#include <utility>
#include <vector>

namespace hdl::fhir::detail {

using json::Node;

void
Walker::ExtensionRules(const Node &node, const Seen &seen) {
	bool hasValue = (seen.choices | seen.choiceExtensions) != 0;
	bool hasExtensions = !node.get("extension").missing();
	if (hasValue && hasExtensions)
		Report("invalid", "an extension must have either extensions or a value[x], not both (ext-1)");
	else if (!hasValue && !hasExtensions)
		Report("invalid", "an extension must have either extensions or a value[x] (ext-1)");
}

void
Walker::ReferenceRules(const Node &node) {
	Node reference = node.get("reference");
	if (!reference.isString())
		return; // absent, or already reported as the wrong JSON type
	if (ParseReference(reference.str()).kind == ReferenceKind::Invalid)
		Report(
		    "value",
		    "invalid reference " + Quote(reference.str()) +
		        ": expected Type/id with a known resource type, an absolute URL, #id, urn:uuid:, urn:oid: or "
		        "Type?query",
		    "reference");
	else if (level_ == Level::Strict)
		LocalReferenceRule(reference.str());
}

const std::unordered_set<std::string_view> &
Walker::ContainedIds() {
	if (containedIdsSerial_ != resourceSerial_) {
		containedIds_.clear();
		Node contained = resource_->get("contained");
		for (size_t i = 0; i < contained.size(); i++) {
			Node id = contained.at(i).get("id");
			if (id.isString())
				containedIds_.insert(id.str());
		}
		containedIdsSerial_ = resourceSerial_;
	}
	return containedIds_;
}

// ref-1, natively: evaluated by the engine it read %rootResource.contained.id once per local
// reference, quadratic in a resource with many (20,000 took minutes). A local reference names a
// contained resource of the root resource, or is "#" inside a contained resource (its container).
void
Walker::LocalReferenceRule(std::string_view reference) {
	if (reference.empty() || reference[0] != '#' || resource_ == nullptr || otherIssues_ != resourceIssues_)
		return;
	bool holds = reference.size() == 1 ? containedDepth_ > 0 : ContainedIds().count(reference.substr(1)) > 0;
	if (!holds)
		Report("invariant", "constraint ref-1 failed: SHALL have a contained resource if a local reference is provided");
}

void
Walker::ContainedRules(const Node &node) {
	if (!node.get("contained").missing())
		Report("invalid", "a contained resource must not contain resources (dom-2)", "contained");
	Node meta = node.get("meta");
	if (!meta.get("versionId").missing() || !meta.get("lastUpdated").missing())
		Report("invalid", "a contained resource must not have meta.versionId or meta.lastUpdated (dom-4)",
		       "meta");
}

namespace {

constexpr int kMaxScanDepth = 128; // beyond the walk's own limit, which reports the depth

// Every string value in the subtree that starts with '#': the local references, canonicals and
// uris that may point at a contained resource (or, "#" alone, at the container).
void
LocalReferences(const Node &node, int depth, std::vector<std::string_view> &out) {
	if (depth > kMaxScanDepth)
		return;
	if (node.isString()) {
		std::string_view s = node.str();
		if (!s.empty() && s[0] == '#')
			out.push_back(s);
	} else if (node.isArray()) {
		for (size_t i = 0; i < node.size(); i++)
			LocalReferences(node.at(i), depth + 1, out);
	} else if (node.isObject()) {
		node.forEachMember([&](std::string_view, const Node &value) { LocalReferences(value, depth + 1, out); });
	}
}

} // namespace

// dom-3, natively: the engine cannot evaluate its as(canonical) / as(uri) on JSON strings,
// whose FHIR types it does not know. Any '#id' string anywhere in the resource counts as a
// reference (a plain string equal to '#id' too: at worst a missed refusal, never a false one).
void
Walker::ContainedReferencedRule(const Node &node) {
	Node contained = node.get("contained");
	if (!contained.isArray() || contained.size() == 0 || otherIssues_ != resourceIssues_)
		return;
	std::vector<std::string_view> found;
	LocalReferences(node, 0, found);
	// a set: a resource may hold thousands of contained resources and local references
	std::unordered_set<std::string_view> refs;
	for (std::string_view r : found)
		refs.insert(r.substr(1));
	for (size_t i = 0; i < contained.size() && !stopped_; i++) {
		Node id = contained.at(i).get("id");
		if (!id.isString())
			continue; // '#' + id is empty: the constraint holds (and id is required elsewhere)
		std::string_view want = id.str();
		bool referred = refs.count(want) > 0;
		if (!referred) {
			std::vector<std::string_view> own;
			LocalReferences(contained.at(i), 0, own);
			referred = std::any_of(own.begin(), own.end(), [](std::string_view r) { return r == "#"; });
		}
		if (referred || !Push("contained", static_cast<int32_t>(i)))
			continue;
		Report("invariant",
		       "constraint dom-3 failed: If the resource is contained in another resource, it SHALL be referred to "
		       "from elsewhere in the resource or SHALL refer to the containing resource (contained resource " +
		           Quote(want) + " is not referred to)");
		Pop();
	}
}

namespace {

bool
OneOf(std::string_view value, std::initializer_list<std::string_view> options) noexcept {
	return std::find(options.begin(), options.end(), value) != options.end();
}

} // namespace

void
Walker::BundleRules(const Node &node) {
	std::string_view type = node.get("type").str();
	bool needsRequest = OneOf(type, {"batch", "transaction", "history"});
	bool needsResponse = OneOf(type, {"batch-response", "transaction-response", "history"});
	bool isSearch = type == "searchset";
	if (!node.get("total").missing() && !OneOf(type, {"searchset", "history"}))
		Report("invalid", "total is only allowed in searchset and history bundles (bdl-1)", "total");
	Node entries = node.get("entry");
	if (!entries.isArray() || entries.size() == 0) {
		return;
	}
	// bdl-11 / bdl-12: documents start with a Composition, messages with a MessageHeader.
	if (type == "document" || type == "message") {
		std::string_view first = entries.at(0).get("resource").get("resourceType").str();
		const char *expected = type == "document" ? "Composition" : "MessageHeader";
		if (first != expected)
			Report("invalid",
			       "the first entry of a " + std::string(type) + " bundle must be a " + expected +
			           (type == "document" ? " (bdl-11)" : " (bdl-12)"),
			       "entry[0].resource");
	}
	if (!Push("entry"))
		return;
	std::vector<std::pair<std::string_view, std::string_view>> fullUrls; // (fullUrl, meta.versionId)
	size_t n = entries.size();
	for (size_t i = 0; i < n && !stopped_; i++) {
		SetIndex(static_cast<int32_t>(i));
		Node entry = entries.at(i);
		if (!entry.isObject())
			continue; // reported by the element walk
		bool hasRequest = !entry.get("request").missing();
		bool hasResponse = !entry.get("response").missing();
		Node resource = entry.get("resource");
		if (needsRequest && !hasRequest)
			Report("required", "entry.request is required in a " + std::string(type) + " bundle (bdl-3)",
			       "request");
		else if (!needsRequest && hasRequest)
			Report("invalid",
			       "entry.request is only allowed in batch, transaction and history bundles (bdl-3)",
			       "request");
		if (needsResponse && !hasResponse)
			Report("required", "entry.response is required in a " + std::string(type) + " bundle (bdl-4)",
			       "response");
		else if (!needsResponse && hasResponse)
			Report(
			    "invalid",
			    "entry.response is only allowed in batch-response, transaction-response and history bundles "
			    "(bdl-4)",
			    "response");
		if (resource.missing() && !hasRequest && !hasResponse)
			Report("invalid", "an entry must have a resource unless it has a request or response (bdl-5)");
		if (!isSearch && !entry.get("search").missing())
			Report("invalid", "entry.search is only allowed in searchset bundles (bdl-2)", "search");
		Node fullUrl = entry.get("fullUrl");
		if (fullUrl.isString() && type != "history")
			fullUrls.emplace_back(fullUrl.str(), resource.get("meta").get("versionId").str());
	}
	SetIndex(-1);
	Pop();
	if (fullUrls.size() > 1 && !stopped_) {
		std::sort(fullUrls.begin(), fullUrls.end());
		for (size_t i = 1; i < fullUrls.size(); i++)
			if (fullUrls[i] == fullUrls[i - 1] && (i < 2 || fullUrls[i] != fullUrls[i - 2]))
				Report("invalid",
				       "fullUrl " + Quote(fullUrls[i].first) + " appears in more than one entry (bdl-7)",
				       "entry");
	}
}

} // namespace hdl::fhir::detail
