// The base invariants of R4 (invariants.hpp), evaluated at level strict where the walk meets an
// object of their type: a resource, a datatype or a backbone element. A failure is an `invariant`
// issue naming the key and the definition's text. Only a single false fails: an empty or
// non-boolean result, or an expression the engine cannot evaluate on this data, does not refuse
// the resource (FHIRPath gaps must never reject valid data).
#include "core/error.hpp"
#include "core/fhir/invariants.hpp"
#include "core/fhir/validator_walk.hpp"

namespace hdl::fhir::detail {

using json::Node;

namespace {

// A single false.
bool
Fails(const fhirpath::Collection &result) {
	if (result.size() != 1)
		return false;
	bool value = true;
	return fhirpath::AsBoolean(result[0], value) && !value;
}

// One of the invariant's guards has none of its elements in the object: it holds.
bool
Guarded(const Node &node, const CompiledInvariant &inv) {
	if (!inv.notPrefixedName.empty()) {
		Node value = node.get(inv.notPrefixedName);
		if (value.isString() && value.str().substr(0, inv.notPrefix.size()) != inv.notPrefix)
			return true;
	}
	for (const auto &guard : inv.guards) {
		bool present = false;
		for (const CompiledInvariant::GuardName &g : guard) {
			if (!g.prefix) {
				present = !node.get(g.name).missing();
			} else {
				node.forEachMemberWithPrefix(g.name, [&](std::string_view, const Node &) {
					present = true;
					return false;
				});
			}
			if (present)
				break;
		}
		if (!present)
			return true;
	}
	return false;
}

} // namespace

void
Walker::Invariants(const Node &node, r4::TypeId type, bool isResource) {
	if (stopped_ || resource_ == nullptr || otherIssues_ != resourceIssues_)
		return;
	const std::vector<CompiledInvariant> &list = InvariantsOf(type);
	if (list.empty())
		return;
	static const fhirpath::Environment kNoConstants;
	fhirpath::Value self;
	bool haveSelf = false;
	fhirpath::Collection elements, result;
	for (const CompiledInvariant &inv : list) {
		if (Guarded(node, inv))
			continue;
		if (!haveSelf) {
			std::string_view typeName = r4::TypeName(type);
			if (typeName.find('_') != std::string_view::npos)
				typeName = {}; // a backbone element: the schema's name is not a FHIR type
			self = fhirpath::Value::OfNode(node, typeName);
			haveSelf = true;
		}
		fhirpath::Span focus(&self, 1);
		try {
			size_t count = 1;
			const fhirpath::Value *items = &self;
			if (inv.element.valid()) {
				elements.clear();
				fhirpath::EvaluateInto(inv.element, focus, *resource_, kNoConstants, 0, elements);
				count = elements.size();
				items = elements.data();
			}
			for (size_t i = 0; i < count; i++) {
				fhirpath::Span one(items + i, 1);
				result.clear();
				if (inv.usesContext) {
					fhirpath::Environment env;
					env.constants.emplace_back("context", fhirpath::Collection(items + i, items + i + 1));
					fhirpath::EvaluateInto(inv.expression, one, *resource_, env, 0, result);
				} else {
					fhirpath::EvaluateInto(inv.expression, one, *resource_, kNoConstants, 0, result);
				}
				if (Fails(result)) {
					Report("invariant",
					       std::string("constraint ") + inv.def->key + " failed: " + inv.def->human,
					       inv.def->element);
					break;
				}
			}
		} catch (const Error &) {
			// The engine cannot evaluate it on this data: not a reason to refuse the resource.
		}
		if (stopped_)
			return;
	}
	(void)isResource;
}

} // namespace hdl::fhir::detail
