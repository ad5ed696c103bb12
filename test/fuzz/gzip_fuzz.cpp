// The streaming gzip decoder (plain data passes through), fed in chunks.
#include "core/error.hpp"
#include "core/s3/gzip_decoder.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	if (size < 1)
		return 0;
	size_t chunk = 1 + data[0] % 64, out = 0;
	hdl::s3::GzipDecoder decoder([&](const char *, size_t n) { out += n; });
	try {
		for (size_t at = 1; at < size; at += chunk)
			decoder.Feed(
			    std::string_view(reinterpret_cast<const char *>(data) + at, std::min(chunk, size - at)));
		decoder.Finish();
	} catch (const hdl::Error &) {
	}
	return 0;
}
