// The S3 client against a real S3 server that checks SigV4 signatures (test/s3/s3rver.sh).
// Runs when HDL_S3_ENDPOINT, HDL_S3_ACCESS_KEY and HDL_S3_SECRET_KEY are set, skips otherwise:
//   export $(test/s3/s3rver.sh start) && /tmp/build-s3/s3_client_test; test/s3/s3rver.sh stop
#include <gtest/gtest.h>

#include <cstdlib>
#include <unistd.h>

#include "core/s3/client.hpp"
#include "core/s3/s3_error.hpp"
#include "core/s3/uploader.hpp"

using namespace hdl::s3;

namespace {

const char *
Env(const char *name) {
	const char *value = std::getenv(name);
	return value != nullptr && *value != '\0' ? value : nullptr;
}

class S3ClientTest : public ::testing::Test {
protected:
	void
	SetUp() override {
		if (!Env("HDL_S3_ENDPOINT") || !Env("HDL_S3_ACCESS_KEY") || !Env("HDL_S3_SECRET_KEY")) {
			GTEST_SKIP() << "HDL_S3_ENDPOINT, HDL_S3_ACCESS_KEY and HDL_S3_SECRET_KEY are not set; start a "
			                "server with: export $(test/s3/s3rver.sh start)";
		}
		static int counter = 0;
		bucket_ = "hdl-test-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
		client_ = std::make_unique<Client>(MakeConfig());
		client_->CreateBucket(bucket_);
	}

	static Config
	MakeConfig() {
		Config config;
		config.endpoint = Env("HDL_S3_ENDPOINT");
		config.region = Env("HDL_S3_REGION") ? Env("HDL_S3_REGION") : "us-east-1";
		config.credentials = {Env("HDL_S3_ACCESS_KEY"), Env("HDL_S3_SECRET_KEY"), ""};
		config.retry.max_attempts = 2;
		config.retry.base_delay = std::chrono::milliseconds(10);
		config.retry.jitter_seed = 1;
		return config;
	}

	// Runs f, which must throw S3Error, and returns the error.
	template <typename F>
	static S3Error
	ErrorOf(F &&f) {
		try {
			f();
		} catch (const S3Error &e) {
			return e;
		}
		ADD_FAILURE() << "no S3Error thrown";
		return S3Error("none", "", "", -1, "");
	}

	std::string bucket_;
	std::unique_ptr<Client> client_;
};

std::string
Pattern(size_t size, unsigned seed) {
	std::string out(size, '\0');
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < size; i++) {
		x = x * 1664525u + 1013904223u;
		out[i] = static_cast<char>(x >> 24);
	}
	return out;
}

} // namespace

TEST_F(S3ClientTest, PutGetRangeHeadDelete) {
	std::string body =
	    "{\"resourceType\":\"Patient\",\"id\":\"1\"}\n{\"resourceType\":\"Patient\",\"id\":\"2\"}\n";
	std::string etag = client_->PutObject(bucket_, "fhir/Patient.ndjson", body, "application/x-ndjson");
	EXPECT_FALSE(etag.empty());
	EXPECT_EQ(client_->GetObjectAsString(bucket_, "fhir/Patient.ndjson"), body);
	EXPECT_EQ(client_->GetObjectAsString(bucket_, "fhir/Patient.ndjson", ByteRange {2, 13}),
	          body.substr(2, 12));
	EXPECT_EQ(client_->GetObjectAsString(bucket_, "fhir/Patient.ndjson", ByteRange {40, std::nullopt}),
	          body.substr(40));
	ObjectInfo info = client_->HeadObject(bucket_, "fhir/Patient.ndjson");
	EXPECT_EQ(info.size, body.size());
	EXPECT_EQ(info.etag, etag);
	client_->DeleteObject(bucket_, "fhir/Patient.ndjson");
	EXPECT_TRUE(ErrorOf([&] { client_->HeadObject(bucket_, "fhir/Patient.ndjson"); }).not_found());
}

