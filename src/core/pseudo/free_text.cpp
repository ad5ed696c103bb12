// Identifiers typed into free text (see free_text.hpp): one left-to-right scan per string, no
// regular expressions (std::regex would cost more than the rest of pseudonymisation).
#include "core/pseudo/free_text.hpp"
#include "core/depth.hpp"

#include <array>
#include <cctype>

namespace hdl::pseudo {

namespace {

using hdl::json::Value;

bool
IsDigit(char c) noexcept {
	return c >= '0' && c <= '9';
}
bool
IsAlpha(char c) noexcept {
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool
IsAlnum(char c) noexcept {
	return IsDigit(c) || IsAlpha(c);
}
// A match must not run on from a word or a number: "x9434765919" or "94347659190" are not NHS numbers.
// floor: where the last replacement ended (its "]" is a boundary), 0 at first. After ")" nothing
// starts: a phone number's area code can end with it, and "(0113)4960000" is one number.
bool
StartsToken(std::string_view s, size_t i, size_t floor) noexcept {
	return i == floor || !(IsAlnum(s[i - 1]) || s[i - 1] == '@' || s[i - 1] == '.' || s[i - 1] == '_' ||
	                       s[i - 1] == '-' || s[i - 1] == '/' || s[i - 1] == ')');
}
bool
EndsToken(std::string_view s, size_t end) noexcept {
	return end >= s.size() ||
	       !(IsAlnum(s[end]) || s[end] == '@' || s[end] == '_' || s[end] == '-' || s[end] == '/' ||
	         (s[end] == '.' && end + 1 < s.size() && IsDigit(s[end + 1])));
}

// An NHS number at i: ten digits, together or as 3-3-4 with one kind of separator (space or -).
size_t
MatchNhsNumber(std::string_view s, size_t i, size_t floor) {
	if (!StartsToken(s, i, floor))
		return 0;
	std::string digits;
	size_t j = i;
	char sep = 0;
	while (j < s.size() && digits.size() < 10) {
		if (IsDigit(s[j])) {
			digits.push_back(s[j++]);
			continue;
		}
		bool at_group = digits.size() == 3 || digits.size() == 6;
		if (at_group && (s[j] == ' ' || s[j] == '-') && (sep == 0 || sep == s[j]) && j + 1 < s.size() &&
		    IsDigit(s[j + 1]) && (digits.size() == 3 || sep != 0)) {
			sep = s[j++];
			continue;
		}
		break;
	}
	if (digits.size() != 10 || (sep != 0 && j - i != 12) || !EndsToken(s, j) || !IsNhsNumber(digits))
		return 0;
	return j - i;
}

// Whether national (digits, from 0) is a UK number: 10 or 11 digits, 01 02 03 05 07 08 09, a
// mobile (07) always 11.
bool
UkNational(const std::string &national) noexcept {
	static constexpr std::string_view kSecond = "1235789";
	if (national.size() < 10 || national.size() > 11 || national[0] != '0' ||
	    kSecond.find(national[1]) == std::string_view::npos)
		return false;
	return national[1] != '7' || national.size() == 11;
}

// A UK phone number at i: 0 or +44 (optionally "(0)") then the national number, in groups
// separated by single spaces or hyphens, the area code possibly in parentheses. The number is
// the longest run of whole groups that makes a UK number, so "07700900123 07700900456" is two
// and the groups after a number are looked at again (on their own) by the caller.
size_t
MatchPhone(std::string_view s, size_t i, size_t floor) {
	if (!StartsToken(s, i, floor))
		return 0;
	size_t j = i;
	std::string national;
	if (s.compare(j, 3, "+44") == 0) {
		j += 3;
		if (j < s.size() && s[j] == ' ')
			j++;
		if (s.compare(j, 3, "(0)") == 0)
			j += 3;
		national = "0";
	}
	bool open = false;
	size_t best = 0; // the end of the longest match so far
	while (j < s.size() && national.size() <= 11) {
		char c = s[j];
		if (IsDigit(c)) {
			national.push_back(c);
			j++;
			if (j < s.size() && IsDigit(s[j]))
				continue;
			// the end of a group: a number here if it is one and nothing runs on
			if (!open && UkNational(national) && EndsToken(s, j))
				best = j;
		} else if (c == '(' && !open && national.size() <= 1) {
			open = true;
			j++;
		} else if (c == ')' && open) {
			open = false;
			j++;
			if (UkNational(national) && EndsToken(s, j))
				best = j;
		} else if ((c == ' ' || c == '-') && !national.empty() && j + 1 < s.size() &&
		           (IsDigit(s[j + 1]) || s[j + 1] == '(')) {
			j++;
		} else {
			break;
		}
	}
	return best == 0 ? 0 : best - i;
}

// A full UK postcode at i: outward code (A9, A99, AA9, AA99, A9A, AA9A), an optional space,
// inward code (9AA, letters never C I K M O V). Either case.
size_t
MatchPostcode(std::string_view s, size_t i, size_t floor) {
	if (!StartsToken(s, i, floor) || !IsAlpha(s[i]))
		return 0;
	auto upper = [&](size_t k) {
		return static_cast<char>(std::toupper(static_cast<unsigned char>(s[k])));
	};
	size_t j = i + 1;
	if (j < s.size() && IsAlpha(s[j]))
		j++;
	if (j >= s.size() || !IsDigit(s[j]))
		return 0;
	size_t outward_end = j + 1; // after the district digit: an optional digit or letter follows
	auto inward_at = [&](size_t k) -> size_t {
		if (k < s.size() && s[k] == ' ')
			k++;
		if (k + 3 > s.size() || !IsDigit(s[k]) || !IsAlpha(s[k + 1]) || !IsAlpha(s[k + 2]))
			return 0;
		static constexpr std::string_view kNever = "CIKMOV";
		if (kNever.find(upper(k + 1)) != std::string_view::npos ||
		    kNever.find(upper(k + 2)) != std::string_view::npos)
			return 0;
		return EndsToken(s, k + 3) ? k + 3 : 0;
	};
	// the longest outward code first: "SW1A 1AA", "M60 1NW", then "M1 1AE"
	if (outward_end < s.size() && IsAlnum(s[outward_end]))
		if (size_t end = inward_at(outward_end + 1); end != 0)
			return end - i;
	if (size_t end = inward_at(outward_end); end != 0)
		return end - i;
	return 0;
}

bool
EmailLocal(char c) noexcept {
	return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool
EmailDomain(char c) noexcept {
	return IsAlnum(c) || c == '.' || c == '-';
}

// An e-mail address around the '@' at `at`: [begin, end) or nothing. Its local part starts at
// `floor` at the earliest (the end of the last replacement: "a@b.co+c@d.org" is two addresses).
bool
MatchEmail(std::string_view s, size_t at, size_t floor, size_t &begin, size_t &end) {
	begin = at;
	while (begin > floor && EmailLocal(s[begin - 1]))
		begin--;
	end = at + 1;
	while (end < s.size() && EmailDomain(s[end]))
		end++;
	while (end > at + 1 && (s[end - 1] == '.' || s[end - 1] == '-')) // a sentence's full stop
		end--;
	// nothing starts after ")" (see StartsToken)
	if (begin == at || end == at + 1 || (begin > floor && s[begin - 1] == ')'))
		return false;
	std::string_view domain = s.substr(at + 1, end - at - 1);
	size_t dot = domain.rfind('.');
	if (dot == std::string_view::npos || dot == 0 || domain.size() - dot - 1 < 2)
		return false;
	for (size_t k = dot + 1; k < domain.size(); k++)
		if (!IsAlpha(domain[k]))
			return false;
	return true;
}

bool
Worth(const std::string &s) noexcept {
	for (char c : s)
		if (IsDigit(c) || c == '@')
			return true;
	return false;
}

// Keys whose strings are machine values, never free text.
bool
MachineKey(const std::string &key) noexcept {
	// postalCode: an address's postcode is structured data, the de-identification rules' business
	// (a person's is generalised, an organisation's kept)
	static constexpr std::array<std::string_view, 23> kKeys = {
	    "reference", "system",     "url",          "fullUrl",  "id",          "code",
	    "linkId",    "version",    "unit",         "language", "contentType", "data",
	    "hash",      "profile",    "resourceType", "div",      "versionId",   "lastUpdated",
	    "source",    "definition", "canonical",    "uri",      "postalCode"};
	for (std::string_view k : kKeys)
		if (key == k)
			return true;
	return false;
}

int
Walk(Value &node) {
	hdl::depth::Guard guard("resource");
	int n = 0;
	if (node.isObject()) {
		bool has_system = node.find("system") != nullptr;
		for (Value::Member &m : node.members()) {
			if (m.value.isString()) { // a machine key's object (a CodeableConcept "code") is walked
				if (!MachineKey(m.key) && !(has_system && m.key == "value") && Worth(m.value.str()))
					n += RedactIdentifiers(m.value.str());
			} else if (m.value.isStructured()) {
				n += Walk(m.value);
			}
		}
	} else if (node.isArray()) {
		for (Value &v : node.elements()) {
			if (v.isString()) {
				if (Worth(v.str()))
					n += RedactIdentifiers(v.str());
			} else if (v.isStructured()) {
				n += Walk(v);
			}
		}
	}
	return n;
}

} // namespace

bool
IsNhsNumber(std::string_view d) noexcept {
	if (d.size() != 10)
		return false;
	int sum = 0;
	for (int k = 0; k < 9; k++) {
		if (!IsDigit(d[k]))
			return false;
		sum += (d[k] - '0') * (10 - k);
	}
	int check = 11 - sum % 11;
	if (check == 11)
		check = 0;
	return check != 10 && IsDigit(d[9]) && check == d[9] - '0';
}

int
RedactIdentifiers(std::string &text) {
	std::string_view s(text);
	std::string out;
	int n = 0;
	size_t copied = 0;
	size_t i = 0;
	auto replace = [&](size_t begin, size_t end, const char *with) {
		out.append(text, copied, begin - copied);
		out.append(with);
		copied = end;
		n++;
	};
	while (i < s.size()) {
		char c = s[i];
		size_t len = 0;
		const char *with = nullptr;
		if (IsDigit(c)) {
			if ((len = MatchNhsNumber(s, i, copied)) != 0)
				with = RedactedNhsNumber;
			else if ((len = MatchPhone(s, i, copied)) != 0)
				with = RedactedPhone;
		} else if (c == '+' || c == '(') {
			if ((len = MatchPhone(s, i, copied)) != 0)
				with = RedactedPhone;
		} else if (IsAlpha(c)) {
			if ((len = MatchPostcode(s, i, copied)) != 0)
				with = RedactedPostcode;
		} else if (c == '@') {
			size_t begin = 0;
			size_t end = 0;
			if (MatchEmail(s, i, copied, begin, end)) {
				replace(begin, end, RedactedEmail);
				i = end;
				continue;
			}
		}
		if (with != nullptr) {
			replace(i, i + len, with);
			i += len;
		} else {
			i++;
		}
	}
	if (n == 0)
		return 0;
	out.append(text, copied, std::string::npos);
	text = std::move(out);
	return n;
}

int
RedactFreeText(Value &resource) {
	return Walk(resource);
}

} // namespace hdl::pseudo
