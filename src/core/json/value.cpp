// The editable JSON value (see value.hpp): access, edits, the copy from a Node, JSON text.
#include "core/json/value.hpp"
#include "core/depth.hpp"
#include "core/error.hpp"

#include <algorithm>

namespace hdl::json {

namespace {

const std::string &
EmptyString() noexcept {
	static const std::string empty;
	return empty;
}

const Value &
NullValue() noexcept {
	static const Value null;
	return null;
}

bool
IsDigit(char c) noexcept {
	return c >= '0' && c <= '9';
}

void
DumpTo(std::string &out, const Value &v) {
	switch (v.type()) {
	case Type::Missing:
	case Type::Null:
		out += "null";
		return;
	case Type::Bool:
		out += v.boolean() ? "true" : "false";
		return;
	case Type::Number:
		out += v.numberText();
		return;
	case Type::String:
		AppendQuoted(out, v.str());
		return;
	case Type::Array: {
		depth::Guard guard("JSON value");
		out += '[';
		bool first = true;
		for (const Value &e : v.elements()) {
			if (!first)
				out += ',';
			first = false;
			DumpTo(out, e);
		}
		out += ']';
		return;
	}
	case Type::Object: {
		depth::Guard guard("JSON value");
		out += '{';
		bool first = true;
		for (const Value::Member &m : v.members()) {
			if (!first)
				out += ',';
			first = false;
			AppendQuoted(out, m.key);
			out += ':';
			DumpTo(out, m.value);
		}
		out += '}';
		return;
	}
	}
}

} // namespace

bool
IsNumberText(std::string_view t) noexcept {
	size_t i = 0, n = t.size();
	if (i < n && t[i] == '-')
		i++;
	if (i == n)
		return false;
	if (t[i] == '0') {
		i++;
	} else if (IsDigit(t[i])) {
		while (i < n && IsDigit(t[i]))
			i++;
	} else {
		return false;
	}
	if (i < n && t[i] == '.') {
		i++;
		if (i == n || !IsDigit(t[i]))
			return false;
		while (i < n && IsDigit(t[i]))
			i++;
	}
	if (i < n && (t[i] == 'e' || t[i] == 'E')) {
		i++;
		if (i < n && (t[i] == '+' || t[i] == '-'))
			i++;
		if (i == n || !IsDigit(t[i]))
			return false;
		while (i < n && IsDigit(t[i]))
			i++;
	}
	return i == n;
}

void
AppendQuoted(std::string &out, std::string_view s) {
	static const char hex[] = "0123456789abcdef";
	out.reserve(out.size() + s.size() + 2);
	out += '"';
	size_t run = 0; // start of the bytes not yet copied
	for (size_t i = 0; i < s.size(); i++) {
		unsigned char c = static_cast<unsigned char>(s[i]);
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		out.append(s.data() + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':
			out += "\\\"";
			break;
		case '\\':
			out += "\\\\";
			break;
		case '\n':
			out += "\\n";
			break;
		case '\r':
			out += "\\r";
			break;
		case '\t':
			out += "\\t";
			break;
		case '\b':
			out += "\\b";
			break;
		case '\f':
			out += "\\f";
			break;
		default:
			out += "\\u00";
			out += hex[c >> 4];
			out += hex[c & 0xf];
		}
	}
	out.append(s.data() + run, s.size() - run);
	out += '"';
}

Value
Value::Number(std::string text) {
	if (!IsNumberText(text))
		throw Error(ErrorKind::InvalidJson, "not a JSON number");
	Value v;
	v.type_ = Type::Number;
	v.text_ = std::move(text);
	return v;
}

Value
Value::array() {
	Value v;
	v.type_ = Type::Array;
	return v;
}

Value
Value::object() {
	Value v;
	v.type_ = Type::Object;
	return v;
}

void
Value::requireType(Type t, const char *what) {
	if (type_ == Type::Null) {
		type_ = t;
		return;
	}
	if (type_ != t)
		throw Error(ErrorKind::Internal, std::string("hdl: JSON value is not ") + what);
}

const std::string &
Value::str() const noexcept {
	return type_ == Type::String ? text_ : EmptyString();
}

std::string &
Value::str() {
	if (type_ != Type::String)
		throw Error(ErrorKind::Internal, "hdl: JSON value is not a string");
	return text_;
}

const std::string &
Value::numberText() const noexcept {
	return type_ == Type::Number ? text_ : EmptyString();
}

size_t
Value::size() const noexcept {
	if (type_ == Type::Array)
		return elements_.size();
	if (type_ == Type::Object)
		return members_.size();
	return 0;
}

Value::Elements &
Value::elements() {
	requireType(Type::Array, "an array");
	return elements_;
}

const Value::Elements &
Value::elements() const {
	return elements_; // empty unless an array
}

Value &
Value::operator[](size_t i) {
	if (type_ != Type::Array || i >= elements_.size())
		throw Error(ErrorKind::Internal, "hdl: JSON array index out of range");
	return elements_[i];
}

const Value &
Value::operator[](size_t i) const {
	if (type_ != Type::Array || i >= elements_.size())
		return NullValue();
	return elements_[i];
}

void
Value::push_back(Value v) {
	requireType(Type::Array, "an array");
	elements_.push_back(std::move(v));
}

Value::Members &
Value::members() {
	requireType(Type::Object, "an object");
	return members_;
}

const Value::Members &
Value::members() const {
	return members_; // empty unless an object
}

Value &
Value::operator[](std::string_view key) {
	requireType(Type::Object, "an object");
	for (Member &m : members_)
		if (m.key == key)
			return m.value;
	members_.push_back(Member {std::string(key), Value()});
	return members_.back().value;
}

Value *
Value::find(std::string_view key) noexcept {
	if (type_ != Type::Object)
		return nullptr;
	for (Member &m : members_)
		if (m.key == key)
			return &m.value;
	return nullptr;
}

const Value *
Value::find(std::string_view key) const noexcept {
	return const_cast<Value *>(this)->find(key);
}

bool
Value::erase(std::string_view key) {
	if (type_ != Type::Object)
		return false;
	auto it = std::find_if(members_.begin(), members_.end(), [&](const Member &m) { return m.key == key; });
	if (it == members_.end())
		return false;
	members_.erase(it);
	return true;
}

std::string_view
Value::memberStr(std::string_view key) const noexcept {
	const Value *v = find(key);
	return v != nullptr && v->isString() ? std::string_view(v->text_) : std::string_view();
}

std::string
Value::dump() const {
	std::string out;
	DumpTo(out, *this);
	return out;
}

Value
ToValue(const Node &node) {
	switch (node.type()) {
	case Type::Missing:
	case Type::Null:
		return Value();
	case Type::Bool:
		return Value(node.boolean());
	case Type::Number:
		return Value::Number(node.numberText());
	case Type::String:
		return Value(node.str());
	case Type::Array: {
		depth::Guard guard("JSON value");
		Value out = Value::array();
		Value::Elements &elements = out.elements();
		elements.reserve(node.size());
		for (size_t i = 0; i < node.size(); i++)
			elements.push_back(ToValue(node.at(i)));
		return out;
	}
	case Type::Object: {
		depth::Guard guard("JSON value");
		Value out = Value::object();
		Value::Members &members = out.members();
		members.reserve(node.size());
		node.forEachMember([&](std::string_view key, const Node &value) {
			members.push_back(Value::Member {std::string(key), ToValue(value)});
		});
		return out;
	}
	}
	return Value();
}

} // namespace hdl::json
