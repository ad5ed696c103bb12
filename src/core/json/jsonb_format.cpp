// Reading and writing Postgres's JSONB binary format in pure C++ (see jsonb_format.hpp).
#include "core/json/jsonb_format.hpp"
#include "core/error.hpp"
#include "core/json/backends.hpp"
#include "core/json/nlohmann_node.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

namespace hdl::json {
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
constexpr int NumericBase = 10000;

uint32_t
Load32(const void *p) noexcept {
	uint32_t v;
	std::memcpy(&v, p, sizeof v);
	return v;
}

uint16_t
Load16(const void *p) noexcept {
	uint16_t v;
	std::memcpy(&v, p, sizeof v);
	return v;
}

uint32_t
IntAlign(uint32_t n) noexcept {
	return (n + 3u) & ~3u;
}

// Container layout helpers, as jsonb_util.c's getJsonbOffset/getJsonbLength.
struct Container {
	const char *base; // points at the header
	uint32_t header;

	explicit Container(const void *p) noexcept : base(static_cast<const char *>(p)), header(Load32(p)) {
	}
	uint32_t
	count() const noexcept {
		return header & jsonb::CountMask;
	}
	bool
	isObject() const noexcept {
		return (header & jsonb::FlagObject) != 0;
	}
	uint32_t
	entries() const noexcept {
		return isObject() ? count() * 2 : count();
	}
	uint32_t
	entry(uint32_t i) const noexcept {
		return Load32(base + 4 + 4 * i);
	}
	const char *
	data() const noexcept {
		return base + 4 + 4 * entries();
	}
	uint32_t
	offset(uint32_t index) const noexcept {
		uint32_t off = 0;
		for (int64_t i = static_cast<int64_t>(index) - 1; i >= 0; i--) {
			uint32_t e = entry(static_cast<uint32_t>(i));
			off += e & jsonb::EntryOffLenMask;
			if (e & jsonb::EntryHasOff)
				break;
		}
		return off;
	}
	// Length of an entry whose start offset is already known (saves a second walk back).
	uint32_t
	length(uint32_t index, uint32_t off) const noexcept {
		uint32_t e = entry(index);
		if (e & jsonb::EntryHasOff)
			return (e & jsonb::EntryOffLenMask) - off;
		return e & jsonb::EntryOffLenMask;
	}
	Node
	child(uint32_t index) const noexcept {
		uint32_t e = entry(index);
		uint32_t off = offset(index);
		uint32_t len = length(index, off);
		const char *p = data() + off;
		switch (e & jsonb::EntryTypeMask) {
		case jsonb::EntryString:
			return Node::Make(Node::Backend::Jsonb, Type::String, p, len);
		case jsonb::EntryNumeric: {
			uint32_t pad = IntAlign(off) - off;
			return Node::Make(Node::Backend::Jsonb, Type::Number, p + pad, len - pad);
		}
		case jsonb::EntryBoolFalse:
			return Node::Make(Node::Backend::Jsonb, Type::Bool, nullptr, 0);
		case jsonb::EntryBoolTrue:
			return Node::Make(Node::Backend::Jsonb, Type::Bool, nullptr, 1);
		case jsonb::EntryNull:
			return Node::Make(Node::Backend::Jsonb, Type::Null, nullptr, 0);
		case jsonb::EntryContainer: {
			uint32_t pad = IntAlign(off) - off;
			const char *c = p + pad;
			Type t = (Load32(c) & jsonb::FlagObject) ? Type::Object : Type::Array;
			return Node::Make(Node::Backend::Jsonb, t, c, len - pad);
		}
		default:
			return Node();
		}
	}
	std::string_view
	keyAt(uint32_t i) const noexcept {
		uint32_t off = offset(i);
		return std::string_view(data() + off, length(i, off));
	}
};

int
CompareKeys(std::string_view a, std::string_view b) noexcept {
	if (a.size() != b.size())
		return a.size() < b.size() ? -1 : 1;
	return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

} // namespace

namespace jb {

size_t
Size(const Node &n) noexcept {
	return Container(n.raw()).count();
}

Node
At(const Node &n, size_t i) noexcept {
	Container c(n.raw());
	if (i >= c.count())
		return Node();
	return c.child(static_cast<uint32_t>(i));
}

Node
Get(const Node &n, std::string_view key) noexcept {
	Container c(n.raw());
	uint32_t lo = 0, hi = c.count();
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int cmp = CompareKeys(c.keyAt(mid), key);
		if (cmp == 0)
			return c.child(mid + c.count());
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return Node();
}

std::string_view
KeyAt(const Node &n, size_t i) noexcept {
	Container c(n.raw());
	if (i >= c.count())
		return {};
	return c.keyAt(static_cast<uint32_t>(i));
}

Node
ValueAt(const Node &n, size_t i) noexcept {
	Container c(n.raw());
	if (i >= c.count())
		return Node();
	return c.child(static_cast<uint32_t>(i + c.count()));
}

std::string_view
Str(const Node &n) noexcept {
	return std::string_view(static_cast<const char *>(n.raw()), n.rawLength());
}

bool
Boolean(const Node &n) noexcept {
	return n.rawLength() != 0;
}

std::string
NumberText(const Node &n) {
	return jsonb::NumericToText(n.raw());
}

} // namespace jb

namespace jsonb {

Node
FromRoot(const void *root, uint32_t length) noexcept {
	if (root == nullptr || length < 4)
		return Node();
	Container c(root);
	if (c.header & FlagScalar)
		return c.child(0);
	Type t = c.isObject() ? Type::Object : Type::Array;
	return Node::Make(Node::Backend::Jsonb, t, root, length);
}

std::string
NumericToText(const void *numeric_varlena) {
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
	uint16_t header = Load16(data);
	uint16_t flag = header & NumericSignMask;
	if (flag == NumericSpecial)
		throw Error(ErrorKind::InvalidJson, "JSON number is NaN or infinity");
	bool negative;
	int weight, dscale;
	const unsigned char *digits;
	uint32_t ndigits;
	if (flag == NumericShort) {
		negative = (header & NumericShortSignMask) != 0;
		dscale = (header & NumericShortDscaleMask) >> NumericShortDscaleShift;
		weight = (header & NumericShortWeightSignMask) ? static_cast<int>(~NumericShortWeightMask) |
		                                                     (header & NumericShortWeightMask)
		                                               : (header & NumericShortWeightMask);
		digits = data + 2;
		ndigits = (total - 2) / 2;
	} else {
		negative = flag == NumericNeg;
		dscale = header & NumericDscaleMask;
		weight = static_cast<int16_t>(Load16(data + 2));
		digits = data + 4;
		ndigits = (total - 4) / 2;
	}
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
	(void)NumericBase;
	return out;
}

namespace {

// Builds JSONB bytes into one buffer, as jsonb_util.c's convertJsonbValue does.
class Encoder {
public:
	std::string buf;

