// Quoted-value redaction for log lines (see redact.hpp).
#include "core/fhir/redact.hpp"

namespace hdl::fhir {

namespace {

bool
Alnum(char c) noexcept {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

} // namespace

size_t
RedactQuoted(std::string_view in, char *out, size_t size) noexcept {
	if (size == 0)
		return 0;
	size_t n = 0;
	auto put = [&](char c) noexcept {
		if (n + 1 < size)
			out[n++] = c;
	};
	for (size_t i = 0; i < in.size(); i++) {
		char c = in[i];
		bool opens = (c == '\'' || c == '"') && (i == 0 || !Alnum(in[i - 1]));
		if (!opens) {
			put(c);
			continue;
		}
		size_t close = in.find(c, i + 1);
		while (close != std::string_view::npos && close + 1 < in.size() && in[close + 1] == c)
			close = in.find(c, close + 2); // a doubled quote is part of the value
		put(c);
		put('?');
		if (close == std::string_view::npos)
			break; // unterminated: everything after the quote is withheld
		put(c);
		i = close;
	}
	out[n] = '\0';
	return n;
}

std::string
RedactQuoted(std::string_view in) {
	std::string out(in.size() * 2 + 2, '\0'); // '' becomes '?': never more than twice as long
	out.resize(RedactQuoted(in, out.data(), out.size()));
	return out;
}

std::string
Quoted(std::string_view value, char quote) {
	std::string out(1, quote);
	for (char c : value) {
		out += c;
		if (c == quote)
			out += quote;
	}
	out += quote;
	return out;
}

} // namespace hdl::fhir
