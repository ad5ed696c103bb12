// S3 client over libcurl: SigV4-signed requests with retries, streaming GET, listing with paging,
// PUT and multipart upload. One Client owns one connection and is not thread-safe; make one per
// backend (or per scan). Failures throw hdl::s3::S3Error, whose texts never contain secrets.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/s3/http.hpp"
#include "core/s3/retry.hpp"
#include "core/s3/s3_xml.hpp"
#include "core/s3/sigv4.hpp"

namespace hdl::s3 {

enum class UrlStyle {
	Path,         // https://endpoint/bucket/key (S3-compatible servers, local tests)
	VirtualHosted // https://bucket.endpoint/key (AWS's default)
};

struct Config {
	std::string endpoint = "https://s3.amazonaws.com"; // scheme://host[:port]; no scheme means https
	std::string region = "us-east-1";
	UrlStyle url_style = UrlStyle::Path;
	Credentials credentials;
	// TLS certificate checks; turn off only for a test server with a self-signed certificate.
	bool verify_tls = true;
	// Sign the body's SHA-256 (true) or send UNSIGNED-PAYLOAD (saves hashing; only over https).
	bool sign_payload = true;
	std::chrono::milliseconds connect_timeout {10000};
	std::chrono::milliseconds request_timeout {0}; // per attempt; 0: none (low_speed_time still applies)
	std::chrono::seconds low_speed_time {60};
	RetryPolicy retry;
	CancelHook cancel; // e.g. [] { return QueryCancelPending; } on the Postgres side
	// Waits between retries; the default sleeps in short slices and stops early when cancel() says so.
	std::function<void(std::chrono::milliseconds)> sleep;
};

// Inclusive byte range of a GET: bytes=first-last, or bytes=first- when last is absent.
struct ByteRange {
	uint64_t first = 0;
	std::optional<uint64_t> last;
};

struct ListRequest {
	std::string bucket;
	std::string prefix;
	std::string delimiter; // "" lists recursively
	std::string continuation_token;
	std::string start_after;
	int max_keys = 1000;
};

class Client {
public:
	explicit Client(Config config);
	~Client();
	Client(const Client &) = delete;
	Client &operator=(const Client &) = delete;

	const Config &
	config() const noexcept {
		return config_;
	}

	void CreateBucket(const std::string &bucket);
	ObjectInfo HeadObject(const std::string &bucket, const std::string &key);
	// Streams the object (or the range) into sink. A transfer that breaks midway is resumed
	// from the next byte (If-Match on the ETag), so the sink never sees a byte twice.
	void GetObject(const std::string &bucket, const std::string &key, const BodySink &sink,
	               std::optional<ByteRange> range = std::nullopt);
	std::string GetObjectAsString(const std::string &bucket, const std::string &key,
	                              std::optional<ByteRange> range = std::nullopt);
	// One page; follow page.next_continuation_token, or use ListAllObjects.
	ListPage ListObjectsV2(const ListRequest &request);
	// Every page in turn until the listing ends.
	void ListAllObjects(ListRequest request, const std::function<void(const ListPage &)> &on_page);
	std::vector<ObjectInfo> ListAllObjects(const std::string &bucket, const std::string &prefix);
	// Returns the ETag (unquoted).
	std::string PutObject(const std::string &bucket, const std::string &key, std::string_view body,
	                      const std::string &content_type = "application/octet-stream");
	void DeleteObject(const std::string &bucket, const std::string &key);

	// Multipart upload, step by step (Uploader drives these).
	std::string CreateMultipartUpload(const std::string &bucket, const std::string &key,
	                                  const std::string &content_type = "application/octet-stream");
	// Returns the part's ETag as S3 sent it, for CompleteMultipartUpload.
	std::string UploadPart(const std::string &bucket, const std::string &key, const std::string &upload_id,
	                       int part_number, std::string_view data);
	std::string CompleteMultipartUpload(const std::string &bucket, const std::string &key,
	                                    const std::string &upload_id,
	                                    const std::vector<CompletedPart> &parts);
	// Ignores the cancel hook: it is the clean-up after a cancelled or failed upload.
	void AbortMultipartUpload(const std::string &bucket, const std::string &key,
	                          const std::string &upload_id);

	// Number of HTTP attempts made so far (retries included); for tests and EXPLAIN ANALYZE.
	uint64_t
	attempts() const noexcept {
		return attempts_;
	}

	struct Request; // one S3 operation, defined in client.cpp

private:
	HttpResponse Execute(Request &request);
	[[noreturn]] void Fail(const Request &request, const std::string &what, std::string detail, long status,
	                       const std::string &code, bool cancelled = false) const;

	Config config_;
	std::string scheme_;
	std::string host_; // host[:port] as written in the endpoint
	HttpSession session_;
	Backoff backoff_;
	uint64_t attempts_ = 0;
};

} // namespace hdl::s3

#include "core/cpp_only.hpp"