	void
	pad() {
		while (buf.size() % 4 != 0)
			buf.push_back('\0');
	}
	uint32_t
	reserve(size_t n) {
		size_t at = buf.size();
		buf.resize(at + n);
		return static_cast<uint32_t>(at);
	}
	void
	store32(uint32_t at, uint32_t v) {
		std::memcpy(&buf[at], &v, 4);
	}

	// Appends one value; returns its JEntry type bits. Containers and numerics are padded
	// to 4 bytes first (the padding counts in the entry's length).
	template <typename V>
	uint32_t
	value(const V &v) {
		switch (v.kind()) {
		case Type::Null:
		case Type::Missing:
			return EntryNull;
		case Type::Bool:
			return v.boolean() ? EntryBoolTrue : EntryBoolFalse;
		case Type::String: {
			std::string_view s = v.string();
			buf.append(s.data(), s.size());
			return EntryString;
		}
		case Type::Number:
			pad();
			buf += TextToNumeric(v.numberText());
			return EntryNumeric;
		case Type::Array:
			pad();
			array(v);
			return EntryContainer;
		case Type::Object:
			pad();
			object(v);
			return EntryContainer;
		}
		return EntryNull;
	}

	template <typename V>
	void
	scalarRoot(const V &v) {
		uint32_t header_at = reserve(4);
		store32(header_at, 1u | FlagArray | FlagScalar);
		uint32_t entry_at = reserve(4);
		uint32_t start = static_cast<uint32_t>(buf.size());
		uint32_t type = value(v);
		store32(entry_at, type | EntryHasOff | (static_cast<uint32_t>(buf.size()) - start));
	}

