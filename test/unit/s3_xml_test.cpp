// The small XML reader and the S3 documents built on it.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/s3/s3_xml.hpp"
#include "core/s3/xml_reader.hpp"

using namespace hdl::s3;

TEST(S3Xml, ParsesTreeAndDecodesEntities) {
	XmlElement root = ParseXml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c -->\n"
	                           "<r a=\"1\" b='x>y'><k>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;</k>"
	                           "<n>&#65;&#x42;&#xe9;&#x1F600;</n><e/><c><![CDATA[<raw & text>]]></c></r>");
	EXPECT_EQ(root.name, "r");
	ASSERT_EQ(root.children.size(), 4u);
	EXPECT_EQ(root.ChildText("k"), "a & b <c> \"d\" 'e'");
	EXPECT_EQ(root.ChildText("n"), "AB\xC3\xA9\xF0\x9F\x98\x80");
	EXPECT_NE(root.Child("e"), nullptr);
	EXPECT_EQ(root.ChildText("e"), "");
	EXPECT_EQ(root.ChildText("c"), "<raw & text>");
	EXPECT_EQ(root.Child("missing"), nullptr);
	EXPECT_EQ(root.ChildText("missing"), "");
}

TEST(S3Xml, DropsNamespacePrefixesAndKeepsSpacesInText) {
	XmlElement root = ParseXml("<s3:R xmlns:s3=\"urn:x\"><s3:Key>  a  b </s3:Key></s3:R>");
	EXPECT_EQ(root.name, "R");
	EXPECT_EQ(root.ChildText("Key"), "  a  b ");
}

TEST(S3Xml, RejectsMalformedDocumentsWithOffset) {
	auto message_of = [](const char *doc) {
		try {
			ParseXml(doc);
		} catch (const hdl::Error &e) {
			EXPECT_EQ(e.kind(), hdl::ErrorKind::ExternalService);
			return std::string(e.what());
		}
		return std::string("no error");
	};
	EXPECT_NE(message_of("<a><b></a>").find("</a> closes <b>"), std::string::npos);
	EXPECT_NE(message_of("<a>x").find("missing </a>"), std::string::npos);
	EXPECT_NE(message_of("<a>&bogus;</a>").find("unknown entity"), std::string::npos);
	EXPECT_NE(message_of("<a>&#0;</a>").find("out of range"), std::string::npos);
	EXPECT_NE(message_of("<a>&#xD800;</a>").find("out of range"), std::string::npos);
	EXPECT_NE(message_of("<a>&amp</a>").find("entity"), std::string::npos);
	EXPECT_NE(message_of("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>").find("DOCTYPE"), std::string::npos);
	EXPECT_NE(message_of("<a></a><b></b>").find("after the root element"), std::string::npos);
	EXPECT_NE(message_of("").find("expected the root element"), std::string::npos);
	EXPECT_NE(message_of("<a>x</a>").find("no error"), std::string::npos);
	EXPECT_NE(message_of("<a><b>").find("byte offset 6"), std::string::npos);
	std::string deep;
	for (int i = 0; i < 100; i++) {
		deep += "<d>";
	}
	EXPECT_NE(message_of(deep.c_str()).find("too deeply"), std::string::npos);
}

TEST(S3Xml, EscapeRoundTrips) {
	std::string text = "a&b<c>\"d\"'e'";
	EXPECT_EQ(XmlEscape(text), "a&amp;b&lt;c&gt;&quot;d&quot;&apos;e&apos;");
	EXPECT_EQ(ParseXml("<x>" + XmlEscape(text) + "</x>").text, text);
}

TEST(S3Xml, ListBucketResult) {
	ListPage page = ParseListBucketResult(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <Contents><Key>p/a &amp; b.ndjson</Key><LastModified>2024-01-02T03:04:05.000Z</LastModified>
    <ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>5000000000</Size>
    <StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>p/c.ndjson</Key><ETag>"abc-3"</ETag><Size>0</Size></Contents>
  <CommonPrefixes><Prefix>p/sub/</Prefix></CommonPrefixes>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>)");
	ASSERT_EQ(page.objects.size(), 2u);
	EXPECT_EQ(page.objects[0].key, "p/a & b.ndjson");
	EXPECT_EQ(page.objects[0].size, 5000000000ull);
	EXPECT_EQ(page.objects[0].etag, "9b2cf535f27731c974343645a3985328");
	EXPECT_EQ(page.objects[0].last_modified, "2024-01-02T03:04:05.000Z");
	EXPECT_EQ(page.objects[1].etag, "abc-3");
	EXPECT_EQ(page.common_prefixes, std::vector<std::string> {"p/sub/"});
	EXPECT_TRUE(page.is_truncated);
	EXPECT_EQ(page.next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");

	ListPage last =
	    ParseListBucketResult("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
	EXPECT_TRUE(last.objects.empty());
	EXPECT_FALSE(last.is_truncated);
}

TEST(S3Xml, ListBucketResultRejectsNonsense) {
	EXPECT_THROW(ParseListBucketResult("<Error><Code>X</Code></Error>"), hdl::Error);
	EXPECT_THROW(ParseListBucketResult("<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents>"
	                                   "</ListBucketResult>"),
	             hdl::Error);
	EXPECT_THROW(
	    ParseListBucketResult("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"),
	    hdl::Error);
}

TEST(S3Xml, ErrorReply) {
	auto reply = ParseErrorReply("<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code>"
	                             "<Message>The specified key does not exist.</Message><Key>a</Key>"
	                             "<RequestId>4442587FB7D0A2F9</RequestId></Error>");
	ASSERT_TRUE(reply.has_value());
	EXPECT_EQ(reply->code, "NoSuchKey");
	EXPECT_EQ(reply->message, "The specified key does not exist.");
	EXPECT_EQ(reply->request_id, "4442587FB7D0A2F9");
	EXPECT_FALSE(ParseErrorReply("").has_value());
	EXPECT_FALSE(ParseErrorReply("<html><body>Bad Gateway</body></html>").has_value());
	EXPECT_FALSE(ParseErrorReply("<Error><Code>truncated").has_value());
}

TEST(S3Xml, MultipartDocuments) {
	EXPECT_EQ(
	    ParseInitiateMultipartUpload("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
	                                 "<UploadId>VXBsb2FkIElE</UploadId></InitiateMultipartUploadResult>"),
	    "VXBsb2FkIElE");
	EXPECT_THROW(ParseInitiateMultipartUpload("<InitiateMultipartUploadResult/>"), hdl::Error);
	EXPECT_EQ(ParseCompleteMultipartUpload(
	              "<CompleteMultipartUploadResult><ETag>&quot;3858f62230ac3c915f300c664312c11f-9"
	              "&quot;</ETag></CompleteMultipartUploadResult>"),
	          "3858f62230ac3c915f300c664312c11f-9");
	EXPECT_THROW(
	    ParseCompleteMultipartUpload("<Error><Code>InternalError</Code><Message>m</Message></Error>"),
	    hdl::Error);
	std::string body = BuildCompleteMultipartUpload({{1, "\"a\""}, {2, "\"b\""}});
	EXPECT_EQ(body,
	          "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
	          "<Part><PartNumber>1</PartNumber><ETag>&quot;a&quot;</ETag></Part>"
	          "<Part><PartNumber>2</PartNumber><ETag>&quot;b&quot;</ETag></Part></CompleteMultipartUpload>");
}
