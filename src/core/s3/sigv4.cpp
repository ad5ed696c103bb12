// AWS Signature Version 4 (S3 flavour: the object path is encoded exactly once, never normalised).
#include "core/s3/sigv4.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/error.hpp"

namespace hdl::s3 {

namespace {

constexpr const char *HEX_LOWER = "0123456789abcdef";
constexpr const char *HEX_UPPER = "0123456789ABCDEF";

std::string
ToHex(const unsigned char *bytes, size_t size) {
	std::string out(size * 2, '\0');
	for (size_t i = 0; i < size; i++) {
		out[2 * i] = HEX_LOWER[bytes[i] >> 4];
		out[2 * i + 1] = HEX_LOWER[bytes[i] & 0x0f];
	}
	return out;
}

std::string
ToLower(std::string_view text) {
	std::string out(text);
	for (char &c : out) {
		c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
	}
	return out;
}

// Header values: leading/trailing whitespace dropped, inner runs of spaces and tabs become one space.
std::string
TrimAndCollapse(std::string_view value) {
	std::string out;
	out.reserve(value.size());
	bool pending_space = false;
	for (char c : value) {
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			pending_space = !out.empty();
			continue;
		}
		if (pending_space) {
			out += ' ';
			pending_space = false;
		}
		out += c;
	}
	return out;
}

} // namespace

std::string
UriEncode(std::string_view text, bool encode_slash) {
	std::string out;
	out.reserve(text.size() + text.size() / 2);
	for (unsigned char c : text) {
		bool unreserved = std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
		if (unreserved || (c == '/' && !encode_slash)) {
			out += static_cast<char>(c);
		} else {
			out += '%';
			out += HEX_UPPER[c >> 4];
			out += HEX_UPPER[c & 0x0f];
		}
	}
	return out;
}

std::string
CanonicalQueryString(const Params &query) {
	std::vector<std::pair<std::string, std::string>> encoded;
	encoded.reserve(query.size());
	for (const auto &[name, value] : query) {
		encoded.emplace_back(UriEncode(name, true), UriEncode(value, true));
	}
	std::sort(encoded.begin(), encoded.end());
	std::string out;
	for (const auto &[name, value] : encoded) {
		if (!out.empty()) {
			out += '&';
		}
		out += name;
		out += '=';
		out += value;
	}
	return out;
}

std::string
Sha256Hex(std::string_view data) {
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int size = 0;
	if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
		throw Error(ErrorKind::Internal, "SHA-256 computation failed");
	}
	return ToHex(digest, size);
}

std::string
HmacSha256(std::string_view key, std::string_view data) {
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int size = 0;
	if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
	         reinterpret_cast<const unsigned char *>(data.data()), data.size(), mac, &size) == nullptr) {
		throw Error(ErrorKind::Internal, "HMAC-SHA256 computation failed");
	}
	return std::string(reinterpret_cast<const char *>(mac), size);
}

std::string
SigningKey(std::string_view secret, std::string_view date, std::string_view region,
           std::string_view service) {
	std::string date_key = HmacSha256("AWS4" + std::string(secret), date);
	std::string region_key = HmacSha256(date_key, region);
	std::string service_key = HmacSha256(region_key, service);
	return HmacSha256(service_key, "aws4_request");
}

std::string
AmzDate(std::time_t when) {
	std::tm utc {};
	gmtime_r(&when, &utc);
	char buffer[32];
	std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &utc);
	return buffer;
}

Signature
ComputeSignature(const SigningRequest &request, const Credentials &credentials, const SigningScope &scope) {
	if (scope.amz_date.size() != 16) {
		throw Error(ErrorKind::InvalidParameter, "invalid x-amz-date \"" + scope.amz_date + "\"");
	}
	// Sorted by lower-case name; repeated headers keep their order and are joined with commas.
	std::map<std::string, std::string> canonical;
	for (const auto &[name, value] : request.headers) {
		std::string key = ToLower(name);
		auto [it, inserted] = canonical.emplace(key, TrimAndCollapse(value));
		if (!inserted) {
			it->second += ',' + TrimAndCollapse(value);
		}
	}
	if (canonical.count("host") == 0) {
		throw Error(ErrorKind::Internal, "SigV4 request has no host header");
	}

	Signature result;
	std::string canonical_headers;
	for (const auto &[name, value] : canonical) {
		canonical_headers += name + ':' + value + '\n';
		if (!result.signed_headers.empty()) {
			result.signed_headers += ';';
		}
		result.signed_headers += name;
	}
	std::string path = request.path.empty() ? "/" : UriEncode(request.path, false);
	result.canonical_request = request.method + '\n' + path + '\n' + CanonicalQueryString(request.query) +
	                           '\n' + canonical_headers + '\n' + result.signed_headers + '\n' +
	                           request.payload_hash;

	std::string date = scope.amz_date.substr(0, 8);
	std::string credential_scope = date + '/' + scope.region + '/' + scope.service + "/aws4_request";
	result.string_to_sign = "AWS4-HMAC-SHA256\n" + scope.amz_date + '\n' + credential_scope + '\n' +
	                        Sha256Hex(result.canonical_request);

	std::string key = SigningKey(credentials.secret_access_key, date, scope.region, scope.service);
	std::string mac = HmacSha256(key, result.string_to_sign);
	result.signature = ToHex(reinterpret_cast<const unsigned char *>(mac.data()), mac.size());
	result.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + '/' +
	                       credential_scope + ", SignedHeaders=" + result.signed_headers +
	                       ", Signature=" + result.signature;
	return result;
}

Signature
SignRequest(SigningRequest &request, const Credentials &credentials, const std::string &region,
            std::time_t when, bool add_content_sha256, const std::string &service) {
	SigningScope scope {region, service, AmzDate(when)};
	request.headers.emplace_back("x-amz-date", scope.amz_date);
	if (add_content_sha256) {
		request.headers.emplace_back("x-amz-content-sha256", request.payload_hash);
	}
	if (!credentials.session_token.empty()) {
		request.headers.emplace_back("x-amz-security-token", credentials.session_token);
	}
	return ComputeSignature(request, credentials, scope);
}

} // namespace hdl::s3
