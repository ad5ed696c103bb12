// Retry policy, backoff and the client's behaviour without any server (connection refused).
#include <gtest/gtest.h>

#include <curl/curl.h>

#include "core/s3/client.hpp"
#include "core/s3/retry.hpp"
#include "core/s3/s3_error.hpp"

using namespace hdl::s3;
using std::chrono::milliseconds;

namespace {

Config
RefusedConfig() {
	Config config;
	config.endpoint = "http://127.0.0.1:1"; // nothing listens on port 1
	config.credentials = {"AKID", "very-secret-key-material", "session-token-material"};
	config.retry.max_attempts = 3;
	config.retry.base_delay = milliseconds(100);
	config.retry.jitter_seed = 42;
	return config;
}

} // namespace

TEST(S3Retry, BackoffIsDeterministicWithASeedAndBounded) {
	RetryPolicy policy;
	policy.base_delay = milliseconds(100);
	policy.max_delay = milliseconds(1000);
	policy.jitter_seed = 7;
	Backoff a(policy), b(policy);
	for (int retry = 1; retry <= 8; retry++) {
		milliseconds da = a.NextDelay(retry), db = b.NextDelay(retry);
		EXPECT_EQ(da, db);
		int64_t ceiling = std::min<int64_t>(1000, 100LL << (retry - 1));
		EXPECT_GE(da.count(), ceiling / 2) << retry;
		EXPECT_LE(da.count(), ceiling) << retry;
	}
}

TEST(S3Retry, Classification) {
	EXPECT_TRUE(IsRetryableHttp(503, "SlowDown"));
	EXPECT_TRUE(IsRetryableHttp(500, ""));
	EXPECT_TRUE(IsRetryableHttp(429, ""));
	EXPECT_TRUE(IsRetryableHttp(400, "RequestTimeout"));
	EXPECT_FALSE(IsRetryableHttp(403, "SignatureDoesNotMatch"));
	EXPECT_FALSE(IsRetryableHttp(404, "NoSuchKey"));
	EXPECT_TRUE(IsRetryableCurl(CURLE_COULDNT_CONNECT));
	EXPECT_TRUE(IsRetryableCurl(CURLE_OPERATION_TIMEDOUT));
	EXPECT_FALSE(IsRetryableCurl(CURLE_PEER_FAILED_VERIFICATION));
	EXPECT_TRUE(IsIdempotent("GET"));
	EXPECT_TRUE(IsIdempotent("PUT"));
	EXPECT_FALSE(IsIdempotent("POST"));
}

TEST(S3Retry, ConnectionRefusedIsRetriedThenReported) {
	Config config = RefusedConfig();
	std::vector<milliseconds> waits;
	config.sleep = [&waits](milliseconds d) {
		waits.push_back(d);
	};
	Client client(config);
	try {
		client.GetObjectAsString("bucket", "key.ndjson");
		FAIL() << "no error";
	} catch (const S3Error &e) {
		EXPECT_EQ(e.kind(), hdl::ErrorKind::ExternalService);
		EXPECT_EQ(e.http_status(), 0);
		EXPECT_EQ(std::string(e.what()).rfind("S3 GET s3://bucket/key.ndjson failed: ", 0), 0u) << e.what();
		EXPECT_NE(e.detail().find("after 3 attempts"), std::string::npos) << e.detail();
		for (const std::string &text : {std::string(e.what()), e.detail(), e.hint()}) {
			EXPECT_EQ(text.find("very-secret-key-material"), std::string::npos);
			EXPECT_EQ(text.find("session-token-material"), std::string::npos);
		}
	}
	EXPECT_EQ(client.attempts(), 3u);
	ASSERT_EQ(waits.size(), 2u);
	Backoff expected(config.retry);
	EXPECT_EQ(waits[0], expected.NextDelay(1));
	EXPECT_EQ(waits[1], expected.NextDelay(2));
}

TEST(S3Retry, NonIdempotentRequestsAreNotRetried) {
	Config config = RefusedConfig();
	config.sleep = [](milliseconds) {
	};
	Client client(config);
	EXPECT_THROW(client.CreateMultipartUpload("bucket", "key"), S3Error);
	EXPECT_EQ(client.attempts(), 1u);
}

TEST(S3Retry, CancelStopsTheWaitBetweenAttempts) {
	Config config = RefusedConfig();
	config.retry.base_delay = milliseconds(60000);
	int polls = 0;
	config.cancel = [&polls] {
		return ++polls > 1;
	};
	Client client(config);
	auto start = std::chrono::steady_clock::now();
	try {
		client.HeadObject("bucket", "key");
		FAIL() << "no error";
	} catch (const S3Error &e) {
		EXPECT_TRUE(e.cancelled());
		EXPECT_NE(std::string(e.what()).find("S3 HEAD s3://bucket/key cancelled"), std::string::npos)
		    << e.what();
	}
	EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(S3Retry, EndpointValidation) {
	Config config;
	config.endpoint = "ftp://example.com";
	EXPECT_THROW(Client {config}, hdl::Error);
	config.endpoint = "https://example.com/some/path";
	EXPECT_THROW(Client {config}, hdl::Error);
	config.endpoint = "s3.eu-west-1.amazonaws.com"; // no scheme: https
	EXPECT_NO_THROW(Client {config});
}

TEST(S3Retry, RedactSecrets) {
	Credentials credentials {"AKID", "s3cr3t", "tok"};
	EXPECT_EQ(RedactSecrets("a s3cr3t b tok c s3cr3t", credentials),
	          "a [redacted] b [redacted] c [redacted]");
	EXPECT_EQ(RedactSecrets("nothing", Credentials {}), "nothing");
}
