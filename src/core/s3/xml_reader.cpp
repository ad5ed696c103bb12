// Recursive-descent XML reader for S3's small reply documents.
#include "core/s3/xml_reader.hpp"

#include <cstdint>

#include "core/error.hpp"

namespace hdl::s3 {

namespace {

constexpr int MAX_DEPTH = 64;

bool
IsNameChar(char c) {
	unsigned char u = static_cast<unsigned char>(c);
	return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
	       u == '-' || u == '.' || u == ':' || u >= 0x80;
}

bool
IsSpace(char c) {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void
AppendUtf8(std::string &out, uint32_t cp) {
	if (cp < 0x80) {
		out += static_cast<char>(cp);
	} else if (cp < 0x800) {
		out += static_cast<char>(0xC0 | (cp >> 6));
		out += static_cast<char>(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		out += static_cast<char>(0xE0 | (cp >> 12));
		out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
		out += static_cast<char>(0x80 | (cp & 0x3F));
	} else {
		out += static_cast<char>(0xF0 | (cp >> 18));
		out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
		out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
		out += static_cast<char>(0x80 | (cp & 0x3F));
	}
}

class Reader {
public:
	explicit Reader(std::string_view doc) : doc_(doc) {
	}

	XmlElement
	Document() {
		if (doc_.substr(0, 3) == "\xEF\xBB\xBF") {
			pos_ = 3;
		}
		SkipMisc();
		if (pos_ >= doc_.size() || doc_[pos_] != '<') {
			Fail("expected the root element");
		}
		XmlElement root = Element(0);
		SkipMisc();
		if (pos_ != doc_.size()) {
			Fail("unexpected content after the root element");
		}
		return root;
	}

private:
	[[noreturn]] void
	Fail(const std::string &what) const {
		throw Error(ErrorKind::ExternalService,
		            "S3 reply is not well-formed XML: " + what + " at byte offset " + std::to_string(pos_));
	}

	bool
	StartsWith(std::string_view text) const {
		return doc_.substr(pos_, text.size()) == text;
	}

	void
	SkipPast(std::string_view terminator, const char *what) {
		size_t end = doc_.find(terminator, pos_);
		if (end == std::string_view::npos) {
			Fail(std::string("unterminated ") + what);
		}
		pos_ = end + terminator.size();
	}

	// Whitespace, comments and processing instructions (including <?xml ...?>) outside the root.
	void
	SkipMisc() {
		for (;;) {
			while (pos_ < doc_.size() && IsSpace(doc_[pos_])) {
				pos_++;
			}
			if (StartsWith("<?")) {
				SkipPast("?>", "processing instruction");
			} else if (StartsWith("<!--")) {
				SkipPast("-->", "comment");
			} else if (StartsWith("<!DOCTYPE")) {
				Fail("DOCTYPE is not accepted");
			} else {
				return;
			}
		}
	}

	std::string_view
	Name() {
		size_t start = pos_;
		while (pos_ < doc_.size() && IsNameChar(doc_[pos_])) {
			pos_++;
		}
		if (pos_ == start) {
			Fail("expected a name");
		}
		return doc_.substr(start, pos_ - start);
	}

	static std::string
	LocalName(std::string_view qualified) {
		size_t colon = qualified.rfind(':');
		return std::string(colon == std::string_view::npos ? qualified : qualified.substr(colon + 1));
	}

	// Skips attributes up to '>' or '/>'; returns true for an empty-element tag.
	bool
	SkipAttributes() {
		for (;;) {
			while (pos_ < doc_.size() && IsSpace(doc_[pos_])) {
				pos_++;
			}
			if (pos_ >= doc_.size()) {
				Fail("unterminated start tag");
			}
			if (doc_[pos_] == '>') {
				pos_++;
				return false;
			}
			if (StartsWith("/>")) {
				pos_ += 2;
				return true;
			}
			Name();
			while (pos_ < doc_.size() && IsSpace(doc_[pos_])) {
				pos_++;
			}
			if (pos_ >= doc_.size() || doc_[pos_] != '=') {
				Fail("expected '=' in attribute");
			}
			pos_++;
			while (pos_ < doc_.size() && IsSpace(doc_[pos_])) {
				pos_++;
			}
			if (pos_ >= doc_.size() || (doc_[pos_] != '"' && doc_[pos_] != '\'')) {
				Fail("expected a quoted attribute value");
			}
			char quote = doc_[pos_++];
			size_t end = doc_.find(quote, pos_);
			if (end == std::string_view::npos) {
				Fail("unterminated attribute value");
			}
			pos_ = end + 1;
		}
	}

	void
	Entity(std::string &out) {
		size_t semi = doc_.find(';', pos_);
		if (semi == std::string_view::npos || semi - pos_ > 12) {
			Fail("unterminated entity reference");
		}
		std::string_view name = doc_.substr(pos_ + 1, semi - pos_ - 1);
		if (name == "amp") {
			out += '&';
		} else if (name == "lt") {
			out += '<';
		} else if (name == "gt") {
			out += '>';
		} else if (name == "quot") {
			out += '"';
		} else if (name == "apos") {
			out += '\'';
		} else if (name.size() >= 2 && name[0] == '#') {
			bool hex = name[1] == 'x' || name[1] == 'X';
			std::string_view digits = name.substr(hex ? 2 : 1);
			if (digits.empty()) {
				Fail("empty character reference");
			}
			uint32_t cp = 0;
			for (char c : digits) {
				int v = (c >= '0' && c <= '9')          ? c - '0'
				        : hex && (c >= 'a' && c <= 'f') ? c - 'a' + 10
				        : hex && (c >= 'A' && c <= 'F') ? c - 'A' + 10
				                                        : -1;
				if (v < 0) {
					Fail("bad character reference");
				}
				cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
				if (cp > 0x10FFFF) {
					Fail("character reference out of range");
				}
			}
			if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
				Fail("character reference out of range");
			}
			AppendUtf8(out, cp);
		} else {
			Fail("unknown entity &" + std::string(name) + ";");
		}
		pos_ = semi + 1;
	}

	XmlElement
	Element(int depth) {
		if (depth >= MAX_DEPTH) {
			Fail("elements nested too deeply");
		}
		pos_++; // '<'
		std::string_view qualified = Name();
		XmlElement element;
		element.name = LocalName(qualified);
		if (SkipAttributes()) {
			return element;
		}
		for (;;) {
			if (pos_ >= doc_.size()) {
				Fail("missing </" + std::string(qualified) + ">");
			}
			char c = doc_[pos_];
			if (c == '&') {
				Entity(element.text);
			} else if (c != '<') {
				element.text += c;
				pos_++;
			} else if (StartsWith("</")) {
				pos_ += 2;
				std::string_view closing = Name();
				if (closing != qualified) {
					Fail("</" + std::string(closing) + "> closes <" + std::string(qualified) + ">");
				}
				while (pos_ < doc_.size() && IsSpace(doc_[pos_])) {
					pos_++;
				}
				if (pos_ >= doc_.size() || doc_[pos_] != '>') {
					Fail("unterminated end tag");
				}
				pos_++;
				return element;
			} else if (StartsWith("<![CDATA[")) {
				size_t start = pos_ + 9;
				SkipPast("]]>", "CDATA section");
				element.text.append(doc_.substr(start, pos_ - 3 - start));
			} else if (StartsWith("<!--")) {
				SkipPast("-->", "comment");
			} else if (StartsWith("<?")) {
				SkipPast("?>", "processing instruction");
			} else if (StartsWith("<!")) {
				Fail("markup declarations are not accepted");
			} else {
				element.children.push_back(Element(depth + 1));
			}
		}
	}

	std::string_view doc_;
	size_t pos_ = 0;
};

} // namespace

const XmlElement *
XmlElement::Child(std::string_view child_name) const noexcept {
	for (const XmlElement &child : children) {
		if (child.name == child_name) {
			return &child;
		}
	}
	return nullptr;
}

std::string
XmlElement::ChildText(std::string_view child_name) const {
	const XmlElement *child = Child(child_name);
	return child ? child->text : std::string();
}

XmlElement
ParseXml(std::string_view document) {
	return Reader(document).Document();
}

std::string
XmlEscape(std::string_view text) {
	std::string out;
	out.reserve(text.size());
	for (char c : text) {
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
			out += "&apos;";
			break;
		default:
			out += c;
		}
	}
	return out;
}

} // namespace hdl::s3
