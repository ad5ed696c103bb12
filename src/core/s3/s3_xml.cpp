// S3 XML documents: ListBucketResult, Error, InitiateMultipartUploadResult, CompleteMultipartUpload.
#include "core/s3/s3_xml.hpp"

#include <cerrno>
#include <cstdlib>

#include "core/error.hpp"
#include "core/s3/xml_reader.hpp"

namespace hdl::s3 {

namespace {

XmlElement
ParseRoot(std::string_view xml, std::string_view expected_root) {
	XmlElement root = ParseXml(xml);
	if (root.name != expected_root) {
		throw Error(ErrorKind::ExternalService, "S3 reply has root element <" + root.name + ">, expected <" +
		                                            std::string(expected_root) + ">");
	}
	return root;
}

uint64_t
ParseSize(const std::string &text, const std::string &key) {
	char *end = nullptr;
	errno = 0;
	unsigned long long value = std::strtoull(text.c_str(), &end, 10);
	if (text.empty() || text[0] == '-' || *end != '\0' || errno == ERANGE) {
		throw Error(ErrorKind::ExternalService,
		            "S3 listing has an invalid size \"" + text + "\" for \"" + key + "\"");
	}
	return value;
}

} // namespace

std::string
Unquote(std::string_view etag) {
	if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
		etag = etag.substr(1, etag.size() - 2);
	}
	return std::string(etag);
}

ListPage
ParseListBucketResult(std::string_view xml) {
	XmlElement root = ParseRoot(xml, "ListBucketResult");
	ListPage page;
	for (const XmlElement &child : root.children) {
		if (child.name == "Contents") {
			ObjectInfo info;
			info.key = child.ChildText("Key");
			info.size = ParseSize(child.ChildText("Size"), info.key);
			info.etag = Unquote(child.ChildText("ETag"));
			info.last_modified = child.ChildText("LastModified");
			page.objects.push_back(std::move(info));
		} else if (child.name == "CommonPrefixes") {
			page.common_prefixes.push_back(child.ChildText("Prefix"));
		} else if (child.name == "IsTruncated") {
			page.is_truncated = child.text == "true";
		} else if (child.name == "NextContinuationToken") {
			page.next_continuation_token = child.text;
		}
	}
	if (page.is_truncated && page.next_continuation_token.empty()) {
		throw Error(ErrorKind::ExternalService, "S3 listing is truncated but has no NextContinuationToken");
	}
	return page;
}

std::optional<ErrorReply>
ParseErrorReply(std::string_view xml) {
	if (xml.find("<Error") == std::string_view::npos) {
		return std::nullopt;
	}
	try {
		XmlElement root = ParseXml(xml);
		if (root.name != "Error") {
			return std::nullopt;
		}
		return ErrorReply {root.ChildText("Code"), root.ChildText("Message"), root.ChildText("RequestId")};
	} catch (const Error &) {
		return std::nullopt; // an unparsable error body: the caller reports the HTTP status alone
	}
}

std::string
ParseInitiateMultipartUpload(std::string_view xml) {
	std::string upload_id = ParseRoot(xml, "InitiateMultipartUploadResult").ChildText("UploadId");
	if (upload_id.empty()) {
		throw Error(ErrorKind::ExternalService, "S3 reply to CreateMultipartUpload has no UploadId");
	}
	return upload_id;
}

std::string
ParseCompleteMultipartUpload(std::string_view xml) {
	XmlElement root = ParseXml(xml);
	if (root.name == "Error") {
		// S3 may answer 200 and report the failure in the body (the request ran for a long time).
		throw Error(ErrorKind::ExternalService,
		            "S3 CompleteMultipartUpload failed: " + root.ChildText("Code") + ": " +
		                root.ChildText("Message"));
	}
	if (root.name != "CompleteMultipartUploadResult") {
		throw Error(ErrorKind::ExternalService, "S3 reply has root element <" + root.name +
		                                            ">, expected <CompleteMultipartUploadResult>");
	}
	return Unquote(root.ChildText("ETag"));
}

std::string
BuildCompleteMultipartUpload(const std::vector<CompletedPart> &parts) {
	std::string xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
	for (const CompletedPart &part : parts) {
		xml += "<Part><PartNumber>" + std::to_string(part.part_number) + "</PartNumber><ETag>" +
		       XmlEscape(part.etag) + "</ETag></Part>";
	}
	xml += "</CompleteMultipartUpload>";
	return xml;
}

} // namespace hdl::s3
