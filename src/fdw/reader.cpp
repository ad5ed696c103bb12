// RecordReader: S3 objects to NDJSON lines or CSV records, one Range slice at a time.
#include <algorithm>

#include "core/error.hpp"
#include "fdw/reader.hpp"

namespace hdl::fdw {

std::vector<ObjectRef>
ListTableObjects(s3::Client &client, const TableOptions &table) {
	std::vector<ObjectRef> out;
	if (!table.key.empty() || !table.objects.empty()) {
		std::vector<std::string> keys = table.objects;
		if (!table.key.empty())
			keys.push_back(table.key);
		for (const auto &key : keys) {
			s3::ObjectInfo info = client.HeadObject(table.bucket, key);
			out.push_back({key, info.size});
		}
	} else {
		for (auto &info : client.ListAllObjects(table.bucket, table.prefix)) {
			if (info.key.empty() || info.key.back() == '/')
				continue; // folder markers
			out.push_back({info.key, info.size});
		}
		std::sort(out.begin(), out.end(), [](const ObjectRef &a, const ObjectRef &b) { return a.key < b.key; });
	}
	if (!table.resource_type.empty())
		out.erase(std::remove_if(out.begin(), out.end(),
		                         [&](const ObjectRef &o) { return TypeFromKey(o.key) != table.resource_type; }),
		          out.end());
	return out;
}

RecordReader::RecordReader(s3::Client &client, const TableOptions &table) : client_(client), table_(table) {
}

RecordReader::~RecordReader() = default;

void
RecordReader::Open(const ObjectRef &object) {
	object_ = object;
	offset_ = 0;
	finished_ = false;
	text_.clear();
	lines_.clear();
	records_.clear();
	record_lines_.clear();
	pos_ = 0;
	splitter_.reset();
	csv_.reset();
	if (table_.format == Format::Ndjson) {
		splitter_ = std::make_unique<s3::LineSplitter>([this](std::string_view line, uint64_t number) {
			if (line.find_first_not_of(" \t\r") == std::string_view::npos)
				return; // NDJSON readers skip blank lines
			lines_.push_back({text_.size(), line.size(), number});
			text_.append(line.data(), line.size());
			text_.push_back('\0');
		});
	} else {
		s3::CsvOptions options;
		options.delimiter = table_.delimiter;
		options.has_header = table_.header;
		csv_ = std::make_unique<s3::CsvParser>(options, [this](const std::vector<std::string> &fields, uint64_t line) {
			records_.push_back(fields);
			record_lines_.push_back(line);
		});
	}
	decoder_.reset();
	if (table_.compression != Compression::None)
		decoder_ = std::make_unique<s3::GzipDecoder>([this](const char *data, size_t size) { Deliver(data, size); });
}

void
RecordReader::Deliver(const char *data, size_t size) {
	if (splitter_)
		splitter_->Feed(std::string_view(data, size));
	else
		csv_->Feed(std::string_view(data, size));
}

bool
RecordReader::FetchSlice() {
	if (finished_)
		return false;
	text_.clear();
	lines_.clear();
	records_.clear();
	record_lines_.clear();
	pos_ = 0;
	bool gzip = table_.compression == Compression::Gzip ||
	            (decoder_ && decoder_->compressed()) ||
	            (table_.compression == Compression::Auto && object_.key.size() > 3 &&
	             object_.key.compare(object_.key.size() - 3, 3, ".gz") == 0);
	uint64_t slice = gzip ? GZIP_SLICE_BYTES : PLAIN_SLICE_BYTES;
	if (offset_ < object_.size) {
		s3::ByteRange range {offset_, std::min(object_.size, offset_ + slice) - 1};
		uint64_t got = 0;
		client_.GetObject(
		    table_.bucket, object_.key,
		    [&](const char *data, size_t size) {
			    got += size;
			    if (decoder_)
				    decoder_->Feed(std::string_view(data, size));
			    else
				    Deliver(data, size);
		    },
		    range);
		requests_++;
		bytes_read_ += got;
		if (got == 0)
			throw Error(ErrorKind::ExternalService,
			            "S3 object s3://" + table_.bucket + "/" + object_.key + " is shorter than listed",
			            "It was listed with " + std::to_string(object_.size) + " bytes but ended at byte " +
			                std::to_string(offset_) + ".",
			            "The object may have been replaced while it was read; run the query again.");
		offset_ += got;
		if (table_.compression == Compression::Gzip && !decoder_->compressed())
			throw Error(ErrorKind::InvalidParameter,
			            "S3 object s3://" + table_.bucket + "/" + object_.key + " is not gzip-compressed", {},
			            "Use compression 'auto' or 'none' for plain objects.");
	}
	if (offset_ >= object_.size) {
		if (decoder_)
			decoder_->Finish();
		if (splitter_)
			splitter_->Finish();
		else
			csv_->Finish();
		finished_ = true;
	}
	return true;
}

bool
RecordReader::NextLine(const char **line, size_t *length, uint64_t *line_number) {
	while (pos_ >= lines_.size()) {
		if (!FetchSlice())
			return false;
	}
	const LineRef &ref = lines_[pos_++];
	*line = text_.data() + ref.offset;
	*length = ref.length;
	*line_number = ref.number;
	return true;
}

bool
RecordReader::NextRecord(const std::vector<std::string> **fields, uint64_t *line_number) {
	while (pos_ >= records_.size()) {
		if (!FetchSlice())
			return false;
	}
	*fields = &records_[pos_];
	*line_number = record_lines_[pos_];
	pos_++;
	return true;
}

const std::vector<std::string> &
RecordReader::header() const {
	static const std::vector<std::string> none;
	return csv_ ? csv_->header() : none;
}

} // namespace hdl::fdw
