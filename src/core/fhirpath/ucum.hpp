// Units of FHIRPath quantities: a UCUM unit string ("mg", "cm.m", "g/m2", "[in_i]", "10*3/uL") or
// a calendar duration keyword ("week", "days"), reduced to a factor and the powers of base
// dimensions, so that quantities in different units compare (4 'g' = 4000 'mg', 7 days = 1 week).
// Only the common atoms are known (metric SI-style units with prefixes, time, inch/foot/pound,
// %, mol, [iU]); a unit outside them is not comparable with any other unit but itself.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

#include "core/fhirpath/decimal.hpp"

namespace hdl::fhirpath {

struct UnitMeasure {
	// Base dimensions: m, g, s, rad, K, C, cd, mol, [iU], and calendar months (year, month).
	static constexpr size_t kDims = 10;
	std::array<int8_t, kDims> dims {};
	// The factor to the base units, kept as a fraction so that no division rounds.
	Decimal numerator = Decimal::FromInt(1);
	Decimal denominator = Decimal::FromInt(1);
};

// A UCUM unit; false when the unit is not understood.
bool ParseUcumUnit(std::string_view unit, UnitMeasure &out);
// A calendar duration keyword (singular or plural); false for anything else.
bool IsCalendarKeyword(std::string_view unit) noexcept;
// The unit of a quantity: a calendar keyword (week = 7 days; year and month count calendar
// months, which UCUM 'a' and 'mo' are not) or a UCUM unit.
bool QuantityUnit(std::string_view unit, UnitMeasure &out);

// a's value in b's unit: value * a.factor / b.factor; false when the dimensions differ.
bool ConvertValue(const Decimal &value, const UnitMeasure &from, const UnitMeasure &to, Decimal &out);

} // namespace hdl::fhirpath

#include "core/cpp_only.hpp"
