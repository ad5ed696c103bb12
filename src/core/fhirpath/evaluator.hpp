// Internal to the FHIRPath evaluator: the evaluation context and the entry points shared by
// evaluator.cpp, operators.cpp and the functions_*.cpp families.
#pragma once
#include <string>

#include "core/fhirpath/ast.hpp"
#include "core/fhirpath/fhir_types.hpp"
#include "core/fhirpath/fhirpath.hpp"
#include "core/fhirpath/model.hpp"

namespace hdl::fhirpath::detail {

struct Context {
	Span thisItems;                    // $this and the input of a path's first step
	int64_t index = 0;                 // $index
	const Collection *total = nullptr; // $total (aggregate)
	int64_t rowIndex = 0;              // %rowIndex
	const json::Node *resource = nullptr;
	const Environment *env = nullptr;
	const std::string *exprText = nullptr;

	Context
	withThis(Span items, int64_t i) const {
		Context c = *this;
		c.thisItems = items;
		c.index = i;
		return c;
	}
};

// Appends the result of `ast` to `out`.
void Eval(const Ast &ast, const Context &ctx, Collection &out);
Collection EvalToCollection(const Ast &ast, const Context &ctx);

// Children of one item named `name` (with choice types and arrays flattened).
void Navigate(const Value &item, std::string_view name, Collection &out);

// The children named `name` of an object whose members are reached through get(name) and
// forEachWithPrefix(prefix, visit) (visit(key, value) returns false to stop), in the back end's
// key order: calls push(child node, FHIR type) for each child, the type known only for a choice
// element (value -> valueQuantity is "Quantity").
template <typename Get, typename ForEachWithPrefix, typename Push>
void
NavigateMembers(Get &&get, ForEachWithPrefix &&forEachWithPrefix, std::string_view name, Push &&push) {
	auto element = [&](const json::Node &child, std::string_view type) {
		if (child.isArray()) {
			size_t n = child.size();
			for (size_t i = 0; i < n; i++) {
				json::Node e = child.at(i);
				if (!e.isNull())
					push(e, type);
			}
		} else if (!child.isNull() && !child.missing()) {
			push(child, type);
		}
	};
	json::Node child = get(name);
	if (!child.missing()) {
		element(child, {});
		return;
	}
	if (name.empty())
		return;
	// Choice element: value -> valueQuantity, valueString, ... (the first one present)
	forEachWithPrefix(name, [&](std::string_view key, const json::Node &value) {
		if (key.size() <= name.size())
			return true;
		std::string_view type = ChoiceTypeFromSuffix(key.substr(name.size()));
		if (type.empty())
			return true;
		element(value, type);
		return false;
	});
}

// The same for a document node (an object; other nodes have no children). Capitalised names
// (type steps) are not handled here.
template <typename Push>
void
NavigateNode(const json::Node &node, std::string_view name, Push &&push) {
	if (!node.isObject())
		return;
	NavigateMembers([&](std::string_view key) { return node.get(key); },
	                [&](std::string_view prefix, auto &&visit) { node.forEachMemberWithPrefix(prefix, visit); }, name,
	                push);
}

// "Patient/123", "http://x/fhir/Patient/123/_history/2" -> type "Patient", id "123"; false
// when the reference has no type/id part.
bool SplitReference(std::string_view ref, std::string_view &type, std::string_view &id);

// True when a where()/exists()/all() criterion holds for ctx's $this (empty is false).
bool CriteriaHolds(const Ast &criteria, const Context &ctx);

// Calls the function `call` names on `focus` (its own focus expression already evaluated).
void CallFunction(const Ast &call, Span focus, const Context &ctx, Collection &out);
// All child items of one item (children()). primitiveParts: also the id and extensions of its
// primitives ("_name"), which are their children in FHIRPath: descendants() reaches them.
void ChildrenOf(const Value &item, Collection &out, bool primitiveParts = false);

// Binary operators (operators.cpp).
void EvalBinary(const Ast &ast, const Context &ctx, Collection &out);
// 1 equal, 0 not equal, -1 unknown (different date precision), for single items.
int ValuesEqual(const Value &a, const Value &b);
// Appends the distinct items of `in` (as distinct()); items already in `out` before the call do
// not count.
void AppendDistinct(Span in, Collection &out);
// True (and the text) when ValuesEqual compares the value as plain text: two such values are
// equal exactly when their texts are (a hash of the text can stand for the value).
bool TextForEquality(const Value &v, std::string_view &out);
bool ValuesEquivalent(const Value &a, const Value &b);
// Collection equality: 1, 0, or -1 for empty.
int CollectionsEqual(Span a, Span b);
// Ordering for sort(): -1/0/1; values that cannot be ordered compare equal.
int CompareForSort(const Value &a, const Value &b);

// Function families; each returns false when fn is not one of theirs.
bool CallCollectionFunction(const Ast &call, Span focus, const Context &ctx, Collection &out);
bool CallStringFunction(const Ast &call, Span focus, const Context &ctx, Collection &out);
bool CallMathFunction(const Ast &call, Span focus, const Context &ctx, Collection &out);
bool CallFhirFunction(const Ast &call, Span focus, const Context &ctx, Collection &out);
bool CallConversionFunction(const Ast &call, Span focus, const Context &ctx, Collection &out);
bool CallEncodingFunction(const Ast &call, Span focus, const Context &ctx, Collection &out);
bool CallTypeFunction(const Ast &call, Span focus, const Context &ctx, Collection &out);

// Type tests for is/as/ofType: without a model (types from JSON and choice suffixes, System and
// FHIR primitives alike); the second under ctx's model when it has one (typed_navigation.cpp).
bool ValueIsType(const Value &v, std::string_view typeName);
// exact: as()/ofType() (a code is not taken as a string); is() counts primitive restrictions.
bool ValueIsType(const Value &v, std::string_view typeName, bool exact, const Context &ctx);
// Navigate() under a type model; firstStep: the step starts the expression (its context).
void NavigateTyped(const Value &item, std::string_view name, bool firstStep, const Model &model, const Context &ctx,
                   Collection &out);

// Helpers for functions: a single-item argument evaluated against ctx; false when empty.
bool SingleArg(const Ast &call, size_t i, const Context &ctx, Value &out);
[[noreturn]] void Fail(const Context &ctx, const std::string &what);
// The single item of a focus used as a function's input; false when empty; throws when
// there are several.
bool SingleInput(Span focus, const Context &ctx, const char *fn, const Value *&out);

} // namespace hdl::fhirpath::detail

#include "core/cpp_only.hpp"
