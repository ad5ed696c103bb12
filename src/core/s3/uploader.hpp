// Streams bytes into one S3 object. Small objects go up in one PUT; once the buffer reaches the part
// size a multipart upload starts and every full buffer becomes a part (only the last may be smaller).
// Any failure, and destruction before Finish, aborts the multipart upload so no parts are left behind.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/s3/client.hpp"

namespace hdl::s3 {

constexpr size_t MIN_PART_SIZE = 5u << 20; // S3's minimum for every part but the last
constexpr size_t DEFAULT_PART_SIZE = 8u << 20;
constexpr int MAX_PARTS = 10000; // S3's limit

class Uploader {
public:
	// Throws InvalidParameter when part_size is below MIN_PART_SIZE.
	Uploader(Client &client, std::string bucket, std::string key, size_t part_size = DEFAULT_PART_SIZE,
	         std::string content_type = "application/octet-stream");
	~Uploader(); // aborts an unfinished multipart upload; never throws
	Uploader(const Uploader &) = delete;
	Uploader &operator=(const Uploader &) = delete;

	void Write(std::string_view data);
	// Uploads what is left and completes the object; returns its ETag (unquoted).
	std::string Finish();
	// Drops everything written so far; also removes the parts already uploaded.
	void Abort() noexcept;

	int
	parts_uploaded() const noexcept {
		return static_cast<int>(parts_.size());
	}
	uint64_t
	bytes_written() const noexcept {
		return bytes_written_;
	}

private:
	void UploadBufferAsPart();

	Client &client_;
	std::string bucket_;
	std::string key_;
	size_t part_size_;
	std::string content_type_;
	std::string buffer_;
	std::string upload_id_; // "" until the multipart upload starts
	std::vector<CompletedPart> parts_;
	uint64_t bytes_written_ = 0;
	bool done_ = false;
};

} // namespace hdl::s3

#include "core/cpp_only.hpp"
