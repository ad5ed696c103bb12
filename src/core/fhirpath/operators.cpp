// FHIRPath binary operators: three-valued logic, equality and equivalence, ordering,
// arithmetic on integers, exact decimals, quantities and dates, union and membership.
#include "core/fhirpath/evaluator.hpp"
#include "core/fhirpath/fhir_types.hpp"
#include "core/fhirpath/ucum.hpp"
#include "core/json/node.hpp"

#include <algorithm>
#include <cctype>

namespace hdl::fhirpath::detail {

namespace {

constexpr int INCOMPARABLE = 3;

bool
IsTemporalValue(const Value &v) {
	if (v.kind == ValueKind::Date || v.kind == ValueKind::DateTime || v.kind == ValueKind::Time)
		return true;
	return v.kind == ValueKind::Node && v.node.isString() &&
	       (IsDateTypeName(v.fhirType) || IsDateTimeTypeName(v.fhirType) || IsTimeTypeName(v.fhirType));
}

bool
IsQuantityValue(const Value &v) {
	return v.kind == ValueKind::Quantity || (v.kind == ValueKind::Node && v.node.isObject());
}

// Two quantities in comparable units: b's value in a's unit. Same unit text compares as is (also
// a unit this engine does not know). TEMPORAL_UNKNOWN: a calendar year or month against a UCUM
// time unit ('a', 'mo' are not calendar durations); INCOMPARABLE: other units.
int
QuantityOperands(const Value &a, const Value &b, Decimal &x, Decimal &y) {
	if (!Decimal::Parse(a.text, x) || !Decimal::Parse(b.text, y))
		return INCOMPARABLE;
	if (a.unit == b.unit)
		return 0;
	UnitMeasure ua, ub;
	if (!QuantityUnit(a.unit, ua) || !QuantityUnit(b.unit, ub))
		return INCOMPARABLE;
	if (ua.dims != ub.dims) {
		bool calA = ua.dims[UnitMeasure::kDims - 1] != 0, calB = ub.dims[UnitMeasure::kDims - 1] != 0;
		bool timeA = ua.dims[2] != 0, timeB = ub.dims[2] != 0;
		return (calA && timeB) || (calB && timeA) ? TEMPORAL_UNKNOWN : INCOMPARABLE;
	}
	Decimal converted;
	if (!ConvertValue(y, ub, ua, converted))
		return INCOMPARABLE;
	y = converted;
	return 0;
}

// A document string whose type the path did not tell (Period.start) and that has the form of a
// date or dateTime ("2022-11-06T01:52:06-04:00", "2022-11-06"): two such strings, one of them with a
// time, compare as DateTimes, since their text order is wrong when the offsets differ (a DST change:
// 01:52-04:00 is before 01:07-05:00) and when the precisions do ("2020-01-01T10:00:00Z" and
// "2020-01-01" cannot be ordered).
bool
LooksLikeDateTimeNode(const Value &v, Temporal &out, bool &hasTime) {
	if (v.kind != ValueKind::Node || !v.fhirType.empty() || !v.node.isString())
		return false;
	std::string_view s = v.node.str();
	if (s.size() < 10 || s[4] != '-' || s[7] != '-' || (s.size() > 10 && s[10] != 'T'))
		return false;
	hasTime = s.size() > 10;
	return ParseDateTime(s, out);
}

// -1/0/1, TEMPORAL_UNKNOWN, or INCOMPARABLE.
int
CompareValues(const Value &a0, const Value &b0) {
	{
		Temporal x, y;
		bool timeX = false, timeY = false;
		if (LooksLikeDateTimeNode(a0, x, timeX) && LooksLikeDateTimeNode(b0, y, timeY) && (timeX || timeY))
			return CompareTemporal(x, y);
	}
	if (IsTemporalValue(a0) || IsTemporalValue(b0)) {
		Temporal x, y;
		if (!AsTemporal(a0, x) || !AsTemporal(b0, y))
			return INCOMPARABLE;
		if ((x.kind == TemporalKind::Time) != (y.kind == TemporalKind::Time))
			return INCOMPARABLE;
		return CompareTemporal(x, y);
	}
	std::string_view s1, s2;
	if (AsStringView(a0, s1) && AsStringView(b0, s2)) {
		int c = s1.compare(s2);
		return c < 0 ? -1 : (c > 0 ? 1 : 0);
	}
	Decimal d1, d2;
	if (AsDecimal(a0, d1) && AsDecimal(b0, d2))
		return Decimal::Compare(d1, d2);
	if (IsQuantityValue(a0) && IsQuantityValue(b0)) {
		Value a = Materialize(a0), b = Materialize(b0);
		if (a.kind != ValueKind::Quantity || b.kind != ValueKind::Quantity)
			return INCOMPARABLE;
		int c = QuantityOperands(a, b, d1, d2);
		if (c != 0)
			return c;
		return Decimal::Compare(d1, d2);
	}
	return INCOMPARABLE;
}

// Three-valued truth of an operand: 1 true, 0 false, -1 empty.
int
Truth(const Collection &c, const Context &ctx) {
	if (c.empty())
		return -1;
	if (c.size() > 1)
		Fail(ctx, "a boolean operator expects single items");
	bool b;
	if (AsBoolean(c[0], b))
		return b ? 1 : 0;
	return 1; // a single non-boolean item counts as true
}

bool
ContainsValue(Span c, const Value &v) {
	for (const Value &x : c) {
		if (ValuesEqual(x, v) == 1)
			return true;
	}
	return false;
}

std::string
NormalizeForEquivalence(std::string_view s) {
	std::string out;
	bool space = false;
	for (char c : s) {
		if (std::isspace(static_cast<unsigned char>(c))) {
			space = true;
			continue;
		}
		if (space && !out.empty())
			out.push_back(' ');
		space = false;
		out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
	}
	return out;
}

bool
Arithmetic(BinaryOp op, const Value &a0, const Value &b0, const Context &ctx, Collection &out) {
	// Date/time +/- quantity.
	if ((op == BinaryOp::Add || op == BinaryOp::Sub) && IsTemporalValue(a0) &&
	    b0.kind == ValueKind::Quantity) {
		Temporal t, r;
		Decimal amount;
		if (!AsTemporal(a0, t) || !Decimal::Parse(b0.text, amount))
			Fail(ctx, "invalid date arithmetic");
		int64_t n = 0;
		amount.truncated().toInt64(n);
		if (op == BinaryOp::Sub)
			n = -n;
		if (!AddToTemporal(t, n, b0.unit, r))
			Fail(ctx, "cannot add '" + b0.unit + "' to a date");
		ValueKind kind = t.kind == TemporalKind::Date   ? ValueKind::Date
		                 : t.kind == TemporalKind::Time ? ValueKind::Time
		                                                : ValueKind::DateTime;
		out.push_back(Value::Text(kind, ToString(r)));
		return true;
	}
	Value a = Materialize(a0), b = Materialize(b0);
	if (op == BinaryOp::Add && a.kind == ValueKind::String && b.kind == ValueKind::String) {
		out.push_back(Value::Text(ValueKind::String, a.text + b.text));
		return true;
	}
	if (a.kind == ValueKind::Integer && b.kind == ValueKind::Integer && op != BinaryOp::Div) {
		int64_t x = a.integer, y = b.integer, r = 0;
		bool ok = true;
		switch (op) {
		case BinaryOp::Add:
			ok = !__builtin_add_overflow(x, y, &r);
			break;
		case BinaryOp::Sub:
			ok = !__builtin_sub_overflow(x, y, &r);
			break;
		case BinaryOp::Mul:
			ok = !__builtin_mul_overflow(x, y, &r);
			break;
		case BinaryOp::IntDiv:
			ok = y != 0;
			r = ok ? x / y : 0;
			break;
		case BinaryOp::Mod:
			ok = y != 0;
			r = ok ? x % y : 0;
			break;
		default:
			ok = false;
		}
		if (ok)
			out.push_back(Value::Int(r));
		return true;
	}
	bool qa = a.kind == ValueKind::Quantity, qb = b.kind == ValueKind::Quantity;
	Decimal x, y, r;
	bool okA = qa ? Decimal::Parse(a.text, x) : AsDecimal(a, x);
	bool okB = qb ? Decimal::Parse(b.text, y) : AsDecimal(b, y);
	if (!okA || !okB)
		Fail(ctx, "arithmetic needs numbers or quantities");
	bool ok = false;
	switch (op) {
	case BinaryOp::Add:
		ok = Decimal::Add(x, y, r);
		break;
	case BinaryOp::Sub:
		ok = Decimal::Sub(x, y, r);
		break;
	case BinaryOp::Mul:
		ok = Decimal::Mul(x, y, r);
		break;
	case BinaryOp::Div:
		ok = Decimal::Div(x, y, r);
		break;
	case BinaryOp::IntDiv:
		ok = Decimal::Div(x, y, r);
		r = r.truncated();
		if (ok && !qa && !qb) {
			int64_t i;
			r.toInt64(i);
			out.push_back(Value::Int(i));
			return true;
		}
		break;
	case BinaryOp::Mod: {
		Decimal q;
		ok = Decimal::Div(x, y, q);
		if (ok) {
			Decimal m;
			ok = Decimal::Mul(q.truncated(), y, m) && Decimal::Sub(x, m, r);
		}
		break;
	}
	default:
		break;
	}
	if (!ok)
		return true; // division by zero or overflow: empty
	if (qa || qb) {
		if ((op == BinaryOp::Add || op == BinaryOp::Sub) && qa && qb) {
			// In the left operand's unit.
			Decimal bx, by;
			if (QuantityOperands(a, b, bx, by) != 0)
				return true;
			if (!(op == BinaryOp::Add ? Decimal::Add(bx, by, r) : Decimal::Sub(bx, by, r)))
				return true;
		}
		std::string unit = qa ? a.unit : b.unit;
		if (qa && qb && (op == BinaryOp::Mul || op == BinaryOp::Div)) {
			unit = op == BinaryOp::Div && a.unit == b.unit
			           ? "1"
			           : a.unit + (op == BinaryOp::Mul ? "." : "/") + b.unit;
		}
		out.push_back(Value::Quantity(r.toString(), unit));
		return true;
	}
	out.push_back(Value::Dec(r));
	return true;
}

} // namespace

int
ValuesEqual(const Value &a, const Value &b) {
	std::string_view s1, s2;
	if (!IsTemporalValue(a) && !IsTemporalValue(b) && AsStringView(a, s1) && AsStringView(b, s2))
		return s1 == s2 ? 1 : 0;
	bool b1, b2;
	if (AsBoolean(a, b1) && AsBoolean(b, b2))
		return b1 == b2 ? 1 : 0;
	if (a.kind == ValueKind::Node && b.kind == ValueKind::Node && a.node.isObject() && b.node.isObject())
		return json::DeepEqual(a.node, b.node) ? 1 : 0;
	int c = CompareValues(a, b);
	if (c == TEMPORAL_UNKNOWN)
		return -1;
	if (c == INCOMPARABLE)
		return 0;
	return c == 0 ? 1 : 0;
}

bool
TextForEquality(const Value &v, std::string_view &out) {
	return !IsTemporalValue(v) && AsStringView(v, out);
}

int
CompareForSort(const Value &a, const Value &b) {
	int c = CompareValues(a, b);
	return (c == TEMPORAL_UNKNOWN || c == INCOMPARABLE) ? 0 : c;
}

int
CollectionsEqual(Span a, Span b) {
	if (a.empty() || b.empty())
		return -1;
	if (a.size != b.size)
		return 0;
	int result = 1;
	for (size_t i = 0; i < a.size; i++) {
		int e = ValuesEqual(a.data[i], b.data[i]);
		if (e == 0)
			return 0;
		if (e == -1)
			result = -1;
	}
	return result;
}

bool
ValuesEquivalent(const Value &a, const Value &b) {
	std::string_view s1, s2;
	if (!IsTemporalValue(a) && !IsTemporalValue(b) && AsStringView(a, s1) && AsStringView(b, s2))
		return NormalizeForEquivalence(s1) == NormalizeForEquivalence(s2);
	Decimal d1, d2;
	if (AsDecimal(a, d1) && AsDecimal(b, d2)) {
		int scale = std::min(d1.scale(), d2.scale());
		return Decimal::Compare(d1.withScale(scale), d2.withScale(scale)) == 0;
	}
	if (IsTemporalValue(a) || IsTemporalValue(b)) {
		Temporal x, y;
		return AsTemporal(a, x) && AsTemporal(b, y) && CompareTemporal(x, y) == 0;
	}
	if (IsQuantityValue(a) && IsQuantityValue(b)) {
		// In a's unit, at the precision of the less precise value (4 'g' ~ 4040 'mg').
		Value qa = Materialize(a), qb = Materialize(b);
		if (qa.kind == ValueKind::Quantity && qb.kind == ValueKind::Quantity) {
			Decimal x, y;
			if (QuantityOperands(qa, qb, x, y) != 0)
				return false;
			// b converted to a's unit is as precise as its digits there (4040 'mg' is 4.04 'g')
			int scale = std::min(x.scale(), qa.unit == qb.unit ? y.scale() : y.trimmed().scale());
			return Decimal::Compare(x.withScale(scale), y.withScale(scale)) == 0;
		}
	}
	return ValuesEqual(a, b) == 1;
}

void
EvalBinary(const Ast &ast, const Context &ctx, Collection &out) {
	BinaryOp op = ast.op;
	Collection left = EvalToCollection(*ast.args[0], ctx);
	switch (op) {
	case BinaryOp::And:
	case BinaryOp::Or:
	case BinaryOp::Xor:
	case BinaryOp::Implies: {
		int l = Truth(left, ctx);
		if (op == BinaryOp::And && l == 0) {
			out.push_back(Value::Bool(false));
			return;
		}
		if (op == BinaryOp::Or && l == 1) {
			out.push_back(Value::Bool(true));
			return;
		}
		if (op == BinaryOp::Implies && l == 0) {
			out.push_back(Value::Bool(true));
			return;
		}
		int r = Truth(EvalToCollection(*ast.args[1], ctx), ctx);
		int result = -1;
		if (op == BinaryOp::And)
			result = r == 0 ? 0 : (l == 1 && r == 1 ? 1 : -1);
		else if (op == BinaryOp::Or)
			result = r == 1 ? 1 : (l == 0 && r == 0 ? 0 : -1);
		else if (op == BinaryOp::Xor)
			result = (l == -1 || r == -1) ? -1 : (l != r ? 1 : 0);
		else
			result = r == 1 ? 1 : (l == 1 ? (r == 0 ? 0 : -1) : -1);
		if (result != -1)
			out.push_back(Value::Bool(result == 1));
		return;
	}
	default:
		break;
	}
	Collection right = EvalToCollection(*ast.args[1], ctx);
	switch (op) {
	case BinaryOp::Union: {
		// Duplicates are removed within this result only: `out` may already hold other items.
		for (Value &v : right)
			left.push_back(std::move(v));
		AppendDistinct(left, out);
		return;
	}
	case BinaryOp::Eq:
	case BinaryOp::Ne: {
		int e = CollectionsEqual(left, right);
		if (e != -1)
			out.push_back(Value::Bool((e == 1) == (op == BinaryOp::Eq)));
		return;
	}
	case BinaryOp::Equiv:
	case BinaryOp::NotEquiv: {
		bool eq = left.size() == right.size();
		for (size_t i = 0; eq && i < left.size(); i++) {
			bool found = false;
			for (size_t j = 0; !found && j < right.size(); j++)
				found = ValuesEquivalent(left[i], right[j]);
			eq = found;
		}
		out.push_back(Value::Bool(eq == (op == BinaryOp::Equiv)));
		return;
	}
	case BinaryOp::In:
	case BinaryOp::Contains: {
		Collection &item = op == BinaryOp::In ? left : right;
		Collection &set = op == BinaryOp::In ? right : left;
		if (item.empty())
			return;
		if (item.size() > 1)
			Fail(ctx, "membership test expects a single item");
		out.push_back(Value::Bool(ContainsValue(set, item[0])));
		return;
	}
	case BinaryOp::Concat: {
		std::string a, b;
		if (left.size() > 1 || right.size() > 1)
			Fail(ctx, "& expects single items");
		if (!left.empty())
			ToText(left[0], a);
		if (!right.empty())
			ToText(right[0], b);
		out.push_back(Value::Text(ValueKind::String, a + b));
		return;
	}
	default:
		break;
	}
	if (left.empty() || right.empty())
		return;
	if (left.size() > 1 || right.size() > 1)
		Fail(ctx, "operator expects single items");
	switch (op) {
	case BinaryOp::Lt:
	case BinaryOp::Gt:
	case BinaryOp::Le:
	case BinaryOp::Ge: {
		int c = CompareValues(left[0], right[0]);
		if (c == INCOMPARABLE)
			Fail(ctx, "cannot compare " + std::string(TypeNameOf(left[0])) + " with " +
			              std::string(TypeNameOf(right[0])));
		if (c == TEMPORAL_UNKNOWN)
			return;
		bool r = op == BinaryOp::Lt   ? c < 0
		         : op == BinaryOp::Gt ? c > 0
		         : op == BinaryOp::Le ? c <= 0
		                              : c >= 0;
		out.push_back(Value::Bool(r));
		return;
	}
	default:
		Arithmetic(op, left[0], right[0], ctx, out);
	}
}

} // namespace hdl::fhirpath::detail
