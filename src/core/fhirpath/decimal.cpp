// Exact decimal arithmetic over a 128-bit mantissa (see decimal.hpp).
#include "core/fhirpath/decimal.hpp"

#include <cstdlib>

namespace hdl::fhirpath {

namespace {

using i128 = __int128;
constexpr int MAX_SCALE = 30;
// Mantissas stay below 10^36 so that aligning two of them cannot overflow 128 bits.
const i128 LIMIT = [] {
	i128 v = 1;
	for (int i = 0; i < 36; i++)
		v *= 10;
	return v;
}();

i128
Pow10(int n) noexcept {
	i128 v = 1;
	for (int i = 0; i < n; i++)
		v *= 10;
	return v;
}

i128
Abs(i128 v) noexcept {
	return v < 0 ? -v : v;
}

// Scales a mantissa up by 10^n; false when it would leave the safe range.
bool
ScaleUp(i128 m, int n, i128 &out) noexcept {
	for (int i = 0; i < n; i++) {
		if (Abs(m) >= LIMIT / 10)
			return false;
		m *= 10;
	}
	out = m;
	return true;
}

} // namespace

Decimal
Decimal::FromInt(int64_t v) noexcept {
	Decimal d;
	d.mantissa_ = v;
	return d;
}

bool
Decimal::Parse(std::string_view text, Decimal &out) noexcept {
	size_t i = 0;
	bool negative = false;
	if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
		negative = text[i] == '-';
		i++;
	}
	i128 m = 0;
	int scale = 0;
	bool digits = false, point = false;
	for (; i < text.size(); i++) {
		char c = text[i];
		if (c >= '0' && c <= '9') {
			if (Abs(m) >= LIMIT / 10)
				return false;
			m = m * 10 + (c - '0');
			digits = true;
			if (point)
				scale++;
		} else if (c == '.' && !point) {
			point = true;
		} else {
			break;
		}
	}
	if (!digits)
		return false;
	if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
		char *end = nullptr;
		std::string exp(text.substr(i + 1));
		long e = std::strtol(exp.c_str(), &end, 10);
		if (exp.empty() || *end != '\0' || e > 30 || e < -30)
			return false;
		scale -= static_cast<int>(e);
		if (scale < 0) {
			if (!ScaleUp(m, -scale, m))
				return false;
			scale = 0;
		}
		i = text.size();
	}
	if (i != text.size() || scale > MAX_SCALE + 6)
		return false;
	out.mantissa_ = negative ? -m : m;
	out.scale_ = scale;
	return true;
}

std::string
Decimal::toString() const {
	i128 m = Abs(mantissa_);
	std::string digits;
	do {
		digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
		m /= 10;
	} while (m != 0);
	while (static_cast<int>(digits.size()) <= scale_)
		digits.insert(digits.begin(), '0');
	if (scale_ > 0)
		digits.insert(digits.size() - static_cast<size_t>(scale_), ".");
	if (mantissa_ < 0)
		digits.insert(digits.begin(), '-');
	return digits;
}

bool
Decimal::isInteger() const noexcept {
	return mantissa_ % Pow10(scale_) == 0;
}

bool
Decimal::toInt64(int64_t &out) const noexcept {
	i128 v = mantissa_ / Pow10(scale_);
	if (v > INT64_MAX || v < INT64_MIN)
		return false;
	out = static_cast<int64_t>(v);
	return true;
}

double
Decimal::toDouble() const noexcept {
	return std::strtod(toString().c_str(), nullptr);
}

bool
Decimal::Add(const Decimal &a, const Decimal &b, Decimal &out) noexcept {
	int scale = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
	i128 x, y;
	if (!ScaleUp(a.mantissa_, scale - a.scale_, x) || !ScaleUp(b.mantissa_, scale - b.scale_, y))
		return false;
	out.mantissa_ = x + y;
	out.scale_ = scale;
	return Abs(out.mantissa_) < LIMIT;
}

bool
Decimal::Sub(const Decimal &a, const Decimal &b, Decimal &out) noexcept {
	return Add(a, b.negated(), out);
}

bool
Decimal::Mul(const Decimal &a, const Decimal &b, Decimal &out) noexcept {
	Decimal x = a.trimmed(), y = b.trimmed();
	if (x.mantissa_ != 0 && Abs(y.mantissa_) >= LIMIT / Abs(x.mantissa_))
		return false;
	out.mantissa_ = x.mantissa_ * y.mantissa_;
	out.scale_ = x.scale_ + y.scale_;
	if (out.scale_ > MAX_SCALE)
		out = out.withScale(MAX_SCALE);
	return true;
}

bool
Decimal::Div(const Decimal &a, const Decimal &b, Decimal &out) noexcept {
	if (b.mantissa_ == 0)
		return false;
	// Work at a fixed 16 fractional digits (then trim), enough for FHIRPath's examples.
	constexpr int WORK = 16;
	Decimal x = a.trimmed(), y = b.trimmed();
	int shift = WORK + y.scale_ - x.scale_;
	i128 num = x.mantissa_;
	i128 den = y.mantissa_;
	if (shift >= 0) {
		if (!ScaleUp(num, shift, num))
			return false;
	} else {
		if (!ScaleUp(den, -shift, den))
			return false;
	}
	i128 q = num / den;
	i128 r = num % den;
	if (Abs(r) * 2 >= Abs(den))
		q += ((num < 0) != (den < 0)) ? -1 : 1;
	out.mantissa_ = q;
	out.scale_ = WORK;
	out = out.trimmed();
	return true;
}

int
Decimal::Compare(const Decimal &a, const Decimal &b) noexcept {
	Decimal d;
	if (!Sub(a, b, d)) {
		double x = a.toDouble(), y = b.toDouble();
		return x < y ? -1 : (x > y ? 1 : 0);
	}
	return d.mantissa_ < 0 ? -1 : (d.mantissa_ > 0 ? 1 : 0);
}

Decimal
Decimal::negated() const noexcept {
	Decimal d = *this;
	d.mantissa_ = -d.mantissa_;
	return d;
}

Decimal
Decimal::trimmed() const noexcept {
	Decimal d = *this;
	while (d.scale_ > 0 && d.mantissa_ % 10 == 0) {
		d.mantissa_ /= 10;
		d.scale_--;
	}
	return d;
}

Decimal
Decimal::withScale(int scale) const noexcept {
	Decimal d = *this;
	if (scale >= d.scale_) {
		i128 m;
		if (ScaleUp(d.mantissa_, scale - d.scale_, m)) {
			d.mantissa_ = m;
			d.scale_ = scale;
		}
		return d;
	}
	i128 div = Pow10(d.scale_ - scale);
	i128 q = d.mantissa_ / div, r = d.mantissa_ % div;
	if (Abs(r) * 2 >= div)
		q += d.mantissa_ < 0 ? -1 : 1;
	d.mantissa_ = q;
	d.scale_ = scale;
	return d;
}

Decimal
Decimal::truncated() const noexcept {
	Decimal d;
	d.mantissa_ = mantissa_ / Pow10(scale_);
	return d;
}

Decimal
Decimal::floor() const noexcept {
	Decimal d = truncated();
	if (mantissa_ < 0 && !isInteger())
		d.mantissa_ -= 1;
	return d;
}

Decimal
Decimal::ceiling() const noexcept {
	Decimal d = truncated();
	if (mantissa_ > 0 && !isInteger())
		d.mantissa_ += 1;
	return d;
}

} // namespace hdl::fhirpath