TEST_F(S3ClientTest, KeysWithReservedCharactersAreSignedCorrectly) {
	for (std::string key : {"dir/a b+c=d&e?f#g.json", "unicode/\xC3\xBC\xE2\x82\xAC.txt",
	                        "odd/!'()*~$@,;:.txt", "dots/a/../b.txt", "pct/100%25.txt"}) {
		client_->PutObject(bucket_, key, "x:" + key);
		EXPECT_EQ(client_->GetObjectAsString(bucket_, key), "x:" + key) << key;
	}
	std::vector<ObjectInfo> all = client_->ListAllObjects(bucket_, "");
	EXPECT_EQ(all.size(), 5u);
}

TEST_F(S3ClientTest, ListPagesWithContinuationTokens) {
	std::string padding(40, 'p');
	for (int i = 0; i < 1200; i++) {
		char key[64];
		snprintf(key, sizeof key, "many/%05d.ndjson", i);
		client_->PutObject(bucket_, key, std::to_string(i));
	}
	client_->PutObject(bucket_, "other/x", "x");

	ListRequest request;
	request.bucket = bucket_;
	request.prefix = "many/";
	std::vector<size_t> page_sizes;
	std::vector<ObjectInfo> objects;
	client_->ListAllObjects(request, [&](const ListPage &page) {
		page_sizes.push_back(page.objects.size());
		objects.insert(objects.end(), page.objects.begin(), page.objects.end());
	});
	EXPECT_EQ(page_sizes, (std::vector<size_t> {1000, 200}));
	ASSERT_EQ(objects.size(), 1200u);
	EXPECT_EQ(objects.front().key, "many/00000.ndjson");
	EXPECT_EQ(objects.back().key, "many/01199.ndjson");
	EXPECT_EQ(objects[1000].size, 4u);
	EXPECT_FALSE(objects[0].etag.empty());

	request.max_keys = 500;
	ListPage first = client_->ListObjectsV2(request);
	EXPECT_EQ(first.objects.size(), 500u);
	EXPECT_TRUE(first.is_truncated);
	request.continuation_token = first.next_continuation_token;
	EXPECT_EQ(client_->ListObjectsV2(request).objects.front().key, "many/00500.ndjson");
}

TEST_F(S3ClientTest, ListWithDelimiterGivesCommonPrefixes) {
	for (const char *key :
	     {"lake/Patient/a.ndjson", "lake/Patient/b.ndjson", "lake/Observation/c.ndjson", "lake/readme.txt"}) {
		client_->PutObject(bucket_, key, "x");
	}
	ListRequest request;
	request.bucket = bucket_;
	request.prefix = "lake/";
	request.delimiter = "/";
	ListPage page = client_->ListObjectsV2(request);
	ASSERT_EQ(page.objects.size(), 1u);
	EXPECT_EQ(page.objects[0].key, "lake/readme.txt");
	EXPECT_EQ(page.common_prefixes, (std::vector<std::string> {"lake/Observation/", "lake/Patient/"}));
}

TEST_F(S3ClientTest, MultipartUploadOfTwelveMebibytes) {
	std::string data = Pattern((12u << 20) + 12345, 7);
	Uploader uploader(*client_, bucket_, "big/object.bin", MIN_PART_SIZE);
	for (size_t at = 0; at < data.size(); at += 100000) {
		uploader.Write(std::string_view(data).substr(at, 100000));
	}
	std::string etag = uploader.Finish();
	EXPECT_EQ(uploader.parts_uploaded(), 3);
	EXPECT_FALSE(etag.empty());
	EXPECT_EQ(client_->HeadObject(bucket_, "big/object.bin").size, data.size());
	EXPECT_TRUE(client_->GetObjectAsString(bucket_, "big/object.bin") == data);
	std::string tail =
	    client_->GetObjectAsString(bucket_, "big/object.bin", ByteRange {(10u << 20) - 5, std::nullopt});
	EXPECT_TRUE(tail == data.substr((10u << 20) - 5));
}

TEST_F(S3ClientTest, SmallUploadIsOnePut) {
	Uploader uploader(*client_, bucket_, "small.txt");
	uploader.Write("hello ");
	uploader.Write("world");
	uploader.Finish();
	EXPECT_EQ(uploader.parts_uploaded(), 0);
	EXPECT_EQ(client_->GetObjectAsString(bucket_, "small.txt"), "hello world");
}

