// An editable JSON value for the data path: what the ingest pipeline changes in a resource
// (references, pseudonyms, meta) before it is encoded back to JSONB (jsonb::Encode).
//   - Numbers are kept as their exact decimal text ("1.50" stays "1.50"): never a double.
//   - Object members keep their insertion order (JSONB sorts them when encoded).
//   - There are no in-band markers: every string is only a string.
// The API follows nlohmann::json where the pipeline used it (operator[], find, erase,
// push_back, dump), so edits read the same. Values are built from a Node by ToValue, which
// has a depth budget (core/depth.hpp); nlohmann stays for configuration and tools only.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json/node.hpp"

namespace hdl::json {

class Value {
public:
	struct Member;
	using Elements = std::vector<Value>;
	using Members = std::vector<Member>;

	Value() noexcept = default; // null
	Value(std::nullptr_t) noexcept {
	}
	Value(bool b) noexcept : type_(Type::Bool), boolean_(b) {
	}
	Value(const char *s) : type_(Type::String), text_(s) {
	}
	Value(std::string s) noexcept : type_(Type::String), text_(std::move(s)) {
	}
	Value(std::string_view s) : type_(Type::String), text_(s) {
	}
	Value(int v) : Value(static_cast<long long>(v)) {
	}
	Value(long v) : Value(static_cast<long long>(v)) {
	}
	Value(long long v) : type_(Type::Number), text_(std::to_string(v)) {
	}
	Value(unsigned v) : Value(static_cast<unsigned long long>(v)) {
	}
	Value(unsigned long v) : Value(static_cast<unsigned long long>(v)) {
	}
	Value(unsigned long long v) : type_(Type::Number), text_(std::to_string(v)) {
	}

	// A number from its decimal text, kept as given. Throws hdl::Error(InvalidJson) unless the
	// text is a JSON number ("-1.50", "1e3").
	static Value Number(std::string text);
	static Value array();
	static Value object();

	Type
	type() const noexcept {
		return type_;
	}
	bool
	isNull() const noexcept {
		return type_ == Type::Null;
	}
	bool
	isBool() const noexcept {
		return type_ == Type::Bool;
	}
	bool
	isNumber() const noexcept {
		return type_ == Type::Number;
	}
	bool
	isString() const noexcept {
		return type_ == Type::String;
	}
	bool
	isArray() const noexcept {
		return type_ == Type::Array;
	}
	bool
	isObject() const noexcept {
		return type_ == Type::Object;
	}
	bool
	isStructured() const noexcept {
		return type_ == Type::Array || type_ == Type::Object;
	}

	// Scalars; the wrong accessor gives false / an empty string, never throws.
	bool
	boolean() const noexcept {
		return type_ == Type::Bool && boolean_;
	}
	// The string (empty for other types). The mutable form is for strings only.
	const std::string &str() const noexcept;
	std::string &str();
	// The exact decimal text of a number (empty for other types).
	const std::string &numberText() const noexcept;

	// Elements of an array or members of an object; 0 for scalars.
	size_t size() const noexcept;
	bool
	empty() const noexcept {
		return size() == 0;
	}

	// Arrays. push_back turns null into an array (as nlohmann does).
	Elements &elements();
	const Elements &elements() const;
	Value &operator[](size_t i);
	const Value &operator[](size_t i) const;
	void push_back(Value v);

	// Objects. operator[] turns null into an object and adds a missing key (at the end) as null.
	Members &members();
	const Members &members() const;
	Value &operator[](std::string_view key);
	Value *find(std::string_view key) noexcept;
	const Value *find(std::string_view key) const noexcept;
	bool
	contains(std::string_view key) const noexcept {
		return find(key) != nullptr;
	}
	// Removes the member; false when there was none.
	bool erase(std::string_view key);
	// The string member `key`, or an empty view when it is absent or not a string (nlohmann's
	// value(key, "")).
	std::string_view memberStr(std::string_view key) const noexcept;

	// JSON text: members in insertion order, numbers as their text, no whitespace.
	std::string dump() const;

private:
	void requireType(Type t, const char *what);

	Type type_ = Type::Null;
	bool boolean_ = false;
	std::string text_;  // String and Number
	Elements elements_; // Array
	Members members_;   // Object
};

struct Value::Member {
	std::string key;
	Value value;
};

// A deep copy of any Node (JSONB in place, or nlohmann in tools). Fails with
// hdl::Error(TooDeep) (SQLSTATE 54001) when it nests deeper than the budget.
Value ToValue(const Node &node);

// True when text is a JSON number (RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?).
bool IsNumberText(std::string_view text) noexcept;

// Appends s to out as a quoted JSON string (", \ and control characters escaped).
void AppendQuoted(std::string &out, std::string_view s);

} // namespace hdl::json

#include "core/cpp_only.hpp"
