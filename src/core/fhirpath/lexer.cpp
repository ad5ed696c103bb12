// FHIRPath tokenizer (see lexer.hpp).
#include "core/fhirpath/lexer.hpp"
#include "core/error.hpp"
#include "core/fhirpath/temporal.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace hdl::fhirpath {

namespace {

[[noreturn]] void
Fail(std::string_view expr, size_t offset, const std::string &what) {
	throw Error(ErrorKind::InvalidParameter, "invalid FHIRPath expression \"" + std::string(expr) +
	                                             "\": " + what + " at offset " + std::to_string(offset));
}

bool
IsIdentStart(char c) {
	return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

bool
IsIdentPart(char c) {
	return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

void
AppendUtf8(std::string &out, unsigned cp) {
	if (cp < 0x80) {
		out.push_back(static_cast<char>(cp));
	} else if (cp < 0x800) {
		out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
		out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
	} else {
		out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
		out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
		out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
	}
}

// Reads a quoted string or delimited identifier starting at expr[pos] (the quote).
std::string
ReadQuoted(std::string_view expr, size_t &pos) {
	char quote = expr[pos];
	size_t start = pos;
	pos++;
	std::string out;
	while (pos < expr.size() && expr[pos] != quote) {
		char c = expr[pos];
		if (c == '\\' && pos + 1 < expr.size()) {
			char e = expr[pos + 1];
			pos += 2;
			switch (e) {
			case 'n':
				out.push_back('\n');
				break;
			case 'r':
				out.push_back('\r');
				break;
			case 't':
				out.push_back('\t');
				break;
			case 'f':
				out.push_back('\f');
				break;
			case 'u': {
				// four hex digits exactly (std::stoul would throw, or take "+1" or " 1f")
				if (pos + 4 > expr.size() || !std::all_of(expr.begin() + pos, expr.begin() + pos + 4, [](char h) {
					    return std::isxdigit(static_cast<unsigned char>(h)) != 0;
				    }))
					Fail(expr, pos, "bad \\u escape");
				unsigned cp = static_cast<unsigned>(std::strtoul(std::string(expr.substr(pos, 4)).c_str(), nullptr, 16));
				AppendUtf8(out, cp);
				pos += 4;
				break;
			}
			default:
				out.push_back(e); // \' \" \` \\ \/
			}
			continue;
		}
		out.push_back(c);
		pos++;
	}
	if (pos >= expr.size())
		Fail(expr, start, "unterminated quoted text");
	pos++;
	return out;
}

} // namespace

std::vector<Token>
Tokenize(std::string_view expr) {
	std::vector<Token> tokens;
	size_t pos = 0;
	while (true) {
		while (pos < expr.size() && std::isspace(static_cast<unsigned char>(expr[pos])))
			pos++;
		if (pos + 1 < expr.size() && expr[pos] == '/' && expr[pos + 1] == '/') {
			while (pos < expr.size() && expr[pos] != '\n')
				pos++;
			continue;
		}
		if (pos + 1 < expr.size() && expr[pos] == '/' && expr[pos + 1] == '*') {
			size_t end = expr.find("*/", pos + 2);
			if (end == std::string_view::npos)
				Fail(expr, pos, "unterminated comment");
			pos = end + 2;
			continue;
		}
		Token t;
		t.offset = pos;
		if (pos >= expr.size()) {
			tokens.push_back(t);
			return tokens;
		}
		char c = expr[pos];
		if (IsIdentStart(c)) {
			size_t start = pos;
			while (pos < expr.size() && IsIdentPart(expr[pos]))
				pos++;
			t.kind = TokenKind::Identifier;
			t.text = std::string(expr.substr(start, pos - start));
		} else if (c == '`') {
			t.kind = TokenKind::Identifier;
			t.delimited = true;
			t.text = ReadQuoted(expr, pos);
		} else if (c == '\'') {
			t.kind = TokenKind::String;
			t.text = ReadQuoted(expr, pos);
		} else if (std::isdigit(static_cast<unsigned char>(c))) {
			size_t start = pos;
			while (pos < expr.size() && std::isdigit(static_cast<unsigned char>(expr[pos])))
				pos++;
			t.kind = TokenKind::Integer;
			if (pos + 1 < expr.size() && expr[pos] == '.' &&
			    std::isdigit(static_cast<unsigned char>(expr[pos + 1]))) {
				pos++;
				while (pos < expr.size() && std::isdigit(static_cast<unsigned char>(expr[pos])))
					pos++;
				t.kind = TokenKind::Decimal;
			}
			t.text = std::string(expr.substr(start, pos - start));
			if (t.kind == TokenKind::Integer && pos < expr.size() && expr[pos] == 'L') {
				t.kind = TokenKind::Long;
				pos++;
			}
		} else if (c == '@') {
			size_t start = ++pos;
			while (pos < expr.size() &&
			       (std::isalnum(static_cast<unsigned char>(expr[pos])) || expr[pos] == '-' ||
			        expr[pos] == ':' || expr[pos] == '.' || expr[pos] == '+')) {
				// A '.' only belongs to the literal when digits follow (fractional seconds).
				if (expr[pos] == '.' &&
				    !(pos + 1 < expr.size() && std::isdigit(static_cast<unsigned char>(expr[pos + 1]))))
					break;
				pos++;
			}
			t.text = std::string(expr.substr(start, pos - start));
			Temporal tmp;
			if (!t.text.empty() && t.text[0] == 'T') {
				t.kind = TokenKind::Time;
				t.text.erase(0, 1);
				if (!ParseTime(t.text, tmp))
					Fail(expr, start, "invalid time literal");
			} else if (t.text.find('T') != std::string::npos) {
				t.kind = TokenKind::DateTime;
				if (!ParseDateTime(t.text, tmp))
					Fail(expr, start, "invalid dateTime literal");
			} else {
				t.kind = TokenKind::Date;
				if (!ParseDate(t.text, tmp))
					Fail(expr, start, "invalid date literal");
			}
		} else if (c == '%') {
			pos++;
			t.kind = TokenKind::Constant;
			if (pos < expr.size() && (expr[pos] == '`' || expr[pos] == '\'')) {
				t.text = ReadQuoted(expr, pos);
			} else {
				size_t start = pos;
				while (pos < expr.size() && IsIdentPart(expr[pos]))
					pos++;
				t.text = std::string(expr.substr(start, pos - start));
				if (t.text.empty())
					Fail(expr, start, "constant name expected after '%'");
			}
		} else if (c == '$') {
			size_t start = ++pos;
			while (pos < expr.size() && IsIdentPart(expr[pos]))
				pos++;
			t.kind = TokenKind::Special;
			t.text = std::string(expr.substr(start, pos - start));
			if (t.text != "this" && t.text != "index" && t.text != "total")
				Fail(expr, start - 1, "unknown variable $" + t.text);
		} else {
			static const char *two[] = {"!=", "!~", "<=", ">="};
			t.kind = TokenKind::Symbol;
			for (const char *s : two) {
				if (expr.substr(pos, 2) == s) {
					t.text = s;
					break;
				}
			}
			if (t.text.empty()) {
				if (std::string_view(".,()[]{}+-*/&|=~<>").find(c) == std::string_view::npos)
					Fail(expr, pos, std::string("unexpected character '") + c + "'");
				t.text = std::string(1, c);
			}
			pos += t.text.size();
		}
		tokens.push_back(std::move(t));
	}
}

} // namespace hdl::fhirpath
