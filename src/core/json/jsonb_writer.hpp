// Appending JSONB bytes (Postgres's on-disk layout, see jsonb_format.hpp): 4-byte alignment, and
// slots reserved first and filled in later (container headers, JEntries). Shared by the encoder
// and by code that assembles containers from parts already encoded.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>

namespace hdl::json::jsonb {

class ByteWriter {
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
	store32(size_t at, uint32_t v) {
		std::memcpy(&buf[at], &v, 4);
	}
};

} // namespace hdl::json::jsonb

#include "core/cpp_only.hpp"
