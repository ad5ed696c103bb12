// Splits a byte stream into lines for NDJSON: lines may span chunks, "\r\n" and "\n" both end a
// line, a last line without a newline still counts, and a UTF-8 byte order mark at the very start
// is dropped. Lines are numbered from 1; blank lines are reported too (NDJSON readers skip them).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace hdl::s3 {

class LineSplitter {
public:
	// line excludes the terminator; it is only valid during the call.
	using LineSink = std::function<void(std::string_view line, uint64_t line_number)>;

	explicit LineSplitter(LineSink sink, size_t max_line_bytes = 256u << 20);

	void Feed(std::string_view chunk);
	// Reports a final line that has no newline.
	void Finish();

	uint64_t
	lines() const noexcept {
		return line_number_;
	}

private:
	void Emit(std::string_view line);

	LineSink sink_;
	size_t max_line_bytes_;
	std::string partial_; // start of a line whose end has not arrived yet
	uint64_t line_number_ = 0;
};

} // namespace hdl::s3

#include "core/cpp_only.hpp"
