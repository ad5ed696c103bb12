// Exact decimal numbers for FHIRPath arithmetic: a 128-bit mantissa with a decimal scale, so
// "1.50" + "0.25" gives "1.75" and the text of a decimal survives a round trip unchanged.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace hdl::fhirpath {

class Decimal {
public:
	Decimal() = default;
	static Decimal FromInt(int64_t v) noexcept;
	// Parses "-12.340", "5", "1e3"; returns false on anything else.
	static bool Parse(std::string_view text, Decimal &out) noexcept;

	// Text with exactly scale() fractional digits ("1.50").
	std::string toString() const;
	// Number of digits after the decimal point as written.
	int
	scale() const noexcept {
		return scale_;
	}
	bool isInteger() const noexcept;
	bool toInt64(int64_t &out) const noexcept;
	double toDouble() const noexcept;

	// Arithmetic; false on overflow or division by zero (FHIRPath then yields empty).
	static bool Add(const Decimal &a, const Decimal &b, Decimal &out) noexcept;
	static bool Sub(const Decimal &a, const Decimal &b, Decimal &out) noexcept;
	static bool Mul(const Decimal &a, const Decimal &b, Decimal &out) noexcept;
	static bool Div(const Decimal &a, const Decimal &b, Decimal &out) noexcept;
	static int Compare(const Decimal &a, const Decimal &b) noexcept;

	Decimal negated() const noexcept;
	// Drops trailing fractional zeros ("1.500" -> "1.5", "2.0" -> "2").
	Decimal trimmed() const noexcept;
	// Rounds (half away from zero) or pads to the given scale.
	Decimal withScale(int scale) const noexcept;
	Decimal truncated() const noexcept;
	Decimal floor() const noexcept;
	Decimal ceiling() const noexcept;

private:
	__int128 mantissa_ = 0;
	int scale_ = 0;
};

} // namespace hdl::fhirpath

#include "core/cpp_only.hpp"
