// FHIR-specific and SQL-on-FHIR functions: extension(), getResourceKey(),
// getReferenceKey(), lowBoundary()/highBoundary(), precision(), hasValue(), and the clock.
#include "core/fhirpath/evaluator.hpp"
#include "core/fhirpath/ucum.hpp"

#include <ctime>

namespace hdl::fhirpath::detail {

// "Patient/123", "http://x/fhir/Patient/123/_history/2" -> type "Patient", id "123".
bool
SplitReference(std::string_view ref, std::string_view &type, std::string_view &id) {
	size_t hist = ref.find("/_history/");
	if (hist != std::string_view::npos)
		ref = ref.substr(0, hist);
	size_t slash = ref.rfind('/');
	if (slash == std::string_view::npos || slash == 0 || slash + 1 >= ref.size())
		return false;
	id = ref.substr(slash + 1);
	std::string_view head = ref.substr(0, slash);
	size_t prev = head.rfind('/');
	type = prev == std::string_view::npos ? head : head.substr(prev + 1);
	return true;
}

namespace {

void
PushBoundary(const Value &v, std::string text, Collection &out) {
	if (v.kind == ValueKind::Quantity)
		out.push_back(Value::Quantity(std::move(text), v.unit));
	else
		out.push_back(Value::Text(ValueKind::Decimal, std::move(text)));
}

// The least (or greatest) value the decimal could stand for, given as `precision` fractional
// digits (8 by default): half a unit of its last written digit either side, rounded outward at
// that precision. A value with no digit at that precision (0.0034 at 1) gives zero there, signed
// as the value. A precision outside 0..31 gives empty.
void
DecimalBoundary(const Value &v, bool high, const Ast &call, const Context &ctx, Collection &out) {
	Decimal d;
	if (!AsDecimal(v, d))
		return;
	int64_t precision = 8;
	Value p;
	if (!call.args.empty() && SingleArg(call, 0, ctx, p) && !AsInteger(p, precision))
		Fail(ctx, call.name + "() needs an integer precision");
	if (precision < 0 || precision > 31)
		return;
	int scale = static_cast<int>(precision);
	Decimal ulp; // one unit at the precision
	Decimal::Parse(scale == 0 ? std::string("1") : "0." + std::string(static_cast<size_t>(scale - 1), '0') + "1", ulp);
	Decimal magnitude = Decimal::Compare(d, Decimal()) < 0 ? d.negated() : d;
	if (scale < d.scale() && Decimal::Compare(magnitude, ulp) < 0) {
		std::string zero = Decimal().withScale(scale).toString();
		PushBoundary(v, (Decimal::Compare(d, Decimal()) < 0 ? "-" : "") + zero, out);
		return;
	}
	Decimal half;
	Decimal::Parse("0." + std::string(static_cast<size_t>(d.scale()), '0') + "5", half);
	Decimal r;
	if (!(high ? Decimal::Add(d, half, r) : Decimal::Sub(d, half, r)))
		return;
	Decimal rounded = r.withScale(scale);
	int sign = Decimal::Compare(rounded, r);
	if ((high && sign < 0) || (!high && sign > 0))
		Decimal::Add(rounded, high ? ulp : ulp.negated(), rounded);
	PushBoundary(v, rounded.toString(), out);
}

void
Boundary(const Value &input, bool high, const Ast &call, const Context &ctx, Collection &out) {
	Value v = Materialize(input);
	if (v.kind == ValueKind::Integer || v.kind == ValueKind::Decimal || v.kind == ValueKind::Quantity) {
		if (v.kind == ValueKind::Quantity) {
			Value number = Value::Text(ValueKind::Decimal, v.text);
			Collection tmp;
			DecimalBoundary(number, high, call, ctx, tmp);
			if (!tmp.empty())
				out.push_back(Value::Quantity(tmp[0].text, v.unit));
			return;
		}
		DecimalBoundary(v, high, call, ctx, out);
		return;
	}
	Temporal t, r;
	if (!AsTemporal(input, t))
		return;
	int64_t precision = 0;
	Value p;
	if (!call.args.empty() && SingleArg(call, 0, ctx, p) && !AsInteger(p, precision))
		Fail(ctx, call.name + "() needs an integer precision");
	// Precision arguments count digits (8 = day, 17 = millisecond); map them to levels.
	int level = 0;
	if (precision > 0) {
		static const int dateDigits[] = {4, 6, 8, 10, 12, 14, 17};
		static const int timeDigits[] = {0, 0, 0, 2, 4, 6, 9};
		const int *digits = t.kind == TemporalKind::Time ? timeDigits : dateDigits;
		for (int l = YEAR; l <= MILLISECOND; l++) {
			if (digits[l - 1] == precision)
				level = l;
		}
		if (level == 0)
			return;
	}
	if (!TemporalBoundary(t, level, high, r))
		return;
	ValueKind kind = t.kind == TemporalKind::Date   ? ValueKind::Date
	                 : t.kind == TemporalKind::Time ? ValueKind::Time
	                                                : ValueKind::DateTime;
	out.push_back(Value::Text(kind, ToString(r)));
}

void
Precision(const Value &input, Collection &out) {
	Value v = Materialize(input);
	Decimal d;
	if (v.kind == ValueKind::Decimal && AsDecimal(v, d)) {
		out.push_back(Value::Int(d.scale()));
		return;
	}
	Temporal t;
	if (!AsTemporal(input, t))
		return;
	static const int dateDigits[] = {4, 6, 8, 10, 12, 14, 17};
	static const int timeDigits[] = {0, 0, 0, 2, 4, 6, 9};
	const int *digits = t.kind == TemporalKind::Time ? timeDigits : dateDigits;
	out.push_back(Value::Int(digits[t.precision - 1]));
}

std::string
Now(const char *format) {
	std::time_t now = std::time(nullptr);
	std::tm tm {};
	gmtime_r(&now, &tm);
	char buf[64];
	std::strftime(buf, sizeof buf, format, &tm);
	return buf;
}

} // namespace

bool
CallFhirFunction(const Ast &call, Span focus, const Context &ctx, Collection &out) {
	switch (call.fn) {
	case FunctionId::Extension: {
		Value urlValue;
		std::string_view url;
		if (!SingleArg(call, 0, ctx, urlValue) || !AsStringView(urlValue, url))
			return true;
		std::string wanted(url);
		for (const Value &item : focus) {
			Collection exts;
			Navigate(item, "extension", exts);
			for (Value &e : exts) {
				if (e.kind == ValueKind::Node && e.node.get("url").str() == wanted)
					out.push_back(std::move(e));
			}
		}
		return true;
	}
	case FunctionId::HasValue:
		out.push_back(Value::Bool(focus.size == 1 &&
		                          (IsPrimitiveNode(focus.data[0]) || focus.data[0].kind != ValueKind::Node)));
		return true;
	case FunctionId::GetValue:
		if (focus.size == 1 && IsPrimitiveNode(focus.data[0]))
			out.push_back(focus.data[0]);
		return true;
	case FunctionId::Resolve:
		return true; // references are not resolved inside a single resource
	case FunctionId::GetResourceKey:
		for (const Value &item : focus) {
			if (item.kind != ValueKind::Node || !item.node.isObject())
				continue;
			json::Node id = item.node.get("id");
			if (id.isString() && item.node.get("resourceType").isString())
				out.push_back(Value::OfNode(id, "id"));
		}
		return true;
	case FunctionId::GetReferenceKey:
		for (const Value &item : focus) {
			if (item.kind != ValueKind::Node || !item.node.isObject())
				continue;
			json::Node ref = item.node.get("reference");
			std::string_view type, id;
			if (!ref.isString() || !SplitReference(ref.str(), type, id))
				continue;
			if (!call.name.empty() && call.name != "getReferenceKey") {
				std::string_view wanted = call.name;
				if (wanted.substr(0, 5) == "FHIR.")
					wanted.remove_prefix(5);
				if (type != wanted)
					continue;
			}
			out.push_back(Value::Text(ValueKind::String, std::string(id)));
		}
		return true;
	case FunctionId::LowBoundary:
	case FunctionId::HighBoundary: {
		const Value *v;
		if (SingleInput(focus, ctx, call.name.c_str(), v))
			Boundary(*v, call.fn == FunctionId::HighBoundary, call, ctx, out);
		return true;
	}
	case FunctionId::Precision: {
		const Value *v;
		if (SingleInput(focus, ctx, "precision", v))
			Precision(*v, out);
		return true;
	}
	case FunctionId::Comparable: {
		// Both quantities, in the same unit or in units of the same dimensions (cm and [in_i]).
		const Value *v;
		Value other;
		if (!SingleInput(focus, ctx, "comparable", v) || !SingleArg(call, 0, ctx, other))
			return true;
		Value a = Materialize(*v), b = Materialize(other);
		if (a.kind != ValueKind::Quantity || b.kind != ValueKind::Quantity)
			Fail(ctx, "comparable() needs quantities");
		UnitMeasure ua, ub;
		out.push_back(Value::Bool(a.unit == b.unit ||
		                          (QuantityUnit(a.unit, ua) && QuantityUnit(b.unit, ub) && ua.dims == ub.dims)));
		return true;
	}
	case FunctionId::Now:
		out.push_back(Value::Text(ValueKind::DateTime, Now("%Y-%m-%dT%H:%M:%S+00:00")));
		return true;
	case FunctionId::Today:
		out.push_back(Value::Text(ValueKind::Date, Now("%Y-%m-%d")));
		return true;
	case FunctionId::TimeOfDay:
		out.push_back(Value::Text(ValueKind::Time, Now("%H:%M:%S")));
		return true;
	default:
		return false;
	}
}

} // namespace hdl::fhirpath::detail
