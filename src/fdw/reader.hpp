// Reads the records of S3 objects for hdl_s3 scans and imports: the object is fetched in slices
// (Range GETs of a few MB), each slice goes through the gzip decoder into the NDJSON line
// splitter or the CSV parser, and the scan pulls the records of one slice before the next is
// fetched. So a scan holds about one slice (times the compression ratio) however large the object.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/s3/client.hpp"
#include "core/s3/csv_parser.hpp"
#include "core/s3/gzip_decoder.hpp"
#include "core/s3/line_splitter.hpp"
#include "fdw/options.hpp"

namespace hdl::fdw {

constexpr uint64_t PLAIN_SLICE_BYTES = 8u << 20;
constexpr uint64_t GZIP_SLICE_BYTES = 1u << 20; // NDJSON inflates about tenfold

struct ObjectRef {
	std::string key;
	uint64_t size = 0;
};

// Objects of a table: its key, its objects, or every object under its prefix (sorted by key),
// keeping only those whose file name names the table's resource_type when it has one.
std::vector<ObjectRef> ListTableObjects(s3::Client &client, const TableOptions &table);

class RecordReader {
public:
	RecordReader(s3::Client &client, const TableOptions &table);
	~RecordReader();
	RecordReader(const RecordReader &) = delete;
	RecordReader &operator=(const RecordReader &) = delete;

	void Open(const ObjectRef &object);
	// NDJSON: the next line that is not blank, NUL-terminated, valid until the next call.
	bool NextLine(const char **line, size_t *length, uint64_t *line_number);
	// CSV: the next data record, valid until the next call.
	bool NextRecord(const std::vector<std::string> **fields, uint64_t *line_number);
	const std::vector<std::string> &header() const;

	// Bytes downloaded from S3 over the reader's life.
	uint64_t
	bytes_read() const noexcept {
		return bytes_read_;
	}
	// Range GETs made over the reader's life.
	uint64_t
	requests() const noexcept {
		return requests_;
	}

private:
	bool FetchSlice();
	void Deliver(const char *data, size_t size);

	s3::Client &client_;
	const TableOptions &table_;
	ObjectRef object_;
	uint64_t offset_ = 0;
	bool finished_ = true;
	std::unique_ptr<s3::GzipDecoder> decoder_;
	std::unique_ptr<s3::LineSplitter> splitter_;
	std::unique_ptr<s3::CsvParser> csv_;
	// The lines of the current slice, each NUL-terminated in text_.
	struct LineRef {
		size_t offset;
		size_t length;
		uint64_t number;
	};
	std::string text_;
	std::vector<LineRef> lines_;
	std::vector<std::vector<std::string>> records_;
	std::vector<uint64_t> record_lines_;
	size_t pos_ = 0;
	uint64_t bytes_read_ = 0;
	uint64_t requests_ = 0;
};

} // namespace hdl::fdw
