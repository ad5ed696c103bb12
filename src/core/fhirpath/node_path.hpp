// A fast form of the FHIRPath shapes ViewDefinition columns use most: member steps from the
// focus (code.coding.code), first(), ofType(T), where(criteria) (simple comparisons of members
// decided in place, other criteria evaluated in full), then optionally one function of the result
// (count(), getReferenceKey(Patient), exists(), ...). It walks document nodes with two reused
// buffers of plain (node, type) items instead of building a collection of Values at every
// step; the result is exactly what the evaluator gives (the FHIRPath and SQL-on-FHIR suites
// run through it). Other shapes, and foci holding computed values, use the evaluator.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/fhirpath/ast.hpp"
#include "core/fhirpath/value.hpp"

namespace hdl::fhirpath {

namespace detail {
struct Context;
}

// A document node a path reached, with its FHIR type when the path told it (choice elements).
struct NodeRef {
	json::Node node;
	std::string_view type;
};

class NodePath {
public:
	// The fast form of `root`, or nullptr when the expression has another shape.
	static std::shared_ptr<const NodePath> Compile(const Ast &root);

	// Appends the result to `out` and returns true; returns false, appending nothing, when the
	// focus holds a computed value (the caller then evaluates the expression in full).
	bool Evaluate(Span focus, const detail::Context &ctx, Collection &out) const;

	// For paths without a final function: the nodes themselves (no Values built), replacing
	// `out`'s contents; false, as above, for a focus holding computed values.
	bool
	endsAtNodes() const {
		return tail_ == nullptr || key_ != Key::None;
	}
	bool EvaluateNodes(Span focus, const detail::Context &ctx, std::vector<NodeRef> &out) const;

	// While one lives, member steps on a node remember their result for the other paths over
	// the same document (a view's columns share prefixes: value.ofType(...) five times on an
	// Observation). Only for the one document being evaluated: open one per document.
	// Opened over the document's root object, it also finds the root's members (where every
	// column starts) in one pass instead of one walk of the object per name; get() uses them.
	class DocumentScope {
	public:
		DocumentScope() noexcept;
		explicit DocumentScope(const json::Node &root) noexcept;
		json::Node get(const json::Node &node, std::string_view key) const;
		~DocumentScope();
		DocumentScope(const DocumentScope &) = delete;
		DocumentScope &operator=(const DocumentScope &) = delete;
	};

private:
	// Runs the steps; the result is left in the returned buffer. Null for a computed focus.
	const std::vector<NodeRef> *Walk(Span focus, const detail::Context &ctx) const;

	enum class Op : uint8_t { Member, First, OfType, Where };
	// where() criteria decided in place: member = literal, member.empty(), member.exists(), and
	// `and`/`or` of those; true exactly when the evaluator's result is true.
	struct Criterion {
		enum class Kind : uint8_t { Equals, Empty, Exists, And, Or };
		Kind kind;
		std::string member;             // Equals, Empty, Exists
		const Value *literal = nullptr; // Equals (points into the Ast)
		std::shared_ptr<const Criterion> left, right; // And, Or
	};
	static std::shared_ptr<const Criterion> CompileCriterion(const Ast &criteria);
	static bool Holds(const Criterion &c, const NodeRef &item);
	struct Step {
		Op op;
		std::string name; // Member: the element; OfType: the type
		size_t name_hash = 0;
		const Ast *criteria = nullptr; // Where (points into the Ast)
		std::shared_ptr<const Criterion> simple; // Where: the criteria in a form decided in place
	};
	void Member(const Step &step, const NodeRef &item, std::vector<NodeRef> &to) const;
	std::vector<Step> steps_;
	const Ast *tail_ = nullptr; // a function applied to the result, or null (points into the Ast)
	// getResourceKey() / getReferenceKey(T) as the function: EvaluateNodes gives the id nodes
	// (a reference's id is a slice of its string) instead of computed strings.
	enum class Key : uint8_t { None, Resource, Reference };
	Key key_ = Key::None;
	bool KeyNodes(const std::vector<NodeRef> &items, std::vector<NodeRef> &out) const;
};

} // namespace hdl::fhirpath

#include "core/cpp_only.hpp"
