// Streaming gzip decompression for objects read from S3. The first bytes decide: data that starts
// with the gzip magic (1f 8b) is inflated, member after member (concatenated .gz files are valid
// gzip); anything else passes through unchanged. Corrupt or truncated input throws an error that
// names the compressed byte offset.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace hdl::s3 {

class GzipDecoder {
public:
	using Sink = std::function<void(const char *data, size_t size)>;

	explicit GzipDecoder(Sink sink);
	~GzipDecoder();
	GzipDecoder(const GzipDecoder &) = delete;
	GzipDecoder &operator=(const GzipDecoder &) = delete;

	void Feed(std::string_view chunk);
	// End of input: throws when it ends inside a gzip member.
	void Finish();

	// True once the input was recognised as gzip (known after the first two bytes).
	bool
	compressed() const noexcept {
		return mode_ == Mode::Gzip;
	}
	uint64_t
	bytes_in() const noexcept {
		return bytes_in_;
	}
	uint64_t
	bytes_out() const noexcept {
		return bytes_out_;
	}

private:
	enum class Mode { Undecided, Plain, Gzip };
	void Inflate(std::string_view chunk);
	void Emit(const char *data, size_t size);

	struct Stream; // z_stream, kept out of the header
	Sink sink_;
	std::unique_ptr<Stream> stream_;
	Mode mode_ = Mode::Undecided;
	char first_byte_ = 0; // held back until the second byte decides the mode
	bool have_first_ = false;
	bool in_member_ = false; // inside a member: more input is required
	uint64_t bytes_in_ = 0;
	uint64_t bytes_out_ = 0;
};

} // namespace hdl::s3

#include "core/cpp_only.hpp"
