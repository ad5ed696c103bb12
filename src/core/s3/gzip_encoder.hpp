// Streaming gzip compression for objects written to S3 (mart and lake exports): zlib deflate with
// a gzip header, output handed to a sink as it is produced, so an export never holds a whole
// object in memory.
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include <zlib.h>

namespace hdl::s3 {

class GzipEncoder {
public:
	using Sink = std::function<void(std::string_view)>;

	explicit GzipEncoder(Sink sink);
	~GzipEncoder();
	GzipEncoder(const GzipEncoder &) = delete;
	GzipEncoder &operator=(const GzipEncoder &) = delete;

	void Write(std::string_view data);
	// Flushes what is left and writes the gzip trailer; nothing may be written after it.
	void Finish();

private:
	void Run(std::string_view data, int flush);
	Sink sink_;
	z_stream z_{};
	bool finished_ = false;
};

// data compressed in one go (fixtures, small objects).
std::string Gzip(std::string_view data);

} // namespace hdl::s3

#include "core/cpp_only.hpp"
