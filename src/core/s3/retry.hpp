// When and how long to wait before retrying an S3 request: exponential backoff with jitter.
#pragma once
#include <chrono>
#include <cstdint>
#include <random>
#include <string_view>

namespace hdl::s3 {

struct RetryPolicy {
	int max_attempts = 4; // first try included; 1 disables retries
	std::chrono::milliseconds base_delay {200};
	std::chrono::milliseconds max_delay {10000};
	uint64_t jitter_seed = 0; // 0: seeded from std::random_device; fixed seeds make delays reproducible
};

// Delay before retry number `retry` (1 = the first retry): "equal jitter", i.e. half of
// min(max_delay, base_delay * 2^(retry-1)) plus a uniformly random share of the other half.
class Backoff {
public:
	explicit Backoff(const RetryPolicy &policy);
	std::chrono::milliseconds NextDelay(int retry);

private:
	RetryPolicy policy_;
	std::mt19937_64 random_;
};

// 500, 502, 503, 504 and 429, plus the S3 codes that mean "try again" whatever the status
// (SlowDown, RequestTimeout, InternalError, ...).
bool IsRetryableHttp(long status, std::string_view aws_code) noexcept;
// libcurl failures worth another attempt: connection refused or reset, timeouts, empty replies.
bool IsRetryableCurl(int curl_code) noexcept;
// GET, HEAD, PUT and DELETE may be repeated; POST (create / complete multipart upload) may not.
bool IsIdempotent(std::string_view method) noexcept;

} // namespace hdl::s3

#include "core/cpp_only.hpp"
