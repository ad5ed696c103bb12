// SigV4 against the values AWS publishes: the SigV4 test suite (AKIDEXAMPLE, service "service",
// 20150830T123600Z) and the S3 API reference examples (AKIAIOSFODNN7EXAMPLE, examplebucket, 20130524).
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/s3/sigv4.hpp"

using namespace hdl::s3;

namespace {

const Credentials SUITE_CREDENTIALS {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
const SigningScope SUITE_SCOPE {"us-east-1", "service", "20150830T123600Z"};
const Credentials S3_DOC_CREDENTIALS {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr std::time_t S3_DOC_TIME = 1369353600; // 2013-05-24T00:00:00Z

// A test-suite request: Host and X-Amz-Date headers, empty body.
SigningRequest
SuiteRequest(const std::string &method, const std::string &path, Params query = {}) {
	return SigningRequest {method,
	                       path,
	                       std::move(query),
	                       {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
	                       EMPTY_PAYLOAD_SHA256};
}

// An S3 documentation request against examplebucket, signed the way the client signs.
Signature
S3DocSign(const std::string &method, const std::string &path, Params query, Params extra_headers,
          const std::string &payload_hash = EMPTY_PAYLOAD_SHA256) {
	SigningRequest request {method, path, std::move(query), std::move(extra_headers), payload_hash};
	request.headers.emplace_back("Host", "examplebucket.s3.amazonaws.com");
	return SignRequest(request, S3_DOC_CREDENTIALS, "us-east-1", S3_DOC_TIME);
}

} // namespace

TEST(S3SigV4, SuiteGetVanilla) {
	Signature s = ComputeSignature(SuiteRequest("GET", "/"), SUITE_CREDENTIALS, SUITE_SCOPE);
	EXPECT_EQ(s.canonical_request, "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
	                               "host;x-amz-date\n"
	                               "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	EXPECT_EQ(s.string_to_sign,
	          "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
	          "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
	EXPECT_EQ(s.authorization,
	          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
	          "SignedHeaders=host;x-amz-date, "
	          "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(S3SigV4, SuiteQueryOrderKeyCase) {
	Signature s = ComputeSignature(SuiteRequest("GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}}),
	                               SUITE_CREDENTIALS, SUITE_SCOPE);
	EXPECT_NE(s.canonical_request.find("\nParam1=value1&Param2=value2\n"), std::string::npos);
	EXPECT_EQ(s.signature, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(S3SigV4, SuiteUtf8PathIsEncodedOnce) {
	Signature s = ComputeSignature(SuiteRequest("GET", "/\xE1\x88\xB4"), SUITE_CREDENTIALS, SUITE_SCOPE);
	EXPECT_EQ(s.canonical_request.substr(0, 15), "GET\n/%E1%88%B4\n");
	EXPECT_EQ(s.signature, "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
}

TEST(S3SigV4, SuiteUnreservedCharactersStayAsIs) {
	Signature s = ComputeSignature(
	    SuiteRequest("GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
	    SUITE_CREDENTIALS, SUITE_SCOPE);
	EXPECT_EQ(s.signature, "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f");
}

TEST(S3SigV4, SuiteSessionTokenIsSigned) {
	Credentials with_token = SUITE_CREDENTIALS;
	with_token.session_token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
	SigningRequest request {"GET", "/", {}, {{"Host", "example.amazonaws.com"}}, EMPTY_PAYLOAD_SHA256};
	Signature s =
	    SignRequest(request, with_token, "us-east-1", 1440938160 /* 20150830T123600Z */, false, "service");
	EXPECT_EQ(s.signed_headers, "host;x-amz-date;x-amz-security-token");
	EXPECT_EQ(s.signature, "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8");
	bool sends_token = false;
	for (const auto &[name, value] : request.headers) {
		sends_token |= name == "x-amz-security-token" && value == with_token.session_token;
	}
	EXPECT_TRUE(sends_token);
}

TEST(S3SigV4, S3DocSigningKey) {
	std::string key = SigningKey(S3_DOC_CREDENTIALS.secret_access_key, "20130524", "us-east-1", "s3");
	std::string hex;
	for (unsigned char c : key) {
		static const char *digits = "0123456789abcdef";
		hex += digits[c >> 4];
		hex += digits[c & 15];
	}
	EXPECT_EQ(hex, "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378");
}

TEST(S3SigV4, S3DocGetObjectWithRange) {
	Signature s = S3DocSign("GET", "/test.txt", {}, {{"Range", "bytes=0-9"}});
	EXPECT_EQ(s.canonical_request,
	          "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
	          "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
	          "x-amz-date:20130524T000000Z\n\n"
	          "host;range;x-amz-content-sha256;x-amz-date\n"
	          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	EXPECT_EQ(s.string_to_sign, "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
	                            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
	EXPECT_EQ(s.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
	EXPECT_EQ(s.authorization,
	          "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
	          "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
	          "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(S3SigV4, S3DocPutObject) {
	std::string body = "Welcome to Amazon S3.";
	std::string hash = Sha256Hex(body);
	EXPECT_EQ(hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
	Signature s = S3DocSign(
	    "PUT", "/test$file.text", {},
	    {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}}, hash);
	EXPECT_EQ(s.canonical_request.substr(0, 22), "PUT\n/test%24file.text\n");
	EXPECT_EQ(s.signed_headers, "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
	EXPECT_EQ(s.string_to_sign, "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
	                            "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
	EXPECT_EQ(s.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(S3SigV4, S3DocGetBucketLifecycle) {
	Signature s = S3DocSign("GET", "/", {{"lifecycle", ""}}, {});
	EXPECT_NE(s.canonical_request.find("\nlifecycle=\n"), std::string::npos);
	EXPECT_EQ(s.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(S3SigV4, S3DocListObjects) {
	Signature s = S3DocSign("GET", "/", {{"prefix", "J"}, {"max-keys", "2"}}, {});
	EXPECT_NE(s.canonical_request.find("\nmax-keys=2&prefix=J\n"), std::string::npos);
	EXPECT_EQ(s.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(S3SigV4, UriEncodeKeepsOnlyUnreserved) {
	EXPECT_EQ(UriEncode("a b+c/d=e&f?g", false), "a%20b%2Bc/d%3De%26f%3Fg");
	EXPECT_EQ(UriEncode("a/b", true), "a%2Fb");
	EXPECT_EQ(UriEncode("!'()*", true), "%21%27%28%29%2A");
	EXPECT_EQ(UriEncode("100%", true), "100%25");
	EXPECT_EQ(UriEncode("A-z._~09", true), "A-z._~09");
	EXPECT_EQ(UriEncode("\xC3\xA9", true), "%C3%A9");
	// An already-encoded key is a different key: its '%' is encoded again, never passed through.
	EXPECT_EQ(UriEncode("a%20b", false), "a%2520b");
}

TEST(S3SigV4, CanonicalQuerySortsEncodedNames) {
	EXPECT_EQ(CanonicalQueryString({{"uploadId", "a/b+c=="}, {"partNumber", "2"}}),
	          "partNumber=2&uploadId=a%2Fb%2Bc%3D%3D");
	EXPECT_EQ(CanonicalQueryString({{"b", "2"}, {"a", "1"}, {"A", "0"}}), "A=0&a=1&b=2");
	EXPECT_EQ(CanonicalQueryString({{"uploads", ""}}), "uploads=");
	EXPECT_EQ(CanonicalQueryString({{"prefix", "a b"}, {"list-type", "2"}}), "list-type=2&prefix=a%20b");
	EXPECT_EQ(CanonicalQueryString({}), "");
}

TEST(S3SigV4, HeaderValuesAreTrimmedAndNamesLowerCased) {
	SigningRequest request {"GET",
	                        "/",
	                        {},
	                        {{"Host", "example.amazonaws.com"},
	                         {"X-Amz-Date", "20150830T123600Z"},
	                         {"My-Header1", "  value1  "},
	                         {"My-Header2", "\"a   b   c\""},
	                         {"my-header1", "value2"}},
	                        EMPTY_PAYLOAD_SHA256};
	Signature s = ComputeSignature(request, SUITE_CREDENTIALS, SUITE_SCOPE);
	EXPECT_NE(s.canonical_request.find("my-header1:value1,value2\nmy-header2:\"a b c\"\n"),
	          std::string::npos);
	EXPECT_EQ(s.signed_headers, "host;my-header1;my-header2;x-amz-date");
}

TEST(S3SigV4, AmzDateIsUtcBasicFormat) {
	EXPECT_EQ(AmzDate(0), "19700101T000000Z");
	EXPECT_EQ(AmzDate(S3_DOC_TIME), "20130524T000000Z");
	EXPECT_EQ(AmzDate(1440938160), "20150830T123600Z");
}

TEST(S3SigV4, MissingHostIsRejected) {
	SigningRequest request {"GET", "/", {}, {}, EMPTY_PAYLOAD_SHA256};
	EXPECT_THROW(ComputeSignature(request, SUITE_CREDENTIALS, SUITE_SCOPE), hdl::Error);
}
