// Parsing of Bundle request urls, conditional references, ifNoneExist and ifMatch.
#include "core/ingest/request.hpp"
#include "core/fhir/redact.hpp"
#include "core/error.hpp"

#include <cctype>
#include <cstdio>
#include <random>

namespace hdl::ingest {

namespace {

int
HexValue(char c) {
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

std::string
PercentDecode(std::string_view s) {
	std::string out;
	out.reserve(s.size());
	for (size_t i = 0; i < s.size(); i++) {
		if (s[i] == '%' && i + 2 < s.size()) {
			int hi = HexValue(s[i + 1]);
			int lo = HexValue(s[i + 2]);
			if (hi >= 0 && lo >= 0) {
				out.push_back(static_cast<char>(hi * 16 + lo));
				i += 2;
				continue;
			}
		}
		out.push_back(s[i]);
	}
	return out;
}

bool
IsTypeName(std::string_view s) noexcept {
	if (s.empty() || !std::isupper(static_cast<unsigned char>(s[0])))
		return false;
	for (char c : s)
		if (!std::isalnum(static_cast<unsigned char>(c)))
			return false;
	return true;
}

void
ParseQuery(std::string_view query, RequestUrl &out, std::string_view whole) {
	size_t eq = query.find('=');
	std::string_view name = query.substr(0, eq);
	if (eq == std::string_view::npos || query.find('&') != std::string_view::npos || name != "identifier")
		throw Error(ErrorKind::NotSupported,
		            "conditional search " + fhir::Quoted(whole) + " is not supported",
		            "hdl resolves conditional creates, updates and references by a single identifier only.",
		            "Use Type?identifier=system|value.");
	std::string value = PercentDecode(query.substr(eq + 1));
	size_t bar = value.find('|');
	out.conditional = true;
	if (bar == std::string::npos) {
		out.identifier_value = value;
	} else {
		out.has_system = true;
		out.identifier_system = value.substr(0, bar);
		out.identifier_value = value.substr(bar + 1);
	}
	if (out.identifier_value.empty())
		throw Error(ErrorKind::InvalidParameter, "conditional search " + fhir::Quoted(whole) + " has no identifier value");
}

} // namespace

bool
IsValidId(std::string_view id) noexcept {
	if (id.empty() || id.size() > 64)
		return false;
	for (char c : id)
		if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'))
			return false;
	return true;
}

RequestUrl
ParseRequestUrl(std::string_view url) {
	RequestUrl out;
	size_t q = url.find('?');
	std::string_view path = url.substr(0, q);
	size_t slash = path.find('/');
	out.type = std::string(path.substr(0, slash));
	if (!IsTypeName(out.type))
		throw Error(ErrorKind::InvalidParameter, "invalid request url " + fhir::Quoted(url),
		            "The url must start with a resource type, as in Patient, Patient/123 or Patient?identifier=s|v.");
	if (slash != std::string_view::npos) {
		out.id = std::string(path.substr(slash + 1));
		if (!IsValidId(out.id) || q != std::string_view::npos)
			throw Error(ErrorKind::InvalidParameter, "invalid request url " + fhir::Quoted(url),
			            "A resource id has 1 to 64 letters, digits, '-' or '.'.");
	}
	if (q != std::string_view::npos)
		ParseQuery(url.substr(q + 1), out, url);
	return out;
}

RequestUrl
ParseIfNoneExist(std::string_view type, std::string_view query) {
	if (query.find('?') != std::string_view::npos)
		return ParseRequestUrl(query);
	RequestUrl out;
	out.type = std::string(type);
	ParseQuery(query, out, query);
	return out;
}

std::optional<int>
ParseIfMatch(std::string_view etag) {
	if (etag.substr(0, 2) == "W/")
		etag.remove_prefix(2);
	if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
		etag = etag.substr(1, etag.size() - 2);
	if (etag.empty() || etag.size() > 9)
		return std::nullopt;
	int v = 0;
	for (char c : etag) {
		if (c < '0' || c > '9')
			return std::nullopt;
		v = v * 10 + (c - '0');
	}
	return v;
}

std::string
NewUuid() {
	static thread_local std::mt19937_64 rng([] {
		std::random_device rd;
		std::seed_seq seq {rd(), rd(), rd(), rd()};
		return std::mt19937_64(seq);
	}());
	uint64_t hi = rng(), lo = rng();
	hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull; // version 4
	lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull; // variant 10
	char buf[37];
	std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
	              static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
	              static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
	return buf;
}

} // namespace hdl::ingest
