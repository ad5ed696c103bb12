// Streaming upload: one PUT for small objects, multipart beyond one part.
#include "core/s3/uploader.hpp"

#include "core/error.hpp"

namespace hdl::s3 {

Uploader::Uploader(Client &client, std::string bucket, std::string key, size_t part_size,
                   std::string content_type)
    : client_(client), bucket_(std::move(bucket)), key_(std::move(key)), part_size_(part_size),
      content_type_(std::move(content_type)) {
	if (part_size_ < MIN_PART_SIZE) {
		throw Error(ErrorKind::InvalidParameter, "S3 upload part size " + std::to_string(part_size_) +
		                                             " is below the minimum of " +
		                                             std::to_string(MIN_PART_SIZE) + " bytes");
	}
}

Uploader::~Uploader() {
	if (!done_) {
		Abort();
	}
}

void
Uploader::UploadBufferAsPart() {
	if (static_cast<int>(parts_.size()) >= MAX_PARTS) {
		throw Error(ErrorKind::ConfigLimit,
		            "S3 upload to s3://" + bucket_ + "/" + key_ + " needs more than " +
		                std::to_string(MAX_PARTS) + " parts",
		            {}, "Increase the upload part size.");
	}
	if (upload_id_.empty()) {
		upload_id_ = client_.CreateMultipartUpload(bucket_, key_, content_type_);
	}
	int number = static_cast<int>(parts_.size()) + 1;
	std::string etag = client_.UploadPart(bucket_, key_, upload_id_, number, buffer_);
	parts_.push_back({number, std::move(etag)});
	buffer_.clear();
}

void
Uploader::Write(std::string_view data) {
	if (done_) {
		throw Error(ErrorKind::Internal, "write to a finished S3 upload");
	}
	try {
		while (!data.empty()) {
			size_t take = std::min(data.size(), part_size_ - buffer_.size());
			buffer_.append(data.data(), take);
			data.remove_prefix(take);
			bytes_written_ += take;
			if (buffer_.size() == part_size_) {
				UploadBufferAsPart();
			}
		}
	} catch (...) {
		Abort();
		throw;
	}
}

std::string
Uploader::Finish() {
	if (done_) {
		throw Error(ErrorKind::Internal, "S3 upload finished twice");
	}
	try {
		std::string etag;
		if (upload_id_.empty()) {
			etag = client_.PutObject(bucket_, key_, buffer_, content_type_);
		} else {
			if (!buffer_.empty()) {
				UploadBufferAsPart();
			}
			etag = client_.CompleteMultipartUpload(bucket_, key_, upload_id_, parts_);
		}
		done_ = true;
		buffer_.clear();
		return etag;
	} catch (...) {
		Abort();
		throw;
	}
}

void
Uploader::Abort() noexcept {
	done_ = true;
	buffer_.clear();
	if (upload_id_.empty()) {
		return;
	}
	std::string upload_id = std::move(upload_id_);
	upload_id_.clear();
	try {
		client_.AbortMultipartUpload(bucket_, key_, upload_id);
	} catch (...) {
		// Best effort: the original error matters more; a bucket lifecycle rule can reap the rest.
	}
}

} // namespace hdl::s3
