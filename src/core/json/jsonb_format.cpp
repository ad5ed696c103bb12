// Reading and writing Postgres's JSONB binary format in pure C++ (see jsonb_format.hpp).
#include "core/json/jsonb_format.hpp"
#include "core/json/jsonb_writer.hpp"
#include "core/depth.hpp"
#include "core/error.hpp"
#include "core/json/backends.hpp"
#include "core/json/value.hpp"
#include "core/json/object_index.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

namespace hdl::json {
namespace {

uint32_t
Load32(const void *p) noexcept {
	uint32_t v;
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
		return childAt(index, offset(index));
	}
	// The entry whose start offset is known (forward walks compute it without walking back).
	Node
	childAt(uint32_t index, uint32_t off) const noexcept {
		uint32_t e = entry(index);
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
	if (c.count() <= jsonb::OffsetStride) {
		// Small objects (nearly every FHIR element): one forward pass over the keys, which are
		// ordered by length then bytes, so shorter keys are skipped on their length alone and
		// no key's offset is computed by walking back.
		uint32_t off = 0;
		for (uint32_t i = 0; i < c.count(); i++) {
			uint32_t e = c.entry(i);
			uint32_t len = (e & jsonb::EntryHasOff) ? (e & jsonb::EntryOffLenMask) - off : (e & jsonb::EntryOffLenMask);
			if (len > key.size())
				return Node();
			if (len == key.size()) {
				int cmp = std::memcmp(c.data() + off, key.data(), len);
				if (cmp == 0)
					return c.child(i + c.count());
				if (cmp > 0)
					return Node();
			}
			off += len;
		}
		return Node();
	}
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

// One forward pass: each entry's start is the previous entry's end, so every member costs O(1)
// instead of a walk back to the last stored offset (O(i)) for its key and again for its value.
// With a prefix, only the keys are walked; a matching member's value is found by its offset.
void
ForEachMember(const Node &n, Node::MemberVisitor visit, void *ctx, std::string_view prefix, bool only_prefixed) {
	Container c(n.raw());
	uint32_t count = c.count();
	const char *data = c.data();
	if (only_prefixed) {
		uint32_t off = 0;
		for (uint32_t i = 0; i < count; i++) {
			uint32_t e = c.entry(i);
			uint32_t end = (e & jsonb::EntryHasOff) ? (e & jsonb::EntryOffLenMask) : off + (e & jsonb::EntryOffLenMask);
			std::string_view key(data + off, end - off);
			off = end;
			if (key.size() < prefix.size() || std::memcmp(key.data(), prefix.data(), prefix.size()) != 0)
				continue;
			if (!visit(ctx, key, c.child(i + count)))
				return;
		}
		return;
	}
	uint32_t entries = 2 * count;
	uint32_t local[64];
	std::vector<uint32_t> heap;
	uint32_t *start = local;
	if (entries > 64) {
		heap.resize(entries);
		start = heap.data();
	}
	uint32_t off = 0;
	for (uint32_t i = 0; i < entries; i++) {
		start[i] = off;
		uint32_t e = c.entry(i);
		off = (e & jsonb::EntryHasOff) ? (e & jsonb::EntryOffLenMask) : off + (e & jsonb::EntryOffLenMask);
	}
	for (uint32_t i = 0; i < count; i++) {
		std::string_view key(data + start[i], c.length(i, start[i]));
		if (!visit(ctx, key, c.childAt(i + count, start[i + count])))
			return;
	}
}

} // namespace jb

bool
ObjectIndex::reset(const Node &object) noexcept {
	raw_ = nullptr;
	count_ = 0;
	if (object.backend() != Node::Backend::Jsonb || !object.isObject())
		return false;
	Container c(object.raw());
	uint32_t count = c.count();
	if (count > MaxMembers)
		return false;
	const char *data = c.data();
	uint32_t off = 0;
	for (uint32_t i = 0; i < 2 * count; i++) {
		uint32_t e = c.entry(i);
		uint32_t end = (e & jsonb::EntryHasOff) ? (e & jsonb::EntryOffLenMask) : off + (e & jsonb::EntryOffLenMask);
		if (i < count)
			keys_[i] = std::string_view(data + off, end - off);
		else
			value_offsets_[i - count] = off;
		off = end;
	}
	count_ = count;
	raw_ = object.raw();
	return true;
}

Node
ObjectIndex::get(std::string_view key) const noexcept {
	// keys ordered by length, then bytes
	for (size_t i = 0; i < count_; i++) {
		if (keys_[i].size() > key.size())
			break;
		if (keys_[i].size() == key.size() && keys_[i] == key)
			return valueAt(i);
	}
	return Node();
}

Node
ObjectIndex::valueAt(size_t i) const noexcept {
	Container c(raw_);
	return c.childAt(static_cast<uint32_t>(i + count_), value_offsets_[i]);
}

namespace jb {

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

bool
NumberInt64(const Node &n, int64_t &out) noexcept {
	return jsonb::NumericToInt64(n.raw(), out);
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

namespace {

// Builds JSONB bytes into one buffer, as jsonb_util.c's convertJsonbValue does.
class Encoder : public jsonb::ByteWriter {
public:

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
		depth::Guard guard("JSON value");
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
		depth::Guard guard("JSON value");
		std::vector<std::pair<std::string_view, V>> members = v.members();
		std::stable_sort(members.begin(), members.end(),
		                 [](const auto &a, const auto &b) { return CompareKeys(a.first, b.first) < 0; });
		KeepLastOfEachKey(members);
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

	// Members sorted by key, equal keys in insertion order: keeps the last of each key (an
	// edited Value can hold a key twice; Postgres keeps the last one too).
	template <typename M>
	static void
	KeepLastOfEachKey(std::vector<M> &members) {
		size_t out = 0;
		for (size_t i = 0; i < members.size(); i++) {
			if (i + 1 < members.size() && members[i + 1].first == members[i].first)
				continue;
			members[out++] = members[i];
		}
		members.resize(out);
	}

	static void
	checkSize(uint32_t end) {
		if (end > EntryOffLenMask)
			throw Error(ErrorKind::InvalidJson, "JSON document is too large for jsonb (over 256 MB)");
	}
};

// Adapters giving Encoder one interface over Nodes and Values.
struct EditedValue {
	const Value *v;
	Type
	kind() const {
		return v->type();
	}
	bool
	boolean() const {
		return v->boolean();
	}
	std::string_view
	string() const {
		return v->str();
	}
	const std::string &
	numberText() const {
		return v->numberText();
	}
	size_t
	size() const {
		return v->size();
	}
	EditedValue
	element(size_t i) const {
		return {&v->elements()[i]};
	}
	std::vector<std::pair<std::string_view, EditedValue>>
	members() const {
		std::vector<std::pair<std::string_view, EditedValue>> out;
		out.reserve(v->size());
		for (const Value::Member &m : v->members())
			out.emplace_back(m.key, EditedValue {&m.value});
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
Encode(const Value &value) {
	return EncodeRoot(EditedValue {&value});
}

std::string
Encode(const Node &value) {
	return EncodeRoot(NodeValue {value});
}

} // namespace jsonb
} // namespace hdl::json
