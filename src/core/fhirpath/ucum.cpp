// A small UCUM unit parser for quantity comparison (see ucum.hpp). The grammar is UCUM's:
// components joined by '.' and '/', each an atom with an optional metric prefix and an integer
// exponent, a number (10*3), a parenthesised term, or an {annotation} (dimensionless).
#include "core/fhirpath/ucum.hpp"

#include <cstring>

namespace hdl::fhirpath {

namespace {

enum Dim : uint8_t { M, G, S, RAD, K, C, CD, MOL, IU, CALMONTH };

struct Atom {
	const char *symbol;
	const char *factor; // in base units
	std::array<int8_t, UnitMeasure::kDims> powers;
	bool metric; // accepts a prefix
};

// Powers in the order m, g, s, rad, K, C, cd, mol, [iU], calendar months.
constexpr Atom kAtoms[] = {
    {"m", "1", {1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, true},
    {"g", "1", {0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, true},
    {"s", "1", {0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, true},
    {"rad", "1", {0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, true},
    {"K", "1", {0, 0, 0, 0, 1, 0, 0, 0, 0, 0}, true},
    {"C", "1", {0, 0, 0, 0, 0, 1, 0, 0, 0, 0}, true},
    {"cd", "1", {0, 0, 0, 0, 0, 0, 1, 0, 0, 0}, true},
    {"mol", "1", {0, 0, 0, 0, 0, 0, 0, 1, 0, 0}, true},
    {"eq", "1", {0, 0, 0, 0, 0, 0, 0, 1, 0, 0}, true},
    {"[iU]", "1", {0, 0, 0, 0, 0, 0, 0, 0, 1, 0}, true},
    {"[IU]", "1", {0, 0, 0, 0, 0, 0, 0, 0, 1, 0}, true},
    {"L", "0.001", {3, 0, 0, 0, 0, 0, 0, 0, 0, 0}, true},
    {"l", "0.001", {3, 0, 0, 0, 0, 0, 0, 0, 0, 0}, true},
    {"t", "1000000", {0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, true},
    {"Hz", "1", {0, 0, -1, 0, 0, 0, 0, 0, 0, 0}, true},
    {"N", "1000", {1, 1, -2, 0, 0, 0, 0, 0, 0, 0}, true},
    {"Pa", "1000", {-1, 1, -2, 0, 0, 0, 0, 0, 0, 0}, true},
    {"bar", "100000000", {-1, 1, -2, 0, 0, 0, 0, 0, 0, 0}, true},
    {"m[Hg]", "133322000", {-1, 1, -2, 0, 0, 0, 0, 0, 0, 0}, true},
    {"J", "1000", {2, 1, -2, 0, 0, 0, 0, 0, 0, 0}, true},
    {"W", "1000", {2, 1, -3, 0, 0, 0, 0, 0, 0, 0}, true},
    {"cal", "4184", {2, 1, -2, 0, 0, 0, 0, 0, 0, 0}, true},
    {"[Cal]", "4184000", {2, 1, -2, 0, 0, 0, 0, 0, 0, 0}, false},
    {"min", "60", {0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, false},
    {"h", "3600", {0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, false},
    {"d", "86400", {0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, false},
    {"wk", "604800", {0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, false},
    {"mo", "2629800", {0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, false}, // a mean Julian month: a / 12
    {"a", "31557600", {0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, false}, // a Julian year: 365.25 d
    {"[in_i]", "0.0254", {1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, false},
    {"[ft_i]", "0.3048", {1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, false},
    {"[yd_i]", "0.9144", {1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, false},
    {"[mi_i]", "1609.344", {1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, false},
    {"[lb_av]", "453.59237", {0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, false},
    {"[oz_av]", "28.349523125", {0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, false},
    {"%", "0.01", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, false},
    {"deg", "0.0174532925199433", {0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, false},
};

struct Prefix {
	const char *symbol;
	const char *factor;
};

constexpr Prefix kPrefixes[] = {
    {"da", "10"},        {"Y", "1e24"},  {"Z", "1e21"},   {"E", "1e18"},   {"P", "1e15"},  {"T", "1e12"},
    {"G", "1e9"},        {"M", "1e6"},   {"k", "1e3"},    {"h", "1e2"},    {"d", "0.1"},   {"c", "0.01"},
    {"m", "0.001"},      {"u", "1e-6"},  {"n", "1e-9"},   {"p", "1e-12"},  {"f", "1e-15"},
};

Decimal
Dec(const char *text) {
	Decimal d;
	Decimal::Parse(text, d);
	return d;
}

const Atom *
FindAtom(std::string_view s) {
	for (const Atom &a : kAtoms) {
		if (s == a.symbol)
			return &a;
	}
	return nullptr;
}

// An atom with an optional prefix; the atom spelled in full wins ("min" is not milli-"in").
bool
ResolveAtom(std::string_view s, UnitMeasure &out) {
	Decimal prefix = Decimal::FromInt(1);
	const Atom *atom = FindAtom(s);
	if (!atom) {
		for (const Prefix &p : kPrefixes) {
			size_t n = std::strlen(p.symbol);
			if (s.size() > n && s.compare(0, n, p.symbol) == 0) {
				const Atom *a = FindAtom(s.substr(n));
				if (a && a->metric) {
					atom = a;
					prefix = Dec(p.factor);
					break;
				}
			}
		}
	}
	if (!atom)
		return false;
	out = UnitMeasure();
	out.dims = atom->powers;
	return Decimal::Mul(prefix, Dec(atom->factor), out.numerator);
}

bool
Combine(UnitMeasure &acc, const UnitMeasure &u, int exponent) {
	int n = exponent < 0 ? -exponent : exponent;
	for (int i = 0; i < n; i++) {
		Decimal &num = exponent < 0 ? acc.denominator : acc.numerator;
		Decimal &den = exponent < 0 ? acc.numerator : acc.denominator;
		if (!Decimal::Mul(num, u.numerator, num) || !Decimal::Mul(den, u.denominator, den))
			return false;
	}
	for (size_t d = 0; d < UnitMeasure::kDims; d++) {
		int v = acc.dims[d] + u.dims[d] * exponent;
		if (v < -100 || v > 100)
			return false;
		acc.dims[d] = static_cast<int8_t>(v);
	}
	return true;
}

class UcumParser {
public:
	explicit UcumParser(std::string_view s) : s_(s) {
	}

	bool
	parse(UnitMeasure &out) {
		out = UnitMeasure();
		if (s_.empty())
			return false;
		if (!term(out, 0))
			return false;
		return pos_ == s_.size();
	}

private:
	std::string_view s_;
	size_t pos_ = 0;

	bool
	term(UnitMeasure &acc, int depth) {
		if (depth > 8)
			return false;
		int sign = 1;
		if (pos_ < s_.size() && s_[pos_] == '/') {
			sign = -1;
			pos_++;
		}
		while (true) {
			UnitMeasure c;
			int exponent = 1;
			if (!component(c, exponent, depth) || !Combine(acc, c, sign * exponent))
				return false;
			if (pos_ < s_.size() && (s_[pos_] == '.' || s_[pos_] == '/')) {
				sign = s_[pos_] == '/' ? -1 : 1;
				pos_++;
				continue;
			}
			return true;
		}
	}

	bool
	integer(int &out) {
		size_t start = pos_;
		bool negative = false;
		if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) {
			negative = s_[pos_] == '-';
			pos_++;
		}
		int v = 0;
		size_t digits = pos_;
		while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9' && v < 100000)
			v = v * 10 + (s_[pos_++] - '0');
		if (pos_ == digits) {
			pos_ = start;
			return false;
		}
		out = negative ? -v : v;
		return true;
	}

	void
	annotation() {
		if (pos_ < s_.size() && s_[pos_] == '{') {
			size_t close = s_.find('}', pos_);
			pos_ = close == std::string_view::npos ? s_.size() : close + 1;
		}
	}

	bool
	component(UnitMeasure &out, int &exponent, int depth) {
		out = UnitMeasure();
		if (pos_ >= s_.size())
			return false;
		char c = s_[pos_];
		if (c == '{') { // an annotation alone is the unit 1
			annotation();
			return true;
		}
		if (c == '(') {
			pos_++;
			if (!term(out, depth + 1) || pos_ >= s_.size() || s_[pos_] != ')')
				return false;
			pos_++;
			int e;
			if (integer(e))
				exponent = e;
			return true;
		}
		if (c >= '0' && c <= '9') {
			int n;
			if (!integer(n))
				return false;
			if (pos_ < s_.size() && (s_[pos_] == '*' || s_[pos_] == '^')) { // 10*3
				pos_++;
				int e;
				if (!integer(e) || e > 30 || e < -30)
					return false;
				UnitMeasure base;
				base.numerator = Decimal::FromInt(n);
				if (!Combine(out, base, e))
					return false;
			} else {
				out.numerator = Decimal::FromInt(n);
			}
			annotation();
			return true;
		}
		// An atom: symbol characters (brackets kept whole) up to an operator or exponent.
		size_t start = pos_;
		while (pos_ < s_.size()) {
			char ch = s_[pos_];
			if (ch == '[') {
				size_t close = s_.find(']', pos_);
				if (close == std::string_view::npos)
					return false;
				pos_ = close + 1;
				continue;
			}
			if (ch == '.' || ch == '/' || ch == '(' || ch == ')' || ch == '{' || (ch >= '0' && ch <= '9') ||
			    ch == '+' || ch == '-')
				break;
			pos_++;
		}
		if (pos_ == start || !ResolveAtom(s_.substr(start, pos_ - start), out))
			return false;
		int e;
		if (integer(e))
			exponent = e;
		annotation();
		return true;
	}
};

} // namespace

bool
ParseUcumUnit(std::string_view unit, UnitMeasure &out) {
	return UcumParser(unit).parse(out);
}

bool
IsCalendarKeyword(std::string_view u) noexcept {
	static const char *const units[] = {"year",   "years",   "month",       "months",      "week",   "weeks",
	                                    "day",    "days",    "hour",        "hours",       "minute", "minutes",
	                                    "second", "seconds", "millisecond", "milliseconds"};
	for (const char *k : units) {
		if (u == k)
			return true;
	}
	return false;
}

bool
QuantityUnit(std::string_view unit, UnitMeasure &out) {
	if (IsCalendarKeyword(unit)) {
		std::string_view u = unit.back() == 's' ? unit.substr(0, unit.size() - 1) : unit;
		out = UnitMeasure();
		if (u == "year" || u == "month") {
			out.dims[CALMONTH] = 1;
			out.numerator = Decimal::FromInt(u == "year" ? 12 : 1);
			return true;
		}
		static const std::pair<const char *, const char *> ucum[] = {
		    {"week", "wk"}, {"day", "d"}, {"hour", "h"}, {"minute", "min"}, {"second", "s"}, {"millisecond", "ms"}};
		for (const auto &p : ucum) {
			if (u == p.first)
				return ParseUcumUnit(p.second, out);
		}
		return false;
	}
	return ParseUcumUnit(unit, out);
}

bool
ConvertValue(const Decimal &value, const UnitMeasure &from, const UnitMeasure &to, Decimal &out) {
	if (from.dims != to.dims)
		return false;
	// value * from.num * to.den / (from.den * to.num)
	Decimal num, den;
	if (!Decimal::Mul(value, from.numerator, num) || !Decimal::Mul(num, to.denominator, num) ||
	    !Decimal::Mul(from.denominator, to.numerator, den))
		return false;
	if (Decimal::Compare(den, Decimal::FromInt(1)) == 0) {
		out = num;
		return true;
	}
	return Decimal::Div(num, den, out);
}

} // namespace hdl::fhirpath
