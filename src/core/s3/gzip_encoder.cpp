// hdl::s3::GzipEncoder (see gzip_encoder.hpp).
#include "core/s3/gzip_encoder.hpp"

#include "core/error.hpp"

namespace hdl::s3 {

GzipEncoder::GzipEncoder(Sink sink) : sink_(std::move(sink)) {
	// 15 + 16: the largest window, with a gzip (not zlib) header and trailer.
	if (deflateInit2(&z_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		throw Error(ErrorKind::Internal, "zlib deflate initialisation failed");
}

GzipEncoder::~GzipEncoder() {
	deflateEnd(&z_);
}

void
GzipEncoder::Write(std::string_view data) {
	if (finished_)
		throw Error(ErrorKind::Internal, "gzip stream written after its end");
	Run(data, Z_NO_FLUSH);
}

void
GzipEncoder::Finish() {
	if (finished_)
		return;
	Run({}, Z_FINISH);
	finished_ = true;
}

void
GzipEncoder::Run(std::string_view data, int flush) {
	z_.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
	z_.avail_in = static_cast<uInt>(data.size());
	char out[65536];
	int rc;
	do {
		z_.next_out = reinterpret_cast<Bytef *>(out);
		z_.avail_out = sizeof out;
		rc = deflate(&z_, flush);
		if (rc == Z_STREAM_ERROR)
			throw Error(ErrorKind::Internal, "zlib deflate failed");
		size_t n = sizeof out - z_.avail_out;
		if (n > 0)
			sink_(std::string_view(out, n));
	} while (z_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
}

std::string
Gzip(std::string_view data) {
	std::string out;
	GzipEncoder encoder([&](std::string_view chunk) { out.append(chunk.data(), chunk.size()); });
	encoder.Write(data);
	encoder.Finish();
	return out;
}

} // namespace hdl::s3
