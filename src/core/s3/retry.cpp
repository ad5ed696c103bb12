// Retry classification and backoff for the S3 client.
#include "core/s3/retry.hpp"

#include <algorithm>

#include <curl/curl.h>

namespace hdl::s3 {

Backoff::Backoff(const RetryPolicy &policy)
    : policy_(policy), random_(policy.jitter_seed != 0 ? policy.jitter_seed : std::random_device {}()) {
}

std::chrono::milliseconds
Backoff::NextDelay(int retry) {
	int64_t ceiling = policy_.base_delay.count();
	for (int i = 1; i < retry && ceiling < policy_.max_delay.count(); i++) {
		ceiling *= 2;
	}
	ceiling = std::max<int64_t>(0, std::min<int64_t>(ceiling, policy_.max_delay.count()));
	int64_t half = ceiling / 2;
	std::uniform_int_distribution<int64_t> share(0, ceiling - half);
	return std::chrono::milliseconds(half + share(random_));
}

bool
IsRetryableHttp(long status, std::string_view aws_code) noexcept {
	if (aws_code == "SlowDown" || aws_code == "RequestTimeout" || aws_code == "InternalError" ||
	    aws_code == "ServiceUnavailable" || aws_code == "RequestTimeTooSkewed" || aws_code == "Throttling") {
		return true;
	}
	return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

bool
IsRetryableCurl(int curl_code) noexcept {
	switch (curl_code) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

bool
IsIdempotent(std::string_view method) noexcept {
	return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE";
}

} // namespace hdl::s3