TEST_F(S3ClientTest, WrongSecretIsRejectedWithoutLeakingIt) {
	Config config = MakeConfig();
	config.credentials.secret_access_key = "wrong-secret-value-do-not-print-1234";
	Client wrong(config);
	S3Error e = ErrorOf([&] { wrong.GetObjectAsString(bucket_, "missing.txt"); });
	EXPECT_EQ(e.kind(), hdl::ErrorKind::ExternalService);
	EXPECT_EQ(e.http_status(), 403);
	EXPECT_EQ(e.aws_code(), "SignatureDoesNotMatch");
	std::string message = e.what();
	EXPECT_EQ(message.rfind("S3 GET s3://" + bucket_ + "/missing.txt failed: 403 SignatureDoesNotMatch: ", 0),
	          0u)
	    << message;
	for (const std::string &text : {message, e.detail(), e.hint()}) {
		EXPECT_EQ(text.find(config.credentials.secret_access_key), std::string::npos) << text;
		EXPECT_EQ(text.find("Signature="), std::string::npos) << text;
	}
	EXPECT_NE(e.detail().find("S3 error code SignatureDoesNotMatch"), std::string::npos);
	EXPECT_FALSE(e.hint().empty());
	EXPECT_EQ(wrong.attempts(), 1u); // a 403 is not retried
}

TEST_F(S3ClientTest, SessionTokenIsSentAndSigned) {
	// s3rver ignores the token itself but verifies the signature that covers it.
	Config config = MakeConfig();
	config.credentials.session_token = "FQoGZXIvYXdzEXAMPLETOKEN/+=";
	Client with_token(config);
	with_token.PutObject(bucket_, "token.txt", "t");
	EXPECT_EQ(with_token.GetObjectAsString(bucket_, "token.txt"), "t");
}

TEST_F(S3ClientTest, MissingObjectIsNoSuchKey) {
	S3Error e = ErrorOf([&] { client_->GetObjectAsString(bucket_, "nope/missing.ndjson"); });
	EXPECT_EQ(e.http_status(), 404);
	EXPECT_EQ(e.aws_code(), "NoSuchKey");
	EXPECT_TRUE(e.not_found());
	EXPECT_EQ(std::string(e.what()).rfind(
	              "S3 GET s3://" + bucket_ + "/nope/missing.ndjson failed: 404 NoSuchKey", 0),
	          0u)
	    << e.what();
	S3Error head = ErrorOf([&] { client_->HeadObject(bucket_, "nope/missing.ndjson"); });
	EXPECT_EQ(head.http_status(), 404);
	EXPECT_EQ(ErrorOf([&] {
		          client_->ListObjectsV2({"no-such-bucket-hdl", "", "", "", "", 10});
	          }).aws_code(),
	          "NoSuchBucket");
}

TEST_F(S3ClientTest, CancelHookStopsTransfer) {
	std::string data = Pattern(6u << 20, 3);
	client_->PutObject(bucket_, "cancel.bin", data);
	Config config = MakeConfig();
	size_t received = 0;
	config.cancel = [&received] {
		return received > 0;
	};
	Client cancellable(config);
	S3Error e = ErrorOf([&] {
		cancellable.GetObject(bucket_, "cancel.bin", [&](const char *, size_t size) { received += size; });
	});
	EXPECT_TRUE(e.cancelled());
	EXPECT_LT(received, data.size());
	EXPECT_EQ(cancellable.attempts(), 1u);
}

TEST_F(S3ClientTest, SinkExceptionPropagatesAndClientStaysUsable) {
	client_->PutObject(bucket_, "sink.txt", "abc");
	EXPECT_THROW(
	    client_->GetObject(bucket_, "sink.txt", [](const char *, size_t) { throw std::runtime_error("x"); }),
	    std::runtime_error);
	EXPECT_EQ(client_->GetObjectAsString(bucket_, "sink.txt"), "abc");
}
