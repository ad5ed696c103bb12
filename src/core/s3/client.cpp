// S3 operations: URL building, signing each attempt, retries with backoff, error translation.
#include "core/s3/client.hpp"

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <thread>

#include "core/s3/s3_error.hpp"
#include "core/s3/xml_reader.hpp"

namespace hdl::s3 {

struct Client::Request {
	Request(std::string op_, std::string method_, std::string bucket_, std::string key_, Params query_ = {},
	        Params headers_ = {}, std::string_view body_ = {})
	    : op(std::move(op_)), method(std::move(method_)), bucket(std::move(bucket_)), key(std::move(key_)),
	      query(std::move(query_)), headers(std::move(headers_)), body(body_) {
	}

	std::string op; // for messages: "GET", "LIST", "UPLOAD PART 3", ...
	std::string method;
	std::string bucket;
	std::string key; // "" for bucket-level requests
	Params query;
	Params headers;
	std::string_view body;
	bool retryable = true;
	bool honour_cancel = true;
	const BodySink *sink = nullptr;
	std::optional<ByteRange> range; // GET only: lets a broken transfer resume
	std::string display_key;        // shown after the bucket in messages when key is "" (a LIST prefix)
};

namespace {

std::string
Resource(const Client::Request &request) {
	const std::string &key = request.key.empty() ? request.display_key : request.key;
	return "s3://" + request.bucket + (key.empty() ? "" : "/" + key);
}

std::string
HintFor(const std::string &code, long status) {
	if (code == "SignatureDoesNotMatch") {
		return "Check the secret access key and the region configured for the S3 server.";
	}
	if (code == "InvalidAccessKeyId") {
		return "Check the access key id.";
	}
	if (code == "AuthorizationHeaderMalformed" || code == "PermanentRedirect" || status == 301) {
		return "Check the region and the endpoint configured for the S3 server.";
	}
	if (code == "RequestTimeTooSkewed") {
		return "Check the clock of the database server.";
	}
	if (code == "NoSuchBucket") {
		return "Check the bucket name.";
	}
	return {};
}

std::string
RangeHeader(uint64_t first, std::optional<uint64_t> last) {
	return "bytes=" + std::to_string(first) + "-" + (last ? std::to_string(*last) : std::string());
}

} // namespace

std::string
RedactSecrets(std::string text, const Credentials &credentials) {
	for (const std::string *secret : {&credentials.secret_access_key, &credentials.session_token}) {
		if (secret->empty()) {
			continue;
		}
		for (size_t at = text.find(*secret); at != std::string::npos; at = text.find(*secret, at)) {
			text.replace(at, secret->size(), "[redacted]");
		}
	}
	return text;
}

Client::Client(Config config) : config_(std::move(config)), backoff_(config_.retry) {
	std::string endpoint = config_.endpoint;
	size_t scheme_end = endpoint.find("://");
	scheme_ = scheme_end == std::string::npos ? "https" : endpoint.substr(0, scheme_end);
	host_ = scheme_end == std::string::npos ? endpoint : endpoint.substr(scheme_end + 3);
	while (!host_.empty() && host_.back() == '/') {
		host_.pop_back();
	}
	if (scheme_ != "http" && scheme_ != "https") {
		throw Error(ErrorKind::InvalidParameter,
		            "S3 endpoint \"" + endpoint + "\" must start with https:// or http://");
	}
	if (host_.empty() || host_.find_first_of("/?#@ ") != std::string::npos) {
		throw Error(ErrorKind::InvalidParameter,
		            "S3 endpoint \"" + endpoint + "\" must be scheme://host[:port]");
	}
	if (config_.region.empty()) {
		throw Error(ErrorKind::InvalidParameter, "S3 region must not be empty");
	}
	if (config_.retry.max_attempts < 1) {
		config_.retry.max_attempts = 1;
	}
}

Client::~Client() = default;

void
Client::Fail(const Request &request, const std::string &what, std::string detail, long status,
             const std::string &code, bool cancelled) const {
	std::string message =
	    "S3 " + request.op + " " + Resource(request) + (cancelled ? " " : " failed: ") + what;
	const Credentials &credentials = config_.credentials;
	throw S3Error(RedactSecrets(message, credentials), RedactSecrets(std::move(detail), credentials),
	              HintFor(code, status), status, code, cancelled);
}

HttpResponse
Client::Execute(Request &request) {
	bool virtual_hosted = config_.url_style == UrlStyle::VirtualHosted && !request.bucket.empty();
	std::string host = virtual_hosted ? request.bucket + "." + host_ : host_;
	std::string path = "/";
	if (!virtual_hosted && !request.bucket.empty()) {
		path += request.bucket + (request.key.empty() ? "" : "/");
	}
	path += request.key;
	std::string payload_hash = config_.sign_payload || request.body.empty() ? Sha256Hex(request.body)
	                                                                        : std::string(UNSIGNED_PAYLOAD);
	std::string url = scheme_ + "://" + host + UriEncode(path, false);
	std::string query = CanonicalQueryString(request.query);
	if (!query.empty()) {
		url += "?" + query;
	}

	TransferOptions options {config_.connect_timeout, config_.request_timeout, config_.low_speed_time,
	                         config_.verify_tls, request.honour_cancel ? config_.cancel : CancelHook()};
	uint64_t delivered = 0; // body bytes already given to the caller's sink, over all attempts
	std::string etag;       // of the first GET response, for resuming with If-Match
	for (int attempt = 1;; attempt++) {
		SigningRequest signing {request.method, path, request.query, request.headers, payload_hash};
		signing.headers.emplace_back("Host", host);
		if (request.range || delivered > 0) {
			uint64_t first = (request.range ? request.range->first : 0) + delivered;
			signing.headers.emplace_back(
			    "Range", RangeHeader(first, request.range ? request.range->last : std::nullopt));
		}
		if (delivered > 0 && !etag.empty()) {
			signing.headers.emplace_back("If-Match", etag);
		}
		Signature signature = SignRequest(signing, config_.credentials, config_.region, std::time(nullptr));
		HttpRequest http {request.method, url, std::move(signing.headers), request.body};
		http.headers.emplace_back("Authorization", signature.authorization);
		bool has_content_type = false;
		for (const auto &header : request.headers) {
			has_content_type |= header.first == "Content-Type";
		}
		if ((request.method == "PUT" || request.method == "POST") && !has_content_type) {
			http.headers.emplace_back("Content-Type", "application/octet-stream"); // not curl's form default
		}

		attempts_++;
		TransferResult result = session_.Perform(http, options, request.sink);
		delivered += result.delivered;
		if (etag.empty()) {
			etag = result.response.Header("etag");
		}
		if (result.status == TransferStatus::SinkFailed) {
			std::rethrow_exception(result.sink_error);
		}
		if (result.status == TransferStatus::Cancelled) {
			Fail(request, "cancelled", "The transfer was stopped by a cancel request.", 0, "", true);
		}
		if (result.status == TransferStatus::BodyTooLarge) {
			Fail(request, "reply body too large", {}, result.response.status, "");
		}

		long status = result.response.status;
		bool ok = result.status == TransferStatus::Completed && status >= 200 && status < 300;
		if (ok) {
			return std::move(result.response);
		}
		std::string code;
		std::string what;
		std::string detail;
		bool transient = false;
		if (result.status == TransferStatus::CurlFailed) {
			what = result.curl_error;
			detail = "libcurl error " + std::to_string(result.curl_code);
			transient = IsRetryableCurl(result.curl_code);
		} else {
			std::optional<ErrorReply> reply = ParseErrorReply(result.response.body);
			code = reply ? reply->code : "";
			if (code.empty() && request.method == "HEAD") {
				code = status == 404 ? "NotFound" : status == 403 ? "Forbidden" : "";
			}
			what = std::to_string(status) + (code.empty() ? "" : " " + code) +
			       (reply && !reply->message.empty() ? ": " + reply->message : "");
			detail = "HTTP status " + std::to_string(status) +
			         (code.empty() ? "" : ", S3 error code " + code) +
			         (reply && !reply->request_id.empty() ? ", request id " + reply->request_id : "");
			transient = IsRetryableHttp(status, code);
		}
		// A retry is safe for idempotent requests, and for a GET that can resume where it stopped.
		bool resumable = result.delivered == 0 || request.method == "GET";
		if (!transient || !request.retryable || !resumable || attempt >= config_.retry.max_attempts) {
			detail += ", after " + std::to_string(attempt) + (attempt == 1 ? " attempt." : " attempts.");
			Fail(request, what, detail, status, code);
		}
		std::chrono::milliseconds delay = backoff_.NextDelay(attempt);
		if (config_.sleep) {
			config_.sleep(delay);
		} else {
			auto until = std::chrono::steady_clock::now() + delay;
			while (std::chrono::steady_clock::now() < until) {
				std::this_thread::sleep_for(std::min(delay, std::chrono::milliseconds(50)));
				if (options.cancel && options.cancel()) {
					break;
				}
			}
		}
		if (options.cancel && options.cancel()) {
			Fail(request, "cancelled", "Stopped by a cancel request while waiting to retry.", 0, "", true);
		}
	}
}

void
Client::CreateBucket(const std::string &bucket) {
	std::string body;
	if (config_.region != "us-east-1") {
		body = "<CreateBucketConfiguration "
		       "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>" +
		       XmlEscape(config_.region) + "</LocationConstraint></CreateBucketConfiguration>";
	}
	Request request {"CREATE BUCKET", "PUT", bucket, "", {}, {}, body};
	Execute(request);
}

ObjectInfo
Client::HeadObject(const std::string &bucket, const std::string &key) {
	Request request {"HEAD", "HEAD", bucket, key};
	HttpResponse response = Execute(request);
	ObjectInfo info;
	info.key = key;
	info.etag = Unquote(response.Header("etag"));
	info.last_modified = response.Header("last-modified");
	std::string length = response.Header("content-length");
	info.size = 0;
	if (!length.empty()) { // a server's header: refused clearly when it is no number
		char *end = nullptr;
		errno = 0;
		unsigned long long n = std::strtoull(length.c_str(), &end, 10);
		if (errno != 0 || end == length.c_str() || *end != '\0' || length[0] == '-')
			throw Error(ErrorKind::ExternalService, "S3 answered with an invalid Content-Length for " + key);
		info.size = n;
	}
	return info;
}

void
Client::GetObject(const std::string &bucket, const std::string &key, const BodySink &sink,
                  std::optional<ByteRange> range) {
	Request request {"GET", "GET", bucket, key};
	request.sink = &sink;
	request.range = range;
	Execute(request);
}

std::string
Client::GetObjectAsString(const std::string &bucket, const std::string &key, std::optional<ByteRange> range) {
	std::string out;
	GetObject(
	    bucket, key, [&out](const char *data, size_t size) { out.append(data, size); }, range);
	return out;
}

ListPage
Client::ListObjectsV2(const ListRequest &list) {
	Request request {"LIST", "GET", list.bucket, ""};
	request.query = {{"list-type", "2"}, {"max-keys", std::to_string(list.max_keys)}};
	for (const auto &[name, value] : Params {{"prefix", list.prefix},
	                                         {"delimiter", list.delimiter},
	                                         {"continuation-token", list.continuation_token},
	                                         {"start-after", list.start_after}}) {
		if (!value.empty()) {
			request.query.emplace_back(name, value);
		}
	}
	request.display_key = list.prefix;
	return ParseListBucketResult(Execute(request).body);
}

void
Client::ListAllObjects(ListRequest request, const std::function<void(const ListPage &)> &on_page) {
	for (;;) {
		ListPage page = ListObjectsV2(request);
		on_page(page);
		if (!page.is_truncated) {
			return;
		}
		request.continuation_token = page.next_continuation_token;
	}
}

std::vector<ObjectInfo>
Client::ListAllObjects(const std::string &bucket, const std::string &prefix) {
	std::vector<ObjectInfo> objects;
	ListRequest request;
	request.bucket = bucket;
	request.prefix = prefix;
	ListAllObjects(request, [&objects](const ListPage &page) {
		objects.insert(objects.end(), page.objects.begin(), page.objects.end());
	});
	return objects;
}

std::string
Client::PutObject(const std::string &bucket, const std::string &key, std::string_view body,
                  const std::string &content_type) {
	Request request {"PUT", "PUT", bucket, key, {}, {{"Content-Type", content_type}}, body};
	return Unquote(Execute(request).Header("etag"));
}

void
Client::DeleteObject(const std::string &bucket, const std::string &key) {
	Request request {"DELETE", "DELETE", bucket, key};
	Execute(request);
}

std::string
Client::CreateMultipartUpload(const std::string &bucket, const std::string &key,
                              const std::string &content_type) {
	Request request {"CREATE MULTIPART UPLOAD",       "POST", bucket, key, {{"uploads", ""}},
	                 {{"Content-Type", content_type}}};
	request.retryable = false;
	return ParseInitiateMultipartUpload(Execute(request).body);
}

std::string
Client::UploadPart(const std::string &bucket, const std::string &key, const std::string &upload_id,
                   int part_number, std::string_view data) {
	Request request {"UPLOAD PART " + std::to_string(part_number),
	                 "PUT",
	                 bucket,
	                 key,
	                 {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}},
	                 {},
	                 data};
	std::string etag = Execute(request).Header("etag");
	if (etag.empty()) {
		Fail(request, "the reply has no ETag", {}, 200, "");
	}
	return etag;
}

std::string
Client::CompleteMultipartUpload(const std::string &bucket, const std::string &key,
                                const std::string &upload_id, const std::vector<CompletedPart> &parts) {
	std::string body = BuildCompleteMultipartUpload(parts);
	Request request {"COMPLETE MULTIPART UPLOAD",           "POST", bucket, key, {{"uploadId", upload_id}},
	                 {{"Content-Type", "application/xml"}}, body};
	request.retryable = false;
	return ParseCompleteMultipartUpload(Execute(request).body);
}

void
Client::AbortMultipartUpload(const std::string &bucket, const std::string &key,
                             const std::string &upload_id) {
	Request request {"ABORT MULTIPART UPLOAD", "DELETE", bucket, key, {{"uploadId", upload_id}}};
	request.honour_cancel = false;
	Execute(request);
}

} // namespace hdl::s3
