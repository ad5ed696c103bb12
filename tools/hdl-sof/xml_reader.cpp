// A small XML reader for the FHIRPath test suite: elements, attributes, character data,
// entities, comments, CDATA and the XML declaration.
#include "tool.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hdl::tools {

namespace {

class XmlParser {
public:
	explicit XmlParser(const std::string &text) : s_(text) {
	}

	std::unique_ptr<XmlElement>
	document() {
		skipMisc();
		auto root = element();
		return root;
	}

private:
	const std::string &s_;
	size_t pos_ = 0;

	[[noreturn]] void
	fail(const std::string &what) const {
		throw std::runtime_error("XML: " + what + " at offset " + std::to_string(pos_));
	}

	bool
	startsWith(const char *p) const {
		return s_.compare(pos_, std::char_traits<char>::length(p), p) == 0;
	}

	void
	skipPast(const char *end) {
		size_t e = s_.find(end, pos_);
		if (e == std::string::npos)
			fail(std::string("missing ") + end);
		pos_ = e + std::char_traits<char>::length(end);
	}

	void
	skipMisc() {
		while (true) {
			while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_])))
				pos_++;
			if (startsWith("<?"))
				skipPast("?>");
			else if (startsWith("<!--"))
				skipPast("-->");
			else if (startsWith("<!"))
				skipPast(">");
			else
				return;
		}
	}

	std::string
	name() {
		size_t start = pos_;
		while (pos_ < s_.size() && !std::isspace(static_cast<unsigned char>(s_[pos_])) && s_[pos_] != '>' &&
		       s_[pos_] != '/' && s_[pos_] != '=')
			pos_++;
		if (start == pos_)
			fail("name expected");
		return s_.substr(start, pos_ - start);
	}

	static void
	appendUtf8(std::string &out, unsigned long cp) {
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

	std::string
	decode(const std::string &raw) const {
		std::string out;
		for (size_t i = 0; i < raw.size(); i++) {
			if (raw[i] != '&') {
				out.push_back(raw[i]);
				continue;
			}
			size_t semi = raw.find(';', i);
			if (semi == std::string::npos) {
				out.push_back('&');
				continue;
			}
			std::string ent = raw.substr(i + 1, semi - i - 1);
			if (ent == "lt")
				out.push_back('<');
			else if (ent == "gt")
				out.push_back('>');
			else if (ent == "amp")
				out.push_back('&');
			else if (ent == "quot")
				out.push_back('"');
			else if (ent == "apos")
				out.push_back('\'');
			else if (!ent.empty() && ent[0] == '#')
				appendUtf8(out, ent.size() > 1 && ent[1] == 'x' ? std::stoul(ent.substr(2), nullptr, 16)
				                                                : std::stoul(ent.substr(1)));
			else
				out += "&" + ent + ";";
			i = semi;
		}
		return out;
	}

	std::unique_ptr<XmlElement>
	element() {
		if (!startsWith("<"))
			fail("element expected");
		pos_++;
		auto e = std::make_unique<XmlElement>();
		e->name = name();
		while (true) {
			while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_])))
				pos_++;
			if (startsWith("/>")) {
				pos_ += 2;
				return e;
			}
			if (startsWith(">")) {
				pos_++;
				break;
			}
			std::string key = name();
			if (!startsWith("="))
				fail("'=' expected");
			pos_++;
			char quote = s_[pos_];
			if (quote != '"' && quote != '\'')
				fail("quoted attribute value expected");
			size_t end = s_.find(quote, pos_ + 1);
			if (end == std::string::npos)
				fail("unterminated attribute");
			e->attributes[key] = decode(s_.substr(pos_ + 1, end - pos_ - 1));
			pos_ = end + 1;
		}
		while (true) {
			if (pos_ >= s_.size())
				fail("unexpected end in <" + e->name + ">");
			if (startsWith("</")) {
				pos_ += 2;
				std::string closing = name();
				if (closing != e->name)
					fail("mismatched </" + closing + ">");
				skipPast(">");
				return e;
			}
			if (startsWith("<!--")) {
				skipPast("-->");
			} else if (startsWith("<![CDATA[")) {
				size_t end = s_.find("]]>", pos_);
				if (end == std::string::npos)
					fail("unterminated CDATA");
				e->text += s_.substr(pos_ + 9, end - pos_ - 9);
				pos_ = end + 3;
			} else if (startsWith("<")) {
				e->children.push_back(element());
			} else {
				size_t end = s_.find('<', pos_);
				if (end == std::string::npos)
					end = s_.size();
				e->text += decode(s_.substr(pos_, end - pos_));
				pos_ = end;
			}
		}
	}
};

} // namespace

std::unique_ptr<XmlElement>
ParseXml(const std::string &text) {
	return XmlParser(text).document();
}

std::string
ReadFile(const std::string &path) {
	std::ifstream in(path, std::ios::binary);
	if (!in)
		throw std::runtime_error("cannot read " + path);
	std::ostringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

} // namespace hdl::tools
