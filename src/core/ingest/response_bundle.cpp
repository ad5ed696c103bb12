// Assembles JSONB containers from encoded children (see response_bundle.hpp). The layout is
// Postgres's (src/backend/utils/adt/jsonb_util.c, convertJsonbArray/Object): a container header,
// one JEntry per key and value (every 32nd holds an end offset, the others a length), then the
// data; containers start 4-byte aligned and the padding counts in their length. A child's
// internal alignment holds in the parent because both start on a multiple of 4.
#include <cstring>

#include "core/error.hpp"
#include "core/ingest/response_bundle.hpp"
#include "core/json/jsonb_format.hpp"
#include "core/json/jsonb_writer.hpp"

namespace hdl::ingest {

namespace {

namespace jb = hdl::json::jsonb;

constexpr size_t VarlenaHeader = 4;

class Builder : public jb::ByteWriter {
public:
	// A container whose items are appended by `items(i)` (which returns the JEntry type bits);
	// n items in all (2 x pairs for an object).
	template <typename Items>
	void
	container(uint32_t header_flags, uint32_t count, size_t n, Items items) {
		pad();
		size_t header_at = reserve(4);
		store32(header_at, count | header_flags);
		size_t entries_at = reserve(4 * n);
		size_t data_start = buf.size();
		for (size_t i = 0; i < n; i++) {
			size_t start = buf.size();
			uint32_t type = items(i);
			uint32_t meta = (i % jb::OffsetStride == 0)
			                    ? (type | jb::EntryHasOff | static_cast<uint32_t>(buf.size() - data_start))
			                    : (type | static_cast<uint32_t>(buf.size() - start));
			store32(entries_at + 4 * i, meta);
		}
	}

	uint32_t
	string(std::string_view s) {
		buf.append(s.data(), s.size());
		return jb::EntryString;
	}

	// An encoded jsonb varlena's root container, embedded as a value.
	uint32_t
	embedded(const std::string &varlena) {
		pad();
		buf.append(varlena, VarlenaHeader, std::string::npos);
		return jb::EntryContainer;
	}
};

} // namespace

std::string
AssembleResponseBundle(std::string_view type, const std::vector<std::string> &entries) {
	for (const std::string &e : entries) {
		uint32_t header = 0;
		if (e.size() < VarlenaHeader + 4)
			throw Error(ErrorKind::Internal, "hdl: malformed encoded response entry");
		std::memcpy(&header, e.data() + VarlenaHeader, 4);
		if ((header & jb::FlagObject) == 0)
			throw Error(ErrorKind::Internal, "hdl: a response entry is not an object");
	}
	Builder b;
	b.reserve(VarlenaHeader);
	// Keys in JSONB order (shorter first, then bytewise): type, entry, resourceType.
	static const std::string_view keys[3] = {"type", "entry", "resourceType"};
	b.container(jb::FlagObject, 3, 6, [&](size_t i) -> uint32_t {
		if (i < 3)
			return b.string(keys[i]);
		if (i == 3)
			return b.string(type);
		if (i == 5)
			return b.string("Bundle");
		b.container(jb::FlagArray, static_cast<uint32_t>(entries.size()), entries.size(),
		            [&](size_t k) { return b.embedded(entries[k]); });
		return jb::EntryContainer;
	});
	// The varlena header: 4-byte form, length shifted left by 2 on little-endian machines
	// (SET_VARSIZE), as Encode writes it.
	uint32_t total = static_cast<uint32_t>(b.buf.size());
	if (total > 0x3FFFFFFF)
		throw Error(ErrorKind::InvalidParameter, "the response Bundle exceeds 1 GB");
	b.store32(0, total << 2);
	return b.buf;
}

} // namespace hdl::ingest
