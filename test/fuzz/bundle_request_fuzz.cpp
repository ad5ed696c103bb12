// Bundle-entry requests: request urls and conditional references, If-None-Exist queries,
// If-Match etags and ids. The first line is the url, the second the etag.
#include <cstring>

#include "core/error.hpp"
#include "core/ingest/request.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	std::string_view text(reinterpret_cast<const char *>(data), size);
	size_t newline = text.find('\n');
	std::string_view url = text.substr(0, newline);
	std::string_view etag = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
	try {
		(void)hdl::ingest::ParseRequestUrl(url);
	} catch (const hdl::Error &) {
	}
	try {
		(void)hdl::ingest::ParseIfNoneExist("Patient", url);
	} catch (const hdl::Error &) {
	}
	try {
		(void)hdl::ingest::ParseIfMatch(etag);
	} catch (const hdl::Error &) {
	}
	(void)hdl::ingest::IsValidId(url);
	return 0;
}
