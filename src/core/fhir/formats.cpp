// FHIR R4 primitive formats, checked by hand (this runs on every ingested value).
#include "core/calendar/civil.hpp"
#include "core/fhir/formats.hpp"

namespace hdl::fhir {

using calendar::DaysInMonth;
using calendar::ReadDigits;

namespace {

bool
IsDigit(char c) noexcept {
	return c >= '0' && c <= '9';
}

bool
IsAsciiSpace(char c) noexcept {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Date part:
// ([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)? (any
// year but 0000). Returns the number of characters read (4, 7 or 10), 0 when invalid.
size_t
ParseDatePart(std::string_view s) noexcept {
	int year, month, day;
	if (!ReadDigits(s, 0, 4, year) || year == 0)
		return 0;
	if (s.size() == 4 || s[4] != '-')
		return 4;
	if (!ReadDigits(s, 5, 2, month) || month < 1 || month > 12)
		return 0;
	if (s.size() == 7 || s[7] != '-')
		return 7;
	if (!ReadDigits(s, 8, 2, day) || day < 1 || day > DaysInMonth(year, month))
		return 0;
	return 10;
}

// hh:mm:ss(.f+)? with hh 00-23, mm 00-59, ss 00-60. Returns characters read, 0 when invalid.
size_t
ParseTimePart(std::string_view s) noexcept {
	int h, m, sec;
	if (!ReadDigits(s, 0, 2, h) || h > 23 || s.size() < 8 || s[2] != ':' || !ReadDigits(s, 3, 2, m) || m > 59 ||
	    s[5] != ':' || !ReadDigits(s, 6, 2, sec) || sec > 60)
		return 0;
	size_t pos = 8;
	if (pos < s.size() && s[pos] == '.') {
		size_t start = ++pos;
		while (pos < s.size() && IsDigit(s[pos]))
			pos++;
		if (pos == start)
			return 0;
	}
	return pos;
}

// Z|(+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00), and nothing after it.
bool
IsTimeZone(std::string_view s) noexcept {
	if (s == "Z")
		return true;
	int h, m;
	if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' || !ReadDigits(s, 1, 2, h) ||
	    !ReadDigits(s, 4, 2, m))
		return false;
	return (h <= 13 && m <= 59) || (h == 14 && m == 0);
}

// Full date, 'T', time, zone.
bool
IsFullDateTime(std::string_view s) noexcept {
	if (ParseDatePart(s) != 10 || s.size() < 11 || s[10] != 'T')
		return false;
	std::string_view rest = s.substr(11);
	size_t t = ParseTimePart(rest);
	return t != 0 && IsTimeZone(rest.substr(t));
}

bool
IsBase64Char(char c) noexcept {
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || IsDigit(c) || c == '+' || c == '/' || c == '=';
}

} // namespace

// [A-Za-z0-9\-\.]{1,64}
bool
IsValidId(std::string_view s) noexcept {
	if (s.empty() || s.size() > 64)
		return false;
	for (char c : s)
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || IsDigit(c) || c == '-' || c == '.'))
			return false;
	return true;
}

bool
IsValidDate(std::string_view s) noexcept {
	size_t n = ParseDatePart(s);
	return n != 0 && n == s.size();
}

bool
IsValidDateTime(std::string_view s) noexcept {
	size_t n = ParseDatePart(s);
	if (n == 0)
		return false;
	if (n == s.size())
		return true;
	return n == 10 && IsFullDateTime(s);
}

bool
IsValidInstant(std::string_view s) noexcept {
	return IsFullDateTime(s);
}

bool
IsValidTime(std::string_view s) noexcept {
	size_t n = ParseTimePart(s);
	return n != 0 && n == s.size();
}

// [^\s]+(\s[^\s]+)*
bool
IsValidCode(std::string_view s) noexcept {
	if (s.empty() || IsAsciiSpace(s.front()) || IsAsciiSpace(s.back()))
		return false;
	for (size_t i = 1; i < s.size(); i++)
		if (IsAsciiSpace(s[i]) && IsAsciiSpace(s[i - 1]))
			return false;
	return true;
}

// \S* (and FHIR JSON allows no empty strings)
bool
IsValidUri(std::string_view s) noexcept {
	if (s.empty())
		return false;
	for (char c : s)
		if (IsAsciiSpace(c))
			return false;
	return true;
}

// urn:oid:[0-2](\.(0|[1-9][0-9]*))+
bool
IsValidOid(std::string_view s) noexcept {
	constexpr std::string_view kPrefix = "urn:oid:";
	if (s.substr(0, kPrefix.size()) != kPrefix)
		return false;
	s.remove_prefix(kPrefix.size());
	if (s.size() < 3 || s[0] < '0' || s[0] > '2')
		return false;
	size_t pos = 1;
	while (pos < s.size()) {
		if (s[pos] != '.' || pos + 1 >= s.size() || !IsDigit(s[pos + 1]))
			return false;
		size_t start = ++pos;
		while (pos < s.size() && IsDigit(s[pos]))
			pos++;
		if (s[start] == '0' && pos - start > 1)
			return false;
	}
	return true;
}

// urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}
bool
IsValidUuid(std::string_view s) noexcept {
	constexpr std::string_view kPrefix = "urn:uuid:";
	if (s.size() != kPrefix.size() + 36 || s.substr(0, kPrefix.size()) != kPrefix)
		return false;
	s.remove_prefix(kPrefix.size());
	for (size_t i = 0; i < s.size(); i++) {
		char c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return false;
		} else if (!IsDigit(c) && !(c >= 'a' && c <= 'f')) {
			return false;
		}
	}
	return true;
}

// (\s*([0-9a-zA-Z\+/=]){4}\s*)+
bool
IsValidBase64(std::string_view s) noexcept {
	size_t inGroup = 0;
	size_t groups = 0;
	for (char c : s) {
		if (IsAsciiSpace(c)) {
			if (inGroup != 0)
				return false;
		} else if (IsBase64Char(c)) {
			if (++inGroup == 4) {
				inGroup = 0;
				groups++;
			}
		} else {
			return false;
		}
	}
	return inGroup == 0 && groups > 0;
}

// [ \r\n\t\S]+
bool
IsValidString(std::string_view s) noexcept {
	if (s.empty())
		return false;
	for (char c : s)
		if (c == '\f' || c == '\v')
			return false;
	return true;
}

size_t
FindControlCharacter(std::string_view s) noexcept {
	for (size_t i = 0; i < s.size(); i++) {
		unsigned char c = static_cast<unsigned char>(s[i]);
		if (c < 0x20 && c != '\t' && c != '\r' && c != '\n')
			return i;
	}
	return std::string_view::npos;
}

bool
IsStringDerived(r4::Primitive kind) noexcept {
	return kind == r4::Primitive::String || kind == r4::Primitive::Code || kind == r4::Primitive::Id ||
	       kind == r4::Primitive::Markdown;
}

size_t
CountCodePoints(std::string_view utf8) noexcept {
	size_t n = 0;
	for (char c : utf8)
		if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
			n++;
	return n;
}

bool
IsValidXhtml(std::string_view s) noexcept {
	size_t pos = 0;
	while (pos < s.size() && IsAsciiSpace(s[pos]))
		pos++;
	s.remove_prefix(pos);
	return s.substr(0, 4) == "<div" && s.size() > 4 && (s[4] == '>' || s[4] == '/' || IsAsciiSpace(s[4]));
}

bool
IsValidStringPrimitive(r4::Primitive kind, std::string_view s) noexcept {
	using r4::Primitive;
	switch (kind) {
	case Primitive::Base64Binary:
		return IsValidBase64(s);
	case Primitive::Canonical:
	case Primitive::Uri:
	case Primitive::Url:
		return IsValidUri(s);
	case Primitive::Code:
		return IsValidCode(s);
	case Primitive::Date:
		return IsValidDate(s);
	case Primitive::DateTime:
		return IsValidDateTime(s);
	case Primitive::Id:
		return IsValidId(s);
	case Primitive::Instant:
		return IsValidInstant(s);
	case Primitive::Markdown:
	case Primitive::String:
		return IsValidString(s);
	case Primitive::Oid:
		return IsValidOid(s);
	case Primitive::Time:
		return IsValidTime(s);
	case Primitive::Uuid:
		return IsValidUuid(s);
	case Primitive::Xhtml:
		return IsValidXhtml(s);
	default:
		return true;
	}
}

bool
IsValidIntegerValue(r4::Primitive kind, int64_t value) noexcept {
	constexpr int64_t kMax = 2147483647;
	switch (kind) {
	case r4::Primitive::Integer:
		return value >= -kMax - 1 && value <= kMax;
	case r4::Primitive::PositiveInt:
		return value >= 1 && value <= kMax;
	case r4::Primitive::UnsignedInt:
		return value >= 0 && value <= kMax;
	default:
		return true;
	}
}

const char *
PrimitiveName(r4::Primitive kind) noexcept {
	static const char *const kNames[] = {
	    "",        "base64Binary", "boolean",     "canonical", "code",     "date", "dateTime",
	    "decimal", "id",           "instant",     "integer",   "markdown", "oid",  "positiveInt",
	    "string",  "time",         "unsignedInt", "uri",       "url",      "uuid", "xhtml"};
	auto i = static_cast<size_t>(kind);
	return i < sizeof(kNames) / sizeof(kNames[0]) ? kNames[i] : "";
}

} // namespace hdl::fhir
