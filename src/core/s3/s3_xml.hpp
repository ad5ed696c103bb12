// The S3 reply and request documents hdl reads and writes, on top of xml_reader.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hdl::s3 {

struct ObjectInfo {
	std::string key;
	uint64_t size = 0;
	std::string etag;          // without the surrounding quotes
	std::string last_modified; // as the server wrote it (ISO 8601 in listings, RFC 1123 in HEAD)
};

// One page of ListObjectsV2.
struct ListPage {
	std::vector<ObjectInfo> objects;
	std::vector<std::string> common_prefixes; // only with a delimiter
	bool is_truncated = false;
	std::string next_continuation_token;
};

// <Error><Code>..</Code><Message>..</Message><RequestId>..</RequestId></Error>
struct ErrorReply {
	std::string code;
	std::string message;
	std::string request_id;
};

struct CompletedPart {
	int part_number = 0;
	std::string etag; // as UploadPart returned it (quotes included)
};

// ETag header or element value without surrounding quotes.
std::string Unquote(std::string_view etag);

ListPage ParseListBucketResult(std::string_view xml);
// nullopt when the body is not an <Error> document (HEAD replies, proxies' HTML pages, ...).
std::optional<ErrorReply> ParseErrorReply(std::string_view xml);
// The UploadId of an <InitiateMultipartUploadResult>.
std::string ParseInitiateMultipartUpload(std::string_view xml);
// The ETag of a <CompleteMultipartUploadResult>; throws when S3 sent an <Error> with status 200.
std::string ParseCompleteMultipartUpload(std::string_view xml);
std::string BuildCompleteMultipartUpload(const std::vector<CompletedPart> &parts);

} // namespace hdl::s3

#include "core/cpp_only.hpp"
