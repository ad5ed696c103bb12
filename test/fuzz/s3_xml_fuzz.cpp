// The S3 XML replies: ListObjectsV2 pages, error replies, multipart replies, and the reader.
#include "core/error.hpp"
#include "core/s3/s3_xml.hpp"
#include "core/s3/xml_reader.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	std::string_view xml(reinterpret_cast<const char *>(data), size);
	try {
		(void)hdl::s3::ParseXml(xml);
	} catch (const hdl::Error &) {
	}
	try {
		(void)hdl::s3::ParseListBucketResult(xml);
	} catch (const hdl::Error &) {
	}
	try {
		(void)hdl::s3::ParseErrorReply(xml);
	} catch (const hdl::Error &) {
	}
	try {
		(void)hdl::s3::ParseInitiateMultipartUpload(xml);
		(void)hdl::s3::ParseCompleteMultipartUpload(xml);
	} catch (const hdl::Error &) {
	}
	return 0;
}
