// The FHIRPath evaluator's core: dispatch over the Ast, path navigation over document nodes
// (choice types, type-name first steps), constants, indexers and type operators.
#include "core/depth.hpp"
#include "core/error.hpp"
#include "core/fhirpath/evaluator.hpp"
#include "core/fhirpath/fhir_types.hpp"

#include <cctype>

namespace hdl::fhirpath {

namespace detail {

void
Fail(const Context &ctx, const std::string &what) {
	std::string expr = ctx.exprText ? " in \"" + *ctx.exprText + "\"" : std::string();
	throw Error(ErrorKind::InvalidParameter, "FHIRPath evaluation failed" + expr + ": " + what);
}

bool
SingleInput(Span focus, const Context &ctx, const char *fn, const Value *&out) {
	if (focus.empty())
		return false;
	if (focus.size > 1)
		Fail(ctx, std::string(fn) + "() expects a single item but got " + std::to_string(focus.size));
	out = focus.data;
	return true;
}

bool
SingleArg(const Ast &call, size_t i, const Context &ctx, Value &out) {
	Collection c;
	Eval(*call.args[i], ctx, c);
	if (c.empty())
		return false;
	if (c.size() > 1)
		Fail(ctx, "argument " + std::to_string(i + 1) + " of " + call.name + "() must be a single item");
	out = std::move(c[0]);
	return true;
}

Collection
EvalToCollection(const Ast &ast, const Context &ctx) {
	Collection c;
	Eval(ast, ctx, c);
	return c;
}

namespace {

void
PushElement(json::Node child, std::string_view type, Collection &out) {
	if (child.isArray()) {
		size_t n = child.size();
		for (size_t i = 0; i < n; i++) {
			json::Node e = child.at(i);
			if (!e.isNull())
				out.push_back(Value::OfNode(e, type));
		}
	} else if (!child.isNull() && !child.missing()) {
		out.push_back(Value::OfNode(child, type));
	}
}

} // namespace

void
Navigate(const Value &item, std::string_view name, Collection &out) {
	if (item.kind != ValueKind::Node || !item.node.isObject()) {
		if (item.kind == ValueKind::Quantity && (name == "value" || name == "unit" || name == "code")) {
			if (name == "value")
				out.push_back(Value::Text(ValueKind::Decimal, item.text));
			else
				out.push_back(Value::Text(ValueKind::String, item.unit));
		}
		if (item.kind == ValueKind::TypeInfo && (name == "namespace" || name == "name"))
			out.push_back(Value::Text(ValueKind::String, name == "name" ? item.unit : item.text));
		return;
	}
	const json::Node &node = item.node;
	if (!name.empty() && std::isupper(static_cast<unsigned char>(name[0])) && node.get(name).missing()) {
		// A type name as a step (Patient.name): the item itself when it is of that type.
		json::Node rt = node.get("resourceType");
		if ((rt.isString() && rt.str() == name) || item.fhirType == name)
			out.push_back(item);
		return;
	}
	NavigateNode(node, name, [&](json::Node n, std::string_view type) { out.push_back(Value::OfNode(n, type)); });
}

void
ChildrenOf(const Value &item, Collection &out, bool primitiveParts) {
	if (item.kind != ValueKind::Node || !item.node.isObject())
		return;
	item.node.forEachMember([&](std::string_view key, const json::Node &value) {
		if (key == "resourceType")
			return;
		if (!key.empty() && key[0] == '_') {
			// "_name" holds the id and extensions of primitive name (of each item of an array)
			if (!primitiveParts)
				return;
			auto parts = [&](const json::Node &part) {
				if (part.isObject())
					part.forEachMember([&](std::string_view, const json::Node &v) { PushElement(v, {}, out); });
			};
			if (value.isArray()) {
				size_t n = value.size();
				for (size_t i = 0; i < n; i++)
					parts(value.at(i));
			} else {
				parts(value);
			}
			return;
		}
		PushElement(value, {}, out);
	});
}

void
CallFunction(const Ast &ast, Span focus, const Context &ctx, Collection &out) {
	if (CallCollectionFunction(ast, focus, ctx, out) || CallStringFunction(ast, focus, ctx, out) ||
	    CallConversionFunction(ast, focus, ctx, out) || CallMathFunction(ast, focus, ctx, out) ||
	    CallFhirFunction(ast, focus, ctx, out) || CallEncodingFunction(ast, focus, ctx, out) ||
	    CallTypeFunction(ast, focus, ctx, out))
		return;
	Fail(ctx, "function " + ast.name + "() is not supported");
}

bool
ValueIsType(const Value &v, std::string_view typeName) {
	std::string_view actual = TypeNameOf(v);
	bool isResource = v.kind == ValueKind::Node && v.node.isObject() && v.fhirType.empty() &&
	                  v.node.get("resourceType").isString();
	return !actual.empty() && TypeMatches(actual, typeName, isResource);
}

namespace {

void
EvalConstant(const Ast &ast, const Context &ctx, Collection &out) {
	const std::string &name = ast.name;
	if (ctx.env) {
		if (const Collection *c = ctx.env->find(name)) {
			out.insert(out.end(), c->begin(), c->end());
			return;
		}
	}
	if (name == "resource" || name == "rootResource" || name == "context") {
		if (ctx.resource && !ctx.resource->missing())
			out.push_back(Value::OfNode(*ctx.resource));
		return;
	}
	if (name == "rowIndex") {
		out.push_back(Value::Int(ctx.rowIndex));
		return;
	}
	if (name == "ucum") {
		out.push_back(Value::Text(ValueKind::String, "http://unitsofmeasure.org"));
		return;
	}
	if (name == "sct") {
		out.push_back(Value::Text(ValueKind::String, "http://snomed.info/sct"));
		return;
	}
	if (name == "loinc") {
		out.push_back(Value::Text(ValueKind::String, "http://loinc.org"));
		return;
	}
	if (name.compare(0, 3, "vs-") == 0) {
		out.push_back(Value::Text(ValueKind::String, "http://hl7.org/fhir/ValueSet/" + name.substr(3)));
		return;
	}
	if (name.compare(0, 4, "ext-") == 0) {
		out.push_back(
		    Value::Text(ValueKind::String, "http://hl7.org/fhir/StructureDefinition/" + name.substr(4)));
		return;
	}
	Fail(ctx, "undefined constant %" + name);
}

void
EvalNegate(const Ast &ast, const Context &ctx, Collection &out) {
	Collection in = EvalToCollection(*ast.args[0], ctx);
	if (in.empty())
		return;
	if (in.size() > 1)
		Fail(ctx, "unary minus expects a single item");
	Value v = Materialize(in[0]);
	if (v.kind == ValueKind::Integer) {
		out.push_back(Value::Int(-v.integer));
	} else if (v.kind == ValueKind::Decimal || v.kind == ValueKind::Quantity) {
		Decimal d;
		if (!Decimal::Parse(v.text, d))
			Fail(ctx, "invalid number");
		v.text = d.negated().toString();
		out.push_back(std::move(v));
	} else {
		Fail(ctx, "unary minus needs a number");
	}
}

void
EvalCall(const Ast &ast, const Context &ctx, Collection &out) {
	Collection focusStorage;
	Span focus = ctx.thisItems;
	if (ast.focus) {
		Eval(*ast.focus, ctx, focusStorage);
		focus = focusStorage;
	}
	CallFunction(ast, focus, ctx, out);
}

} // namespace

void
Eval(const Ast &ast, const Context &ctx, Collection &out) {
	depth::Guard guard("FHIRPath expression");
	switch (ast.kind) {
	case AstKind::Literal:
		if (!ast.empty)
			out.push_back(ast.literal);
		return;
	case AstKind::Member: {
		if (ctx.env && ctx.env->model) {
			Collection focusStorage;
			Span focus = ctx.thisItems;
			if (ast.focus) {
				Eval(*ast.focus, ctx, focusStorage);
				focus = focusStorage;
			}
			for (const Value &item : focus)
				NavigateTyped(item, ast.name, !ast.focus, *ctx.env->model, ctx, out);
			return;
		}
		if (!ast.focus) {
			for (const Value &item : ctx.thisItems)
				Navigate(item, ast.name, out);
			return;
		}
		Collection focus;
		Eval(*ast.focus, ctx, focus);
		for (const Value &item : focus)
			Navigate(item, ast.name, out);
		return;
	}
	case AstKind::Call:
		EvalCall(ast, ctx, out);
		return;
	case AstKind::Indexer: {
		Collection focus;
		Eval(*ast.focus, ctx, focus);
		Value index;
		if (!SingleArg(ast, 0, ctx, index))
			return;
		int64_t i;
		if (!AsInteger(index, i))
			Fail(ctx, "an indexer needs an integer");
		if (i >= 0 && static_cast<size_t>(i) < focus.size())
			out.push_back(std::move(focus[static_cast<size_t>(i)]));
		return;
	}
	case AstKind::This:
		out.insert(out.end(), ctx.thisItems.begin(), ctx.thisItems.end());
		return;
	case AstKind::IndexVar:
		out.push_back(Value::Int(ctx.index));
		return;
	case AstKind::Total:
		if (ctx.total)
			out.insert(out.end(), ctx.total->begin(), ctx.total->end());
		return;
	case AstKind::Constant:
		EvalConstant(ast, ctx, out);
		return;
	case AstKind::Negate:
		EvalNegate(ast, ctx, out);
		return;
	case AstKind::Binary:
		EvalBinary(ast, ctx, out);
		return;
	case AstKind::TypeOp: {
		Collection in = EvalToCollection(*ast.args[0], ctx);
		if (in.empty())
			return;
		if (in.size() > 1)
			Fail(ctx, std::string(ast.op == BinaryOp::Is ? "is" : "as") + " expects a single item");
		bool match = ValueIsType(in[0], ast.name, ast.op == BinaryOp::As, ctx);
		if (ast.op == BinaryOp::Is)
			out.push_back(Value::Bool(match));
		else if (match)
			out.push_back(std::move(in[0]));
		return;
	}
	}
}

} // namespace detail

const Collection *
Environment::find(std::string_view name) const {
	for (const auto &c : constants) {
		if (c.first == name)
			return &c.second;
	}
	return nullptr;
}

namespace {

detail::Context
TopContext(const Expression &expr, Span focus, const json::Node &resource, const Environment &env, int64_t rowIndex) {
	detail::Context ctx;
	ctx.thisItems = focus;
	ctx.resource = &resource;
	ctx.env = &env;
	ctx.rowIndex = rowIndex;
	ctx.exprText = &expr.text();
	return ctx;
}

} // namespace

void
EvaluateInto(const Expression &expr, Span focus, const json::Node &resource, const Environment &env,
             int64_t rowIndex, Collection &out) {
	detail::Context ctx = TopContext(expr, focus, resource, env, rowIndex);
	// The fast form knows no types: a model needs the general evaluator.
	if (expr.fast() != nullptr && env.model == nullptr && expr.fast()->Evaluate(focus, ctx, out))
		return;
	detail::Eval(expr.root(), ctx, out);
}

bool
EvaluateNodesInto(const Expression &expr, Span focus, const json::Node &resource, const Environment &env,
                  int64_t rowIndex, std::vector<NodeRef> &out) {
	if (expr.fast() == nullptr || !expr.fast()->endsAtNodes() || env.model != nullptr)
		return false;
	return expr.fast()->EvaluateNodes(focus, TopContext(expr, focus, resource, env, rowIndex), out);
}

Collection
Evaluate(const Expression &expr, Span focus, const json::Node &resource, const Environment &env) {
	Collection out;
	EvaluateInto(expr, focus, resource, env, env.rowIndex, out);
	return out;
}

Collection
Evaluate(const Expression &expr, const json::Node &focus, const Environment &env) {
	Value root = Value::OfNode(focus);
	return Evaluate(expr, Span(&root, 1), focus, env);
}

bool
IsTrue(const Collection &result, std::string_view what) {
	if (result.empty())
		return false;
	bool b;
	if (result.size() == 1 && AsBoolean(result[0], b))
		return b;
	throw Error(ErrorKind::InvalidParameter, std::string(what) + " must return a single boolean");
}

} // namespace hdl::fhirpath
