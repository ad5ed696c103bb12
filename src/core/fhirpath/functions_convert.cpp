// FHIRPath conversion (toX/convertsToX) and math functions.
#include "core/fhirpath/evaluator.hpp"
#include "core/fhirpath/ucum.hpp"

#include <cmath>
#include <cstdio>

namespace hdl::fhirpath::detail {

namespace {

bool
ToBooleanValue(const Value &v0, Collection &out) {
	Value v = Materialize(v0);
	switch (v.kind) {
	case ValueKind::Boolean:
		out.push_back(v);
		return true;
	case ValueKind::Integer:
		if (v.integer == 0 || v.integer == 1) {
			out.push_back(Value::Bool(v.integer == 1));
			return true;
		}
		return false;
	case ValueKind::Decimal: {
		Decimal d;
		if (Decimal::Parse(v.text, d) && d.isInteger()) {
			int64_t i = -1;
			d.toInt64(i);
			if (i == 0 || i == 1) {
				out.push_back(Value::Bool(i == 1));
				return true;
			}
		}
		return false;
	}
	case ValueKind::String: {
		std::string s;
		for (char c : v.text)
			s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
		if (s == "true" || s == "t" || s == "yes" || s == "y" || s == "1" || s == "1.0") {
			out.push_back(Value::Bool(true));
			return true;
		}
		if (s == "false" || s == "f" || s == "no" || s == "n" || s == "0" || s == "0.0") {
			out.push_back(Value::Bool(false));
			return true;
		}
		return false;
	}
	default:
		return false;
	}
}

bool
IsIntegerText(std::string_view s) {
	size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
	if (i >= s.size())
		return false;
	for (; i < s.size(); i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

bool
ToIntegerValue(const Value &v0, Collection &out) {
	Value v = Materialize(v0);
	switch (v.kind) {
	case ValueKind::Integer:
		out.push_back(v);
		return true;
	case ValueKind::Boolean:
		out.push_back(Value::Int(v.boolean ? 1 : 0));
		return true;
	case ValueKind::String:
		if (IsIntegerText(v.text)) {
			try {
				out.push_back(Value::Int(std::stoll(v.text)));
				return true;
			} catch (const std::exception &) {
				return false;
			}
		}
		return false;
	default:
		return false;
	}
}

bool
ToDecimalValue(const Value &v0, Collection &out) {
	Value v = Materialize(v0);
	Decimal d;
	switch (v.kind) {
	case ValueKind::Integer:
	case ValueKind::Decimal:
		if (!AsDecimal(v, d))
			return false;
		out.push_back(Value::Dec(d));
		return true;
	case ValueKind::Boolean:
		out.push_back(Value::Text(ValueKind::Decimal, v.boolean ? "1.0" : "0.0"));
		return true;
	case ValueKind::String:
		if (v.text.find_first_of("eE") == std::string::npos && Decimal::Parse(v.text, d)) {
			out.push_back(Value::Dec(d));
			return true;
		}
		return false;
	default:
		return false;
	}
}

bool
ToTemporalValue(const Value &v0, TemporalKind kind, Collection &out) {
	Value v = Materialize(v0);
	Temporal t;
	bool ok = false;
	if (v.kind == ValueKind::String || v.kind == ValueKind::Date || v.kind == ValueKind::DateTime ||
	    v.kind == ValueKind::Time) {
		if (kind == TemporalKind::Time)
			ok = (v.kind == ValueKind::String || v.kind == ValueKind::Time) && ParseTime(v.text, t);
		else if (v.kind != ValueKind::Time)
			ok = ParseDateTime(v.text, t);
	}
	if (!ok)
		return false;
	if (kind == TemporalKind::Date) {
		t.kind = TemporalKind::Date;
		if (t.precision > DAY)
			t.precision = DAY;
		out.push_back(Value::Text(ValueKind::Date, ToString(t)));
	} else if (kind == TemporalKind::DateTime) {
		t.kind = TemporalKind::DateTime;
		out.push_back(Value::Text(ValueKind::DateTime, ToString(t)));
	} else {
		out.push_back(Value::Text(ValueKind::Time, ToString(t)));
	}
	return true;
}

bool
ToQuantityValue(const Value &v0, Collection &out) {
	Value v = Materialize(v0);
	switch (v.kind) {
	case ValueKind::Quantity:
		out.push_back(v);
		return true;
	case ValueKind::Integer:
		out.push_back(Value::Quantity(std::to_string(v.integer), "1"));
		return true;
	case ValueKind::Decimal:
		out.push_back(Value::Quantity(v.text, "1"));
		return true;
	case ValueKind::Boolean:
		out.push_back(Value::Quantity(v.boolean ? "1.0" : "0.0", "1"));
		return true;
	case ValueKind::String: {
		const std::string &s = v.text;
		size_t sp = s.find(' ');
		std::string number = s.substr(0, sp);
		Decimal d;
		if (!Decimal::Parse(number, d) || number.find_first_of("eE") != std::string::npos)
			return false;
		std::string unit = "1";
		if (sp != std::string::npos) {
			std::string rest = s.substr(sp + 1);
			if (rest.size() >= 2 && rest.front() == '\'' && rest.back() == '\'')
				unit = rest.substr(1, rest.size() - 2);
			else if (IsCalendarKeyword(rest)) // UCUM units are quoted: '1 wk' is not a quantity
				unit = rest;
			else
				return false;
		}
		out.push_back(Value::Quantity(number, unit));
		return true;
	}
	default:
		return false;
	}
}

// Formats a double as a FHIRPath decimal.
Value
DoubleValue(double d) {
	char buf[64];
	std::snprintf(buf, sizeof buf, "%.15g", d);
	Decimal dec;
	if (Decimal::Parse(buf, dec))
		return Value::Dec(dec);
	return Value::Text(ValueKind::Decimal, buf);
}

} // namespace

bool
CallConversionFunction(const Ast &call, Span focus, const Context &ctx, Collection &out) {
	bool converts = false;
	int which = 0;
	switch (call.fn) {
	case FunctionId::ConvertsToBoolean:
		converts = true;
		[[fallthrough]];
	case FunctionId::ToBoolean:
		which = 1;
		break;
	case FunctionId::ConvertsToInteger:
		converts = true;
		[[fallthrough]];
	case FunctionId::ToInteger:
		which = 2;
		break;
	case FunctionId::ConvertsToDecimal:
		converts = true;
		[[fallthrough]];
	case FunctionId::ToDecimal:
		which = 3;
		break;
	case FunctionId::ConvertsToString:
		converts = true;
		[[fallthrough]];
	case FunctionId::ToString:
		which = 4;
		break;
	case FunctionId::ConvertsToDate:
		converts = true;
		[[fallthrough]];
	case FunctionId::ToDate:
		which = 5;
		break;
	case FunctionId::ConvertsToDateTime:
		converts = true;
		[[fallthrough]];
	case FunctionId::ToDateTime:
		which = 6;
		break;
	case FunctionId::ConvertsToTime:
		converts = true;
		[[fallthrough]];
	case FunctionId::ToTime:
		which = 7;
		break;
	case FunctionId::ConvertsToQuantity:
		converts = true;
		[[fallthrough]];
	case FunctionId::ToQuantity:
		which = 8;
		break;
	default:
		return false;
	}
	const Value *v;
	if (!SingleInput(focus, ctx, call.name.c_str(), v))
		return true;
	Collection result;
	bool ok = false;
	switch (which) {
	case 1:
		ok = ToBooleanValue(*v, result);
		break;
	case 2:
		ok = ToIntegerValue(*v, result);
		break;
	case 3:
		ok = ToDecimalValue(*v, result);
		break;
	case 4: {
		std::string s;
		ok = ToText(*v, s);
		if (ok)
			result.push_back(Value::Text(ValueKind::String, std::move(s)));
		break;
	}
	case 5:
		ok = ToTemporalValue(*v, TemporalKind::Date, result);
		break;
	case 6:
		ok = ToTemporalValue(*v, TemporalKind::DateTime, result);
		break;
	case 7:
		ok = ToTemporalValue(*v, TemporalKind::Time, result);
		break;
	default:
		ok = ToQuantityValue(*v, result);
		if (ok && !call.args.empty()) {
			Value unit;
			std::string_view u;
			ok = SingleArg(call, 0, ctx, unit) && AsStringView(unit, u);
			if (ok && u != result[0].unit) {
				// toQuantity('mg'): the same amount in another unit of the same dimensions
				UnitMeasure from, to;
				Decimal value, converted;
				ok = QuantityUnit(result[0].unit, from) && QuantityUnit(u, to) &&
				     Decimal::Parse(result[0].text, value) && ConvertValue(value, from, to, converted);
				if (ok)
					result[0] = Value::Quantity(converted.toString(), std::string(u));
			}
		}
		break;
	}
	if (converts)
		out.push_back(Value::Bool(ok));
	else if (ok)
		out.insert(out.end(), result.begin(), result.end());
	return true;
}

bool
CallMathFunction(const Ast &call, Span focus, const Context &ctx, Collection &out) {
	switch (call.fn) {
	case FunctionId::Abs:
	case FunctionId::Ceiling:
	case FunctionId::Exp:
	case FunctionId::Floor:
	case FunctionId::Ln:
	case FunctionId::Log:
	case FunctionId::Power:
	case FunctionId::Round:
	case FunctionId::Sqrt:
	case FunctionId::Truncate:
		break;
	default:
		return false;
	}
	const Value *input;
	if (!SingleInput(focus, ctx, call.name.c_str(), input))
		return true;
	Value v = Materialize(*input);
	if (call.fn == FunctionId::Abs && v.kind == ValueKind::Quantity) {
		if (!v.text.empty() && v.text[0] == '-')
			v.text.erase(0, 1);
		out.push_back(v);
		return true;
	}
	Decimal d;
	if (!AsDecimal(v, d))
		Fail(ctx, call.name + "() needs a number");
	bool isInt = v.kind == ValueKind::Integer;
	int64_t i = 0;
	switch (call.fn) {
	case FunctionId::Abs:
		if (isInt)
			out.push_back(Value::Int(v.integer < 0 ? -v.integer : v.integer));
		else
			out.push_back(Value::Dec(v.text[0] == '-' ? d.negated() : d));
		return true;
	case FunctionId::Ceiling:
		d.ceiling().toInt64(i);
		out.push_back(Value::Int(i));
		return true;
	case FunctionId::Floor:
		d.floor().toInt64(i);
		out.push_back(Value::Int(i));
		return true;
	case FunctionId::Truncate:
		d.truncated().toInt64(i);
		out.push_back(Value::Int(i));
		return true;
	case FunctionId::Round: {
		int64_t precision = 0;
		Value p;
		if (!call.args.empty() && SingleArg(call, 0, ctx, p) && !AsInteger(p, precision))
			Fail(ctx, "round() needs an integer precision");
		if (precision < 0)
			Fail(ctx, "round() precision must not be negative");
		out.push_back(Value::Dec(d.withScale(static_cast<int>(precision))));
		return true;
	}
	case FunctionId::Exp:
		out.push_back(DoubleValue(std::exp(d.toDouble())));
		return true;
	case FunctionId::Ln:
		if (d.toDouble() > 0)
			out.push_back(DoubleValue(std::log(d.toDouble())));
		return true;
	case FunctionId::Sqrt:
		if (d.toDouble() >= 0)
			out.push_back(DoubleValue(std::sqrt(d.toDouble())));
		return true;
	case FunctionId::Log:
	case FunctionId::Power: {
		Value a;
		Decimal e;
		if (!SingleArg(call, 0, ctx, a) || !AsDecimal(a, e))
			return true;
		double x = d.toDouble(), y = e.toDouble();
		if (call.fn == FunctionId::Log) {
			if (x > 0 && y > 0 && y != 1)
				out.push_back(DoubleValue(std::log(x) / std::log(y)));
			return true;
		}
		double r = std::pow(x, y);
		if (std::isnan(r))
			return true;
		int64_t ai;
		if (isInt && AsInteger(a, ai) && ai >= 0 && std::fabs(r) < 9e15)
			out.push_back(Value::Int(static_cast<int64_t>(r)));
		else
			out.push_back(DoubleValue(r));
		return true;
	}
	default:
		return false;
	}
}

} // namespace hdl::fhirpath::detail
