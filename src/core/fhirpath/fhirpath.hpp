// FHIRPath for hdl: parse an expression once into an AST, then evaluate it many times over
// documents seen through hdl::json::Node (nlohmann or JSONB, walked in place).
//
//   hdl::fhirpath::Expression e = hdl::fhirpath::Parse("name.where(use = 'official').family");
//   hdl::fhirpath::Environment env;                       // constants, %rowIndex
//   hdl::fhirpath::Collection out = hdl::fhirpath::Evaluate(e, resourceNode, env);
//
// Results are Values: references to document nodes (no copy) or computed values. Parse errors
// and evaluation errors a user can cause throw hdl::Error(InvalidParameter).
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/fhirpath/ast.hpp"
#include "core/fhirpath/model.hpp"
#include "core/fhirpath/node_path.hpp"
#include "core/fhirpath/value.hpp"
#include "core/json/node.hpp"

namespace hdl::fhirpath {

class Expression {
public:
	Expression() = default;
	const Ast &
	root() const {
		return *root_;
	}
	bool
	valid() const {
		return root_ != nullptr;
	}
	const std::string &
	text() const {
		return text_;
	}
	// Names of the %constants the expression uses (without '%'), each once.
	const std::vector<std::string> &
	constants() const {
		return constants_;
	}

	// The fast form of a plain path (node_path.hpp), or null.
	const NodePath *
	fast() const {
		return fast_.get();
	}

private:
	friend Expression Parse(std::string_view);
	std::shared_ptr<const Ast> root_;
	std::shared_ptr<const NodePath> fast_;
	std::string text_;
	std::vector<std::string> constants_;
};

// Throws hdl::Error(InvalidParameter) naming the problem (syntax, unknown function, wrong
// number of arguments).
Expression Parse(std::string_view expression);

// What %name resolves to during an evaluation. %resource, %rootResource and %context are
// the evaluated resource unless set here; %rowIndex is rowIndex.
struct Environment {
	std::vector<std::pair<std::string, Collection>> constants;
	int64_t rowIndex = 0;
	// The FHIR type model (model.hpp), or none: types then come from choice suffixes and JSON.
	const Model *model = nullptr;
	// Lookup of a user constant; nullptr when not defined.
	const Collection *find(std::string_view name) const;
};

// Evaluates with `focus` as the input collection and $this (normally the resource).
Collection Evaluate(const Expression &expr, const json::Node &focus, const Environment &env);
// Same, with an explicit input collection and %resource.
Collection Evaluate(const Expression &expr, Span focus, const json::Node &resource, const Environment &env);
// The hot-path form: appends to `out` (clear it first to reuse its storage) and takes
// %rowIndex from `rowIndex` instead of env.rowIndex.
void EvaluateInto(const Expression &expr, Span focus, const json::Node &resource, const Environment &env,
                  int64_t rowIndex, Collection &out);

// For a path whose fast form ends at document nodes (expr.fast()->endsAtNodes()): its nodes,
// replacing out's contents, without building Values; false when the focus holds computed values.
bool EvaluateNodesInto(const Expression &expr, Span focus, const json::Node &resource, const Environment &env,
                       int64_t rowIndex, std::vector<NodeRef> &out);

// FHIRPath truth of a result used as a filter: true only for a single true boolean; throws
// hdl::Error(InvalidParameter) when the result is not empty and not a single boolean.
bool IsTrue(const Collection &result, std::string_view what);

} // namespace hdl::fhirpath

#include "core/cpp_only.hpp"
