// FHIRPath functions over collections: existence, filtering and projection, subsetting,
// combining, tree navigation, iif and not.
#include "core/fhirpath/evaluator.hpp"

#include <algorithm>
#include <unordered_set>

namespace hdl::fhirpath::detail {

// Criteria of where/all/exists: true only for a single true boolean.
bool
CriteriaHolds(const Ast &criteria, const Context &ctx) {
	Collection r;
	Eval(criteria, ctx, r);
	if (r.empty())
		return false;
	bool b = false;
	if (r.size() == 1 && AsBoolean(r[0], b))
		return b;
	if (r.size() == 1)
		return true;
	Fail(ctx, "criteria must return a single boolean");
}

namespace {

bool
Contains(Span c, const Value &v) {
	for (const Value &x : c) {
		if (ValuesEqual(x, v) == 1)
			return true;
	}
	return false;
}

} // namespace

// Texts (codes, linkIds: isDistinct() in que-2, csd-1) go through a hash set: pairwise
// comparison is quadratic, minutes for a resource with 100,000 of them.
void
AppendDistinct(Span in, Collection &out) {
	size_t start = out.size();
	bool texts = in.size > 16;
	std::string_view s;
	for (const Value &v : in)
		if (!texts || !TextForEquality(v, s)) {
			texts = false;
			break;
		}
	if (texts) {
		std::unordered_set<std::string_view> seen;
		seen.reserve(in.size);
		for (const Value &v : in) {
			TextForEquality(v, s);
			if (seen.insert(s).second)
				out.push_back(v);
		}
		return;
	}
	for (const Value &v : in) {
		if (!Contains(Span(out.data() + start, out.size() - start), v))
			out.push_back(v);
	}
}

namespace {

// allTrue/anyTrue/allFalse/anyFalse.
void
BooleanAggregate(Span focus, bool wanted, bool all, const Context &ctx, Collection &out) {
	bool result = all;
	for (const Value &v : focus) {
		bool b;
		if (!AsBoolean(v, b))
			Fail(ctx, "allTrue()/anyTrue() family needs booleans");
		if (all && b != wanted)
			result = false;
		if (!all && b == wanted)
			result = true;
	}
	out.push_back(Value::Bool(result));
}

void
Descendants(Span focus, Collection &out) {
	Collection level(focus.begin(), focus.end());
	while (!level.empty()) {
		Collection next;
		for (const Value &v : level)
			ChildrenOf(v, next, true);
		out.insert(out.end(), next.begin(), next.end());
		level.swap(next);
	}
}

// sort(key, -key, ...): a key written with a leading minus sorts descending.
void
Sort(const Ast &call, Span focus, const Context &ctx, Collection &out) {
	struct Keyed {
		const Value *item;
		std::vector<Collection> keys;
	};
	std::vector<Keyed> rows;
	for (size_t i = 0; i < focus.size; i++) {
		Keyed k {focus.data + i, {}};
		for (const auto &arg : call.args) {
			const Ast &key = arg->kind == AstKind::Negate ? *arg->args[0] : *arg;
			k.keys.push_back(
			    EvalToCollection(key, ctx.withThis(Span(focus.data + i, 1), static_cast<int64_t>(i))));
		}
		rows.push_back(std::move(k));
	}
	auto order = [&](const Keyed &a, const Keyed &b) {
		if (call.args.empty())
			return CompareForSort(*a.item, *b.item) < 0;
		for (size_t k = 0; k < call.args.size(); k++) {
			const Collection &x = a.keys[k], &y = b.keys[k];
			// An empty key sorts first in either direction.
			if (x.empty() || y.empty()) {
				if (x.empty() != y.empty())
					return x.empty();
				continue;
			}
			int c = CompareForSort(x[0], y[0]);
			if (call.args[k]->kind == AstKind::Negate)
				c = -c;
			if (c != 0)
				return c < 0;
		}
		return false;
	};
	std::stable_sort(rows.begin(), rows.end(), order);
	for (const Keyed &k : rows)
		out.push_back(*k.item);
}

int64_t
IntegerArg(const Ast &call, const Context &ctx) {
	Value v;
	int64_t n = 0;
	if (!SingleArg(call, 0, ctx, v) || !AsInteger(v, n))
		Fail(ctx, call.name + "() needs an integer argument");
	return n;
}

} // namespace

bool
CallCollectionFunction(const Ast &call, Span focus, const Context &ctx, Collection &out) {
	switch (call.fn) {
	case FunctionId::Empty:
		out.push_back(Value::Bool(focus.empty()));
		return true;
	case FunctionId::Exists:
		if (call.args.empty()) {
			out.push_back(Value::Bool(!focus.empty()));
			return true;
		}
		for (size_t i = 0; i < focus.size; i++) {
			if (CriteriaHolds(*call.args[0],
			                  ctx.withThis(Span(focus.data + i, 1), static_cast<int64_t>(i)))) {
				out.push_back(Value::Bool(true));
				return true;
			}
		}
		out.push_back(Value::Bool(false));
		return true;
	case FunctionId::All:
		for (size_t i = 0; i < focus.size; i++) {
			if (!CriteriaHolds(*call.args[0],
			                   ctx.withThis(Span(focus.data + i, 1), static_cast<int64_t>(i)))) {
				out.push_back(Value::Bool(false));
				return true;
			}
		}
		out.push_back(Value::Bool(true));
		return true;
	case FunctionId::AllTrue:
		BooleanAggregate(focus, true, true, ctx, out);
		return true;
	case FunctionId::AnyTrue:
		BooleanAggregate(focus, true, false, ctx, out);
		return true;
	case FunctionId::AllFalse:
		BooleanAggregate(focus, false, true, ctx, out);
		return true;
	case FunctionId::AnyFalse:
		BooleanAggregate(focus, false, false, ctx, out);
		return true;
	case FunctionId::SubsetOf:
	case FunctionId::SupersetOf: {
		Collection other = EvalToCollection(*call.args[0], ctx);
		Span sub = call.fn == FunctionId::SubsetOf ? focus : Span(other);
		Span super = call.fn == FunctionId::SubsetOf ? Span(other) : focus;
		bool all = true;
		for (const Value &v : sub)
			all = all && Contains(super, v);
		out.push_back(Value::Bool(all));
		return true;
	}
	case FunctionId::Count:
		out.push_back(Value::Int(static_cast<int64_t>(focus.size)));
		return true;
	case FunctionId::Distinct:
		AppendDistinct(focus, out);
		return true;
	case FunctionId::IsDistinct: {
		Collection d;
		AppendDistinct(focus, d);
		out.push_back(Value::Bool(d.size() == focus.size));
		return true;
	}
	case FunctionId::Where:
		for (size_t i = 0; i < focus.size; i++) {
			if (CriteriaHolds(*call.args[0], ctx.withThis(Span(focus.data + i, 1), static_cast<int64_t>(i))))
				out.push_back(focus.data[i]);
		}
		return true;
	case FunctionId::Select:
		for (size_t i = 0; i < focus.size; i++)
			Eval(*call.args[0], ctx.withThis(Span(focus.data + i, 1), static_cast<int64_t>(i)), out);
		return true;
	case FunctionId::Repeat: {
		Collection level(focus.begin(), focus.end());
		Collection seen;
		while (!level.empty()) {
			Collection next;
			for (size_t i = 0; i < level.size(); i++)
				Eval(*call.args[0], ctx.withThis(Span(&level[i], 1), static_cast<int64_t>(i)), next);
			Collection fresh;
			for (Value &v : next) {
				if (!Contains(Span(seen.data(), seen.size()), v)) {
					seen.push_back(v);
					fresh.push_back(std::move(v));
				}
			}
			level.swap(fresh);
		}
		out.insert(out.end(), seen.begin(), seen.end());
		return true;
	}
	case FunctionId::Aggregate: {
		Collection total;
		if (call.args.size() > 1)
			Eval(*call.args[1], ctx, total);
		for (size_t i = 0; i < focus.size; i++) {
			Context c = ctx.withThis(Span(focus.data + i, 1), static_cast<int64_t>(i));
			c.total = &total;
			Collection next;
			Eval(*call.args[0], c, next);
			total.swap(next);
		}
		out.insert(out.end(), total.begin(), total.end());
		return true;
	}
	case FunctionId::Sort:
		Sort(call, focus, ctx, out);
		return true;
	case FunctionId::OfType:
		for (const Value &v : focus) {
			if (ValueIsType(v, call.name, true, ctx))
				out.push_back(v);
		}
		return true;
	case FunctionId::Is: {
		const Value *v;
		if (SingleInput(focus, ctx, "is", v))
			out.push_back(Value::Bool(ValueIsType(*v, call.name, false, ctx)));
		return true;
	}
	case FunctionId::As:
		// N1 wants a single item; R4's dom-3 calls descendants().as(canonical), so without a type
		// model (the invariants' mode) as() filters every item.
		if (focus.size > 1 && ctx.env && ctx.env->model)
			Fail(ctx, "as() expects a single item but got " + std::to_string(focus.size));
		for (const Value &v : focus) {
			if (ValueIsType(v, call.name, true, ctx))
				out.push_back(v);
		}
		return true;
	case FunctionId::Single:
		if (focus.size > 1)
			Fail(ctx, "single() found " + std::to_string(focus.size) + " items");
		out.insert(out.end(), focus.begin(), focus.end());
		return true;
	case FunctionId::First:
		if (!focus.empty())
			out.push_back(focus.data[0]);
		return true;
	case FunctionId::Last:
		if (!focus.empty())
			out.push_back(focus.data[focus.size - 1]);
		return true;
	case FunctionId::Tail:
		if (focus.size > 1)
			out.insert(out.end(), focus.begin() + 1, focus.end());
		return true;
	case FunctionId::Skip: {
		int64_t n = IntegerArg(call, ctx);
		if (n < 0)
			n = 0;
		if (static_cast<size_t>(n) < focus.size)
			out.insert(out.end(), focus.begin() + n, focus.end());
		return true;
	}
	case FunctionId::Take: {
		int64_t n = IntegerArg(call, ctx);
		if (n > 0)
			out.insert(out.end(), focus.begin(),
			           focus.begin() + std::min<size_t>(static_cast<size_t>(n), focus.size));
		return true;
	}
	case FunctionId::Intersect:
	case FunctionId::Exclude: {
		Collection other = EvalToCollection(*call.args[0], ctx);
		bool keepIfIn = call.fn == FunctionId::Intersect;
		size_t start = out.size();
		for (const Value &v : focus) {
			if (Contains(other, v) == keepIfIn &&
			    (!keepIfIn || !Contains(Span(out.data() + start, out.size() - start), v)))
				out.push_back(v);
		}
		return true;
	}
	case FunctionId::Union: {
		Collection other = EvalToCollection(*call.args[0], ctx);
		Collection all(focus.begin(), focus.end());
		all.insert(all.end(), other.begin(), other.end());
		AppendDistinct(all, out);
		return true;
	}
	case FunctionId::Combine: {
		out.insert(out.end(), focus.begin(), focus.end());
		Eval(*call.args[0], ctx, out);
		return true;
	}
	case FunctionId::Iif: {
		if (focus.size > 1)
			Fail(ctx, "iif() expects at most one input item");
		Context c = call.focus ? ctx.withThis(focus, 0) : ctx;
		// The criterion is a boolean (or empty), not any single item as where() accepts.
		Collection criterion = EvalToCollection(*call.args[0], c);
		bool holds = false;
		if (criterion.size() > 1 || (criterion.size() == 1 && !AsBoolean(criterion[0], holds)))
			Fail(ctx, "the criterion of iif() must be a single boolean");
		if (holds)
			Eval(*call.args[1], c, out);
		else if (call.args.size() > 2)
			Eval(*call.args[2], c, out);
		return true;
	}
	case FunctionId::Children:
		for (const Value &v : focus)
			ChildrenOf(v, out);
		return true;
	case FunctionId::Descendants:
		Descendants(focus, out);
		return true;
	case FunctionId::Not: {
		if (focus.empty())
			return true;
		bool b;
		if (focus.size == 1 && AsBoolean(focus.data[0], b))
			out.push_back(Value::Bool(!b));
		else if (focus.size > 1)
			Fail(ctx, "not() expects a single boolean");
		else
			out.push_back(Value::Bool(false));
		return true;
	}
	case FunctionId::Trace:
		out.insert(out.end(), focus.begin(), focus.end());
		return true;
	default:
		return false;
	}
}

} // namespace hdl::fhirpath::detail