	template <typename V>
	void
	array(const V &v) {
		uint32_t n = static_cast<uint32_t>(v.size());
		uint32_t header_at = reserve(4);
		store32(header_at, n | FlagArray);
		uint32_t entries_at = reserve(4 * static_cast<size_t>(n));
		uint32_t start = static_cast<uint32_t>(buf.size());
		uint32_t prev_end = 0;
		for (uint32_t i = 0; i < n; i++) {
			uint32_t type = value(v.element(i));
			uint32_t end = static_cast<uint32_t>(buf.size()) - start;
			checkSize(end);
			uint32_t meta = (i % OffsetStride == 0) ? (end | EntryHasOff) : (end - prev_end);
			store32(entries_at + 4 * i, type | meta);
			prev_end = end;
		}
	}

	template <typename V>
	void
	object(const V &v) {
		std::vector<std::pair<std::string_view, V>> members = v.members();
		std::sort(members.begin(), members.end(),
		          [](const auto &a, const auto &b) { return CompareKeys(a.first, b.first) < 0; });
		uint32_t n = static_cast<uint32_t>(members.size());
		uint32_t header_at = reserve(4);
		store32(header_at, n | FlagObject);
		uint32_t entries_at = reserve(8 * static_cast<size_t>(n));
		uint32_t start = static_cast<uint32_t>(buf.size());
		uint32_t prev_end = 0;
		auto finish = [&](uint32_t index, uint32_t type) {
			uint32_t end = static_cast<uint32_t>(buf.size()) - start;
			checkSize(end);
			uint32_t meta = (index % OffsetStride == 0) ? (end | EntryHasOff) : (end - prev_end);
			store32(entries_at + 4 * index, type | meta);
			prev_end = end;
		};
		for (uint32_t i = 0; i < n; i++) {
			buf.append(members[i].first.data(), members[i].first.size());
			finish(i, EntryString);
		}
		for (uint32_t i = 0; i < n; i++)
			finish(i + n, value(members[i].second));
	}

	static void
	checkSize(uint32_t end) {
		if (end > EntryOffLenMask)
			throw Error(ErrorKind::InvalidJson, "JSON document is too large for jsonb (over 256 MB)");
	}
};

// Adapters giving Encoder one interface over nlohmann values and Nodes.
struct NlohmannValue {
	const nlohmann::json *j;
	Type
	kind() const {
		return FromNlohmann(*j).type();
	}
	bool
	boolean() const {
		return j->get<bool>();
	}
	std::string_view
	string() const {
		return j->get_ref<const std::string &>();
	}
	std::string
	numberText() const {
		return IsExactNumber(*j) ? std::string(ExactNumberText(*j)) : j->dump();
	}
	size_t
	size() const {
		return j->size();
	}
	NlohmannValue
	element(size_t i) const {
		return {&(*j)[i]};
	}
	std::vector<std::pair<std::string_view, NlohmannValue>>
	members() const {
		std::vector<std::pair<std::string_view, NlohmannValue>> out;
		out.reserve(j->size());
		for (auto it = j->begin(); it != j->end(); ++it)
			out.emplace_back(it.key(), NlohmannValue {&it.value()});
		return out;
	}
};

struct NodeValue {
	Node n;
	Type
	kind() const {
		return n.type();
	}
	bool
	boolean() const {
		return n.boolean();
	}
	std::string_view
	string() const {
		return n.str();
	}
	std::string
	numberText() const {
		return n.numberText();
	}
	size_t
	size() const {
		return n.size();
	}
	NodeValue
	element(size_t i) const {
		return {n.at(i)};
	}
	std::vector<std::pair<std::string_view, NodeValue>>
	members() const {
		std::vector<std::pair<std::string_view, NodeValue>> out;
		out.reserve(n.size());
		n.forEachMember([&](std::string_view key, const Node &value) { out.emplace_back(key, NodeValue {value}); });
		return out;
	}
};

template <typename V>
std::string
EncodeRoot(const V &v) {
	Encoder e;
	e.reserve(4); // varlena header, filled last
	Type t = v.kind();
	if (t == Type::Array)
		e.array(v);
	else if (t == Type::Object)
		e.object(v);
	else
		e.scalarRoot(v);
	if (e.buf.size() > 0x3FFFFFFF)
		throw Error(ErrorKind::InvalidJson, "JSON document is too large for jsonb");
	e.store32(0, static_cast<uint32_t>(e.buf.size()) << 2);
	return std::move(e.buf);
}

} // namespace

std::string
Encode(const nlohmann::json &value) {
	return EncodeRoot(NlohmannValue {&value});
}

std::string
Encode(const Node &value) {
	return EncodeRoot(NodeValue {value});
}

} // namespace jsonb
} // namespace hdl::json
