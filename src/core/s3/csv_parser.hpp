// Streaming RFC 4180 CSV: fields separated by a delimiter, optionally quoted with '"' (a doubled
// quote inside is one quote), quoted fields may hold delimiters and newlines, records end with CRLF
// or LF. With has_header the first record names the columns and is not reported as data.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace hdl::s3 {

struct CsvOptions {
	char delimiter = ',';
	char quote = '"';
	bool has_header = true;
	// Every record must have as many fields as the header (or the first record without a header).
	bool require_same_field_count = true;
	size_t max_record_bytes = 64u << 20;
};

class CsvParser {
public:
	// fields are only valid during the call; line_number is the line the record starts on.
	using RecordSink = std::function<void(const std::vector<std::string> &fields, uint64_t line_number)>;

	CsvParser(CsvOptions options, RecordSink sink);

	void Feed(std::string_view chunk);
	// Ends the input: reports a last record without a newline; throws inside an open quoted field.
	void Finish();

	// The header row (empty until it has been read, or when has_header is false).
	const std::vector<std::string> &
	header() const noexcept {
		return header_;
	}
	uint64_t
	records() const noexcept {
		return records_;
	}

private:
	enum class State { FieldStart, Unquoted, Quoted, QuoteInQuoted, AfterCr };
	void EndField();
	void EndRecord();
	[[noreturn]] void Fail(const std::string &what) const;

	CsvOptions options_;
	RecordSink sink_;
	State state_ = State::FieldStart;
	std::vector<std::string> fields_;
	std::string field_;
	std::vector<std::string> header_;
	size_t expected_fields_ = 0;
	size_t record_bytes_ = 0;
	uint64_t line_ = 1;        // current physical line
	uint64_t record_line_ = 1; // line where the current record started
	uint64_t records_ = 0;
	bool at_start_ = true; // for the byte order mark
	bool record_open_ = false;
};

} // namespace hdl::s3

#include "core/cpp_only.hpp"
