// The generated invariant table and its compilation with the FHIRPath engine.
#include "core/fhir/invariants.hpp"

#include <memory>

#include "core/error.hpp"
#include "core/fhirpath/evaluator.hpp"
#include "core/json/nlohmann_node.hpp"

#include "core/fhir/r4_invariants.inc"

namespace hdl::fhir::r4 {

size_t
InvariantCount() noexcept {
	return sizeof(tables::kInvariants) / sizeof(tables::kInvariants[0]);
}

const InvariantDef &
InvariantAt(size_t i) noexcept {
	return tables::kInvariants[i];
}

} // namespace hdl::fhir::r4

namespace hdl::fhir::detail {

namespace {

using fhirpath::Ast;
using fhirpath::AstKind;
using fhirpath::FunctionId;

// True when the result of `ast` on a focus that has none of the children `names` collects
// equals its result on an empty object: every path starts at a child of the focus, and a function
// applied to a path that is then empty ignores its arguments (where, exists, all, startsWith...),
// except those that evaluate them anyway (combine, union, iif...). False for anything that reads the
// focus itself ($this, children(), a function without a focus) or %resource, %context, the clock.
bool
AbsentNames(const Ast &ast, std::vector<std::string> &names) {
	switch (ast.kind) {
	case AstKind::Literal:
		return true;
	case AstKind::Constant:
		return ast.name == "ucum";
	case AstKind::Member:
		if (!ast.focus) {
			names.push_back(ast.name);
			return true;
		}
		return AbsentNames(*ast.focus, names);
	case AstKind::Indexer:
		return ast.focus && AbsentNames(*ast.focus, names) && AbsentNames(*ast.args[0], names);
	case AstKind::Negate:
	case AstKind::TypeOp:
		return AbsentNames(*ast.args[0], names);
	case AstKind::Binary:
		return AbsentNames(*ast.args[0], names) && AbsentNames(*ast.args[1], names);
	case AstKind::Call: {
		if (!ast.focus || !AbsentNames(*ast.focus, names))
			return false;
		switch (ast.fn) {
		case FunctionId::Combine:
		case FunctionId::Union:
		case FunctionId::Intersect:
		case FunctionId::Exclude:
		case FunctionId::SubsetOf:
		case FunctionId::SupersetOf:
		case FunctionId::Iif:
		case FunctionId::Aggregate:
		case FunctionId::Now:
		case FunctionId::Today:
		case FunctionId::TimeOfDay:
			for (const auto &arg : ast.args)
				if (!AbsentNames(*arg, names))
					return false;
			return ast.fn != FunctionId::Now && ast.fn != FunctionId::Today && ast.fn != FunctionId::TimeOfDay;
		default:
			return true;
		}
	}
	default:
		return false;
	}
}

// `ast` passes on an empty object (evaluated once, when the invariant is compiled).
bool
PassesOnEmpty(const Ast &ast) {
	static const nlohmann::json kEmpty = nlohmann::json::object();
	static const json::Node empty = json::FromNlohmann(kEmpty);
	static const fhirpath::Environment env;
	fhirpath::Value self = fhirpath::Value::OfNode(empty);
	fhirpath::detail::Context ctx;
	ctx.thisItems = fhirpath::Span(&self, 1);
	ctx.resource = &empty;
	ctx.env = &env;
	try {
		fhirpath::Collection result;
		fhirpath::detail::Eval(ast, ctx, result);
		if (result.empty())
			return true;
		bool value = false;
		return result.size() == 1 && fhirpath::AsBoolean(result[0], value) && value;
	} catch (const Error &) {
		return false;
	}
}

void
Disjuncts(const Ast &ast, std::vector<const Ast *> &out) {
	if (ast.kind == AstKind::Binary && ast.op == fhirpath::BinaryOp::Or) {
		Disjuncts(*ast.args[0], out);
		Disjuncts(*ast.args[1], out);
	} else {
		out.push_back(&ast);
	}
}

void
AddGuards(CompiledInvariant &c, r4::TypeId type) {
	std::vector<const Ast *> disjuncts;
	Disjuncts(c.expression.root(), disjuncts);
	if (disjuncts.size() > 1)
		disjuncts.insert(disjuncts.begin(), &c.expression.root());
	for (const Ast *d : disjuncts) {
		// name.startsWith('prefix').not()
		if (d->kind == AstKind::Call && d->fn == FunctionId::Not && d->focus &&
		    d->focus->kind == AstKind::Call && d->focus->fn == FunctionId::StartsWith && d->focus->focus &&
		    d->focus->focus->kind == AstKind::Member && !d->focus->focus->focus && d->focus->args.size() == 1 &&
		    d->focus->args[0]->kind == AstKind::Literal && !d->focus->args[0]->empty &&
		    d->focus->args[0]->literal.kind == fhirpath::ValueKind::String && c.notPrefixedName.empty()) {
			c.notPrefixedName = d->focus->focus->name;
			c.notPrefix = d->focus->args[0]->literal.text;
		}
		std::vector<std::string> names;
		if (!AbsentNames(*d, names) || !PassesOnEmpty(*d))
			continue;
		std::vector<CompiledInvariant::GuardName> guard;
		for (std::string &name : names) {
			// An element of the type is found by its name (a binary search in JSONB); anything else
			// (a choice group's base, a name the type does not have) by a scan of the members.
			bool prefix = r4::FindElement(type, name) == nullptr;
			guard.push_back({"_" + name, prefix});
			guard.push_back({std::move(name), prefix});
		}
		c.guards.push_back(std::move(guard));
	}
}

struct Compiled {
	std::vector<CompiledInvariant> list;
	std::vector<std::string> failures;
};

Compiled
Compile(r4::TypeId type) {
	Compiled out;
	for (size_t i = 0; i < r4::InvariantCount(); i++) {
		const r4::InvariantDef &def = r4::InvariantAt(i);
		if (def.owner != type || def.skip[0] != '\0')
			continue;
		try {
			CompiledInvariant c {};
			c.def = &def;
			c.expression = fhirpath::Parse(def.expression);
			if (def.element[0] != '\0')
				c.element = fhirpath::Parse(def.element);
			for (const std::string &name : c.expression.constants())
				if (name == "context")
					c.usesContext = true;
			if (def.element[0] == '\0')
				AddGuards(c, type);
			out.list.push_back(std::move(c));
		} catch (const Error &e) {
			out.failures.push_back(std::string(def.key) + ": " + e.what());
		}
	}
	return out;
}

std::vector<std::unique_ptr<Compiled>> &
Cache() {
	static std::vector<std::unique_ptr<Compiled>> cache;
	return cache;
}

const Compiled &
CompiledOf(r4::TypeId type) {
	auto &cache = Cache();
	if (cache.size() <= type)
		cache.resize(size_t(type) + 1);
	if (!cache[type])
		cache[type] = std::make_unique<Compiled>(Compile(type));
	return *cache[type];
}

} // namespace

const std::vector<CompiledInvariant> &
InvariantsOf(r4::TypeId type) {
	return CompiledOf(type).list;
}

std::vector<std::string>
InvariantParseFailures() {
	std::vector<std::string> out;
	for (size_t i = 0; i < r4::InvariantCount(); i++) {
		r4::TypeId type = r4::InvariantAt(i).owner;
		if (i > 0 && r4::InvariantAt(i - 1).owner == type)
			continue;
		const Compiled &c = CompiledOf(type);
		out.insert(out.end(), c.failures.begin(), c.failures.end());
	}
	return out;
}

} // namespace hdl::fhir::detail
