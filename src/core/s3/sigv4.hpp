// AWS Signature Version 4 for S3: canonical request, string to sign, signing key and the
// Authorization header. Pure functions over a description of the request, so the published
// AWS examples can be checked byte for byte (test/unit/s3_sigv4_test.cpp).
#pragma once
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hdl::s3 {

using Params = std::vector<std::pair<std::string, std::string>>;

struct Credentials {
	std::string access_key_id;
	std::string secret_access_key;
	std::string session_token; // empty: long-term keys, no x-amz-security-token
};

// x-amz-content-sha256 value for a body whose hash is not signed (only sensible over TLS).
constexpr const char *UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
// SHA-256 of the empty string: the payload hash of GET, HEAD and DELETE.
constexpr const char *EMPTY_PAYLOAD_SHA256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// What the signer sees of one HTTP request.
struct SigningRequest {
	std::string method; // "GET", "PUT", ...
	std::string path;   // raw object path, NOT percent-encoded ("/bucket/my key.txt"); encoded once here
	Params query;       // raw (decoded) names and values; a flag such as ?uploads has an empty value
	Params headers;     // every header listed here is signed; it must contain host
	std::string payload_hash; // lower-case hex SHA-256 of the body, or UNSIGNED_PAYLOAD
};

struct SigningScope {
	std::string region;   // "us-east-1"
	std::string service;  // "s3"
	std::string amz_date; // ISO 8601 basic: "20130524T000000Z"
};

struct Signature {
	std::string canonical_request;
	std::string string_to_sign;
	std::string signed_headers; // "host;x-amz-content-sha256;x-amz-date"
	std::string signature;      // lower-case hex
	std::string authorization;  // the Authorization header value
};

// RFC 3986 percent-encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ becomes %XX
// (upper-case hex); '/' is kept when encode_slash is false (object paths).
std::string UriEncode(std::string_view text, bool encode_slash);

// "a=1&b=2": names and values URI-encoded, sorted by name then value.
std::string CanonicalQueryString(const Params &query);

// Lower-case hex of SHA-256(data).
std::string Sha256Hex(std::string_view data);
// Raw HMAC-SHA256(key, data) bytes.
std::string HmacSha256(std::string_view key, std::string_view data);
// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service);

// "20130524T000000Z" for a UTC time.
std::string AmzDate(std::time_t when);

// Signs exactly the headers in request.headers. Header names are matched case-insensitively,
// values trimmed and inner runs of spaces collapsed; repeated names are joined with commas.
Signature ComputeSignature(const SigningRequest &request, const Credentials &credentials,
                           const SigningScope &scope);

// What a client does: adds x-amz-date, x-amz-content-sha256 (when add_content_sha256; S3 requires it)
// and x-amz-security-token (when the credentials carry a session token) to request.headers, then signs
// them all. The caller sends request.headers plus {"Authorization", result.authorization}.
Signature SignRequest(SigningRequest &request, const Credentials &credentials, const std::string &region,
                      std::time_t when, bool add_content_sha256 = true, const std::string &service = "s3");

} // namespace hdl::s3

#include "core/cpp_only.hpp"
