// The exception the S3 client throws: an hdl::Error (kind ExternalService) that also carries the
// HTTP status and the AWS error code, so callers can tell "no such key" from "access denied".
#pragma once
#include <string>

#include "core/error.hpp"
#include "core/s3/sigv4.hpp"

namespace hdl::s3 {

class S3Error : public Error {
public:
	S3Error(const std::string &message, std::string detail, std::string hint, long http_status,
	        std::string aws_code, bool cancelled = false)
	    : Error(ErrorKind::ExternalService, message, std::move(detail), std::move(hint)),
	      http_status_(http_status), aws_code_(std::move(aws_code)), cancelled_(cancelled) {
	}

	// 0 when no HTTP response arrived (connection failure, timeout, cancel).
	long
	http_status() const noexcept {
		return http_status_;
	}
	// "NoSuchKey", "SignatureDoesNotMatch", ...; "" when the reply had no S3 error document.
	const std::string &
	aws_code() const noexcept {
		return aws_code_;
	}
	bool
	not_found() const noexcept {
		return http_status_ == 404;
	}
	// The cancel hook stopped the transfer.
	bool
	cancelled() const noexcept {
		return cancelled_;
	}

private:
	long http_status_;
	std::string aws_code_;
	bool cancelled_;
};

// Replaces every occurrence of the secret access key and the session token in text with
// "[redacted]", so nothing a server or libcurl echoes can leak them into a message.
std::string RedactSecrets(std::string text, const Credentials &credentials);

} // namespace hdl::s3

#include "core/cpp_only.hpp"
