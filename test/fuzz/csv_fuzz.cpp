// The streaming CSV reader: the first byte picks the options, the rest is fed in chunks whose
// sizes come from the input too, as S3 reads would split it.
#include "core/error.hpp"
#include "core/s3/csv_parser.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	if (size < 2)
		return 0;
	hdl::s3::CsvOptions options;
	options.delimiter = (data[0] & 1) ? ';' : ',';
	options.has_header = (data[0] & 2) != 0;
	options.require_same_field_count = (data[0] & 4) != 0;
	options.max_record_bytes = (data[0] & 8) ? 64 : 64u << 20;
	size_t chunk = 1 + data[1] % 17;
	size_t fields = 0;
	hdl::s3::CsvParser parser(options,
	                          [&](const std::vector<std::string> &f, uint64_t) { fields += f.size(); });
	try {
		for (size_t at = 2; at < size; at += chunk)
			parser.Feed(
			    std::string_view(reinterpret_cast<const char *>(data) + at, std::min(chunk, size - at)));
		parser.Finish();
	} catch (const hdl::Error &) {
	}
	return 0;
}
