// RFC 4180 CSV as a byte-at-a-time state machine, so records may span chunks.
#include "core/s3/csv_parser.hpp"

#include "core/error.hpp"

namespace hdl::s3 {

CsvParser::CsvParser(CsvOptions options, RecordSink sink) : options_(options), sink_(std::move(sink)) {
}

void
CsvParser::Fail(const std::string &what) const {
	throw Error(ErrorKind::InvalidParameter, "invalid CSV at line " + std::to_string(line_) + ": " + what);
}

void
CsvParser::EndField() {
	fields_.push_back(std::move(field_));
	field_.clear();
}

void
CsvParser::EndRecord() {
	EndField();
	if (options_.has_header && header_.empty() && records_ == 0) {
		header_ = std::move(fields_);
		expected_fields_ = header_.size();
	} else {
		if (expected_fields_ == 0) {
			expected_fields_ = fields_.size();
		} else if (options_.require_same_field_count && fields_.size() != expected_fields_) {
			throw Error(ErrorKind::InvalidParameter, "invalid CSV at line " + std::to_string(record_line_) +
			                                             ": record has " + std::to_string(fields_.size()) +
			                                             " fields, expected " +
			                                             std::to_string(expected_fields_));
		}
		records_++;
		sink_(fields_, record_line_);
	}
	fields_.clear();
	record_open_ = false;
	record_bytes_ = 0;
}

void
CsvParser::Feed(std::string_view chunk) {
	if (at_start_ && !chunk.empty()) {
		at_start_ = false;
		if (chunk.substr(0, 3) == "\xEF\xBB\xBF") {
			chunk.remove_prefix(3);
		}
	}
	const char delimiter = options_.delimiter;
	const char quote = options_.quote;
	for (char c : chunk) {
		if (state_ == State::AfterCr) {
			state_ = State::FieldStart;
			if (c == '\n') {
				continue; // the CR already ended the line
			}
		}
		if (++record_bytes_ > options_.max_record_bytes) {
			throw Error(ErrorKind::ConfigLimit, "CSV record at line " + std::to_string(record_line_) +
			                                        " is longer than " +
			                                        std::to_string(options_.max_record_bytes) + " bytes");
		}
		bool line_end = c == '\n' || c == '\r';
		switch (state_) {
		case State::FieldStart:
			if (line_end && !record_open_) {
				record_bytes_ = 0; // a blank line: skipped
				break;
			}
			record_open_ = true;
			if (c == quote) {
				state_ = State::Quoted;
			} else if (c == delimiter) {
				EndField();
			} else if (line_end) {
				EndRecord();
			} else {
				field_ += c;
				state_ = State::Unquoted;
			}
			break;
		case State::Unquoted:
			if (c == delimiter) {
				EndField();
				state_ = State::FieldStart;
			} else if (line_end) {
				EndRecord();
				state_ = State::FieldStart;
			} else if (c == quote) {
				Fail("quote inside an unquoted field");
			} else {
				field_ += c;
			}
			break;
		case State::Quoted:
			if (c == quote) {
				state_ = State::QuoteInQuoted;
			} else {
				field_ += c;
				if (c == '\n') {
					line_++;
				}
			}
			continue; // newlines inside quotes do not end the record
		case State::QuoteInQuoted:
			if (c == quote) {
				field_ += quote;
				state_ = State::Quoted;
			} else if (c == delimiter) {
				EndField();
				state_ = State::FieldStart;
			} else if (line_end) {
				EndRecord();
				state_ = State::FieldStart;
			} else {
				Fail(std::string("unexpected character '") + c + "' after a closing quote");
			}
			break;
		case State::AfterCr:
			break;
		}
		if (line_end) {
			line_++;
			record_line_ = line_;
			if (c == '\r') {
				state_ = State::AfterCr;
			}
		}
	}
}

void
CsvParser::Finish() {
	if (state_ == State::Quoted) {
		throw Error(ErrorKind::InvalidParameter, "invalid CSV at line " + std::to_string(record_line_) +
		                                             ": quoted field is not closed at the end of the input");
	}
	if (record_open_) {
		EndRecord();
	}
	state_ = State::FieldStart;
}

} // namespace hdl::s3
