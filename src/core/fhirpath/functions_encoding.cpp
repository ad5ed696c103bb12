// FHIRPath encode()/decode() (base64, urlbase64, hex) and escape()/unescape() (html, json).
#include "core/fhirpath/evaluator.hpp"
#include "core/json/value.hpp"

namespace hdl::fhirpath::detail {

namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string
Base64Encode(std::string_view in, bool url) {
	std::string out;
	out.reserve((in.size() + 2) / 3 * 4);
	for (size_t i = 0; i < in.size(); i += 3) {
		uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16;
		if (i + 1 < in.size())
			n |= static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
		if (i + 2 < in.size())
			n |= static_cast<unsigned char>(in[i + 2]);
		size_t have = in.size() - i < 3 ? in.size() - i : 3;
		for (size_t k = 0; k < 4; k++) {
			if (k > have) {
				out.push_back('=');
				continue;
			}
			char c = kBase64[(n >> (18 - 6 * k)) & 63];
			if (url && c == '+')
				c = '-';
			else if (url && c == '/')
				c = '_';
			out.push_back(c);
		}
	}
	return out;
}

int
Base64Digit(char c) {
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

// Both alphabets are accepted; false on a character outside them.
bool
Base64Decode(std::string_view in, std::string &out) {
	uint32_t acc = 0;
	int bits = 0;
	for (char c : in) {
		if (c == '=')
			break;
		int d = Base64Digit(c);
		if (d < 0)
			return false;
		acc = (acc << 6) | static_cast<uint32_t>(d);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out.push_back(static_cast<char>((acc >> bits) & 0xFF));
		}
	}
	return true;
}

std::string
HexEncode(std::string_view in) {
	static const char digits[] = "0123456789abcdef";
	std::string out;
	for (char c : in) {
		auto b = static_cast<unsigned char>(c);
		out.push_back(digits[b >> 4]);
		out.push_back(digits[b & 15]);
	}
	return out;
}

int
HexDigit(char c) {
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
HexDecode(std::string_view in, std::string &out) {
	if (in.size() % 2)
		return false;
	for (size_t i = 0; i < in.size(); i += 2) {
		int hi = HexDigit(in[i]), lo = HexDigit(in[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out.push_back(static_cast<char>(hi * 16 + lo));
	}
	return true;
}

std::string
HtmlEscape(std::string_view in) {
	std::string out;
	for (char c : in) {
		switch (c) {
		case '&':
			out += "&amp;";
			break;
		case '<':
			out += "&lt;";
			break;
		case '>':
			out += "&gt;";
			break;
		case '"':
			out += "&quot;";
			break;
		case '\'':
			out += "&#39;";
			break;
		default:
			out.push_back(c);
		}
	}
	return out;
}

void
AppendUtf8(uint32_t cp, std::string &out) {
	if (cp < 0x80) {
		out.push_back(static_cast<char>(cp));
	} else if (cp < 0x800) {
		out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
		out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
		out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
		out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
	} else {
		out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
		out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
		out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
		out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
	}
}

// The named entities escape() writes plus numeric references; others are kept as written.
std::string
HtmlUnescape(std::string_view in) {
	static const std::pair<std::string_view, char> named[] = {
	    {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
	std::string out;
	for (size_t i = 0; i < in.size(); i++) {
		size_t semi = in[i] == '&' ? in.find(';', i) : std::string_view::npos;
		if (semi == std::string_view::npos || semi - i > 10) {
			out.push_back(in[i]);
			continue;
		}
		std::string_view name = in.substr(i + 1, semi - i - 1);
		bool done = false;
		if (name.size() > 1 && name[0] == '#') {
			bool hex = name[1] == 'x' || name[1] == 'X';
			uint32_t cp = 0;
			size_t k = hex ? 2 : 1;
			bool ok = k < name.size();
			for (; ok && k < name.size(); k++) {
				int d = hex ? HexDigit(name[k]) : (name[k] >= '0' && name[k] <= '9' ? name[k] - '0' : -1);
				if (d < 0 || cp > 0x10FFFF)
					ok = false;
				else
					cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
			}
			if (ok && cp <= 0x10FFFF) {
				AppendUtf8(cp, out);
				done = true;
			}
		} else {
			for (const auto &n : named) {
				if (n.first == name) {
					out.push_back(n.second);
					done = true;
				}
			}
		}
		if (done)
			i = semi;
		else
			out.push_back(in[i]);
	}
	return out;
}

// escape('json'): the content of a JSON string literal, as hdl's JSON writer quotes it.
std::string
JsonEscape(std::string_view in) {
	std::string quoted;
	json::AppendQuoted(quoted, in);
	return quoted.substr(1, quoted.size() - 2);
}

std::string
JsonUnescape(std::string_view in) {
	std::string out;
	for (size_t i = 0; i < in.size(); i++) {
		if (in[i] != '\\' || i + 1 >= in.size()) {
			out.push_back(in[i]);
			continue;
		}
		char c = in[++i];
		switch (c) {
		case 'n':
			out.push_back('\n');
			break;
		case 'r':
			out.push_back('\r');
			break;
		case 't':
			out.push_back('\t');
			break;
		case 'b':
			out.push_back('\b');
			break;
		case 'f':
			out.push_back('\f');
			break;
		case 'u': {
			uint32_t cp = 0;
			bool ok = i + 4 < in.size();
			for (size_t k = 1; ok && k <= 4; k++) {
				int d = HexDigit(in[i + k]);
				ok = d >= 0;
				cp = cp * 16 + static_cast<uint32_t>(d < 0 ? 0 : d);
			}
			if (ok) {
				AppendUtf8(cp, out);
				i += 4;
			} else {
				out += "\\u";
			}
			break;
		}
		default: // \" \\ \/ and anything else: the character itself
			out.push_back(c);
		}
	}
	return out;
}

} // namespace

bool
CallEncodingFunction(const Ast &call, Span focus, const Context &ctx, Collection &out) {
	if (call.fn != FunctionId::EncodeFn && call.fn != FunctionId::DecodeFn && call.fn != FunctionId::Escape &&
	    call.fn != FunctionId::Unescape)
		return false;
	const Value *input;
	if (!SingleInput(focus, ctx, call.name.c_str(), input))
		return true;
	std::string_view s;
	if (!AsStringView(*input, s))
		Fail(ctx, call.name + "() needs a string input");
	Value formatValue;
	std::string_view format;
	if (!SingleArg(call, 0, ctx, formatValue))
		return true;
	if (!AsStringView(formatValue, format))
		Fail(ctx, call.name + "() needs a string format");
	std::string result;
	bool ok = true;
	switch (call.fn) {
	case FunctionId::EncodeFn:
		if (format == "base64" || format == "urlbase64")
			result = Base64Encode(s, format == "urlbase64");
		else if (format == "hex")
			result = HexEncode(s);
		else
			ok = false;
		break;
	case FunctionId::DecodeFn:
		if (format == "base64" || format == "urlbase64")
			ok = Base64Decode(s, result);
		else if (format == "hex")
			ok = HexDecode(s, result);
		else
			ok = false;
		break;
	case FunctionId::Escape:
		if (format == "html")
			result = HtmlEscape(s);
		else if (format == "json")
			result = JsonEscape(s);
		else
			ok = false;
		break;
	default:
		if (format == "html")
			result = HtmlUnescape(s);
		else if (format == "json")
			result = JsonUnescape(s);
		else
			ok = false;
		break;
	}
	// An unknown format or text that is not in the format gives empty, as for other conversions.
	if (ok)
		out.push_back(Value::Text(ValueKind::String, std::move(result)));
	return true;
}

} // namespace hdl::fhirpath::detail
