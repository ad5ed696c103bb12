// Postgres's numeric on-disk format <-> decimal text, as numeric_in and numeric_out produce and
// read it (JSONB stores every JSON number as a numeric). The constants are numeric.c's; they are
// not in any header, so regress test jsonb_format compares our bytes with Postgres's.
#include "core/error.hpp"
#include "core/json/jsonb_format.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

namespace hdl::json::jsonb {

namespace {

constexpr uint16_t NumericSignMask = 0xC000;
constexpr uint16_t NumericNeg = 0x4000;
constexpr uint16_t NumericShort = 0x8000;
constexpr uint16_t NumericSpecial = 0xC000;
constexpr uint16_t NumericShortSignMask = 0x2000;
constexpr uint16_t NumericShortDscaleMask = 0x1F80;
constexpr int NumericShortDscaleShift = 7;
constexpr int NumericShortDscaleMax = NumericShortDscaleMask >> NumericShortDscaleShift;
constexpr uint16_t NumericShortWeightSignMask = 0x0040;
constexpr uint16_t NumericShortWeightMask = 0x003F;
constexpr int NumericShortWeightMax = NumericShortWeightMask;
constexpr int NumericShortWeightMin = -(NumericShortWeightMask + 1);
constexpr uint16_t NumericDscaleMask = 0x3FFF;

uint16_t
Load16(const void *p) noexcept {
	uint16_t v;
	std::memcpy(&v, p, sizeof v);
	return v;
}

uint32_t
Load32(const void *p) noexcept {
	uint32_t v;
	std::memcpy(&v, p, sizeof v);
	return v;
}

} // namespace

namespace {

// A numeric varlena's fields (numeric.c's NUMERIC_* accessors).
struct Numeric {
	bool special; // NaN or +-Infinity
	bool negative;
	int weight, dscale;
	const unsigned char *digits; // base-10000 digits, int16 each
	uint32_t ndigits;
};

Numeric
Parse(const void *numeric_varlena) noexcept {
	const auto *p = static_cast<const unsigned char *>(numeric_varlena);
	uint32_t total;
	const unsigned char *data;
	if ((p[0] & 0x01) == 0x01) { // 1-byte varlena header (little-endian layout)
		total = (p[0] >> 1) & 0x7F;
		data = p + 1;
		total -= 1;
	} else {
		total = ((Load32(p) >> 2) & 0x3FFFFFFF) - 4;
		data = p + 4;
	}
	Numeric n {};
	uint16_t header = Load16(data);
	uint16_t flag = header & NumericSignMask;
	if (flag == NumericSpecial) {
		n.special = true;
		return n;
	}
	if (flag == NumericShort) {
		n.negative = (header & NumericShortSignMask) != 0;
		n.dscale = (header & NumericShortDscaleMask) >> NumericShortDscaleShift;
		n.weight = (header & NumericShortWeightSignMask) ? static_cast<int>(~NumericShortWeightMask) |
		                                                       (header & NumericShortWeightMask)
		                                                 : (header & NumericShortWeightMask);
		n.digits = data + 2;
		n.ndigits = (total - 2) / 2;
	} else {
		n.negative = flag == NumericNeg;
		n.dscale = header & NumericDscaleMask;
		n.weight = static_cast<int16_t>(Load16(data + 2));
		n.digits = data + 4;
		n.ndigits = (total - 4) / 2;
	}
	return n;
}

} // namespace

// Exactly when NumericToText's text has no decimal point (dscale 0) and strtoll takes it whole.
bool
NumericToInt64(const void *numeric_varlena, int64_t &out) noexcept {
	Numeric n = Parse(numeric_varlena);
	if (n.special || n.dscale != 0)
		return false;
	// accumulated as a negative number: INT64_MIN has no positive counterpart
	int64_t v = 0;
	for (int d = 0; d <= n.weight; d++) {
		int64_t digit = static_cast<uint32_t>(d) < n.ndigits ? static_cast<int16_t>(Load16(n.digits + 2 * d)) : 0;
		if (v < (INT64_MIN + digit) / 10000)
			return false;
		v = v * 10000 - digit;
	}
	if (!n.negative) {
		if (v == INT64_MIN)
			return false;
		v = -v;
	}
	out = v;
	return true;
}

std::string
NumericToText(const void *numeric_varlena) {
	Numeric n = Parse(numeric_varlena);
	if (n.special)
		throw Error(ErrorKind::InvalidJson, "JSON number is NaN or infinity");
	bool negative = n.negative;
	int weight = n.weight, dscale = n.dscale;
	const unsigned char *digits = n.digits;
	uint32_t ndigits = n.ndigits;
	auto digit = [&](int i) -> int {
		if (i < 0 || static_cast<uint32_t>(i) >= ndigits)
			return 0;
		return static_cast<int16_t>(Load16(digits + 2 * i));
	};
	std::string out;
	if (negative && ndigits > 0)
		out.push_back('-');
	if (weight < 0) {
		out.push_back('0');
	} else {
		for (int d = 0; d <= weight; d++) {
			char buf[8];
			int v = digit(d);
			if (d == 0)
				std::snprintf(buf, sizeof buf, "%d", v);
			else
				std::snprintf(buf, sizeof buf, "%04d", v);
			out += buf;
		}
	}
	if (dscale > 0) {
		out.push_back('.');
		int written = 0;
		for (int d = weight + 1; written < dscale; d++) {
			char buf[8];
			std::snprintf(buf, sizeof buf, "%04d", digit(d));
			for (int k = 0; k < 4 && written < dscale; k++, written++)
				out.push_back(buf[k]);
		}
	}
	return out;
}

std::string
TextToNumeric(std::string_view text) {
	auto bad = [&]() {
		return Error(ErrorKind::InvalidJson, "invalid JSON number \"" + std::string(text) + "\"");
	};
	size_t i = 0;
	bool negative = false;
	if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
		negative = text[i] == '-';
		i++;
	}
	std::string decimals; // all significant digits, point removed
	int frac = 0;
	bool seen_point = false, any_digit = false;
	for (; i < text.size(); i++) {
		char ch = text[i];
		if (ch >= '0' && ch <= '9') {
			decimals.push_back(ch);
			any_digit = true;
			if (seen_point)
				frac++;
		} else if (ch == '.' && !seen_point) {
			seen_point = true;
		} else {
			break;
		}
	}
	if (!any_digit)
		throw bad();
	long exponent = 0;
	if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
		i++;
		bool eneg = false;
		if (i < text.size() && (text[i] == '-' || text[i] == '+'))
			eneg = text[i++] == '-';
		if (i >= text.size())
			throw bad();
		for (; i < text.size(); i++) {
			if (text[i] < '0' || text[i] > '9')
				throw bad();
			exponent = exponent * 10 + (text[i] - '0');
			if (exponent > 1000)
				throw bad();
		}
		if (eneg)
			exponent = -exponent;
	}
	if (i != text.size())
		throw bad();
	// value = decimals * 10^(exponent - frac); dscale as numeric_in computes it.
	long dscale = std::max(0L, static_cast<long>(frac) - exponent);
	if (dscale > NumericDscaleMask)
		throw bad();
	long point = static_cast<long>(decimals.size()) - frac + exponent; // digits before the point
	// Align to base-10000 groups: pad on the left so that `point` is a multiple of 4.
	long lead = ((point % 4) + 4) % 4;
	lead = lead == 0 ? 0 : 4 - lead;
	std::string padded(static_cast<size_t>(lead), '0');
	padded += decimals;
	long int_groups_digits = point + lead; // multiple of 4
	while (padded.size() % 4 != 0)
		padded.push_back('0');
	int weight = static_cast<int>(int_groups_digits / 4) - 1;
	std::vector<int16_t> groups;
	for (size_t g = 0; g < padded.size(); g += 4)
		groups.push_back(static_cast<int16_t>(std::stoi(padded.substr(g, 4))));
	size_t first = 0;
	while (first < groups.size() && groups[first] == 0) {
		first++;
		weight--;
	}
	size_t last = groups.size();
	while (last > first && groups[last - 1] == 0)
		last--;
	size_t n = last - first;
	if (n == 0) {
		weight = 0;
		negative = false;
	}
	std::string out;
	auto put16 = [&](uint16_t v) { out.append(reinterpret_cast<const char *>(&v), 2); };
	bool is_short = dscale <= NumericShortDscaleMax && weight <= NumericShortWeightMax &&
	                weight >= NumericShortWeightMin;
	uint32_t len = static_cast<uint32_t>((is_short ? 6 : 8) + 2 * n);
	uint32_t varlena_header = len << 2; // 4-byte header, little-endian layout
	out.append(reinterpret_cast<const char *>(&varlena_header), 4);
	if (is_short) {
		uint16_t h = static_cast<uint16_t>((negative ? (NumericShort | NumericShortSignMask) : NumericShort) |
		                                   (dscale << NumericShortDscaleShift) |
		                                   (weight < 0 ? NumericShortWeightSignMask : 0) |
		                                   (weight & NumericShortWeightMask));
		put16(h);
	} else {
		put16(static_cast<uint16_t>((negative ? NumericNeg : 0) | (dscale & NumericDscaleMask)));
		put16(static_cast<uint16_t>(static_cast<int16_t>(weight)));
	}
	for (size_t g = first; g < last; g++)
		put16(static_cast<uint16_t>(groups[g]));
	return out;
}


} // namespace hdl::json::jsonb
