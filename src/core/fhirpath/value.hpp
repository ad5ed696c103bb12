// FHIRPath values: either a reference to a node of the input document (no copy) or a value
// computed by the expression (boolean, integer, decimal text, string, date/time text,
// quantity). A collection is a plain vector of them.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/fhirpath/decimal.hpp"
#include "core/fhirpath/temporal.hpp"
#include "core/json/node.hpp"

namespace hdl::fhirpath {

// TypeInfo is what type() returns: text is the namespace ("System", "FHIR"), unit the name.
enum class ValueKind : uint8_t { Node, Boolean, Integer, Decimal, String, Date, DateTime, Time, Quantity, TypeInfo };

struct Value {
	ValueKind kind = ValueKind::Boolean;
	bool boolean = false;
	int64_t integer = 0;
	// Node: the element in the document. fhirType is its FHIR type when the path told us
	// (a choice suffix such as valueQuantity -> "Quantity", or a resource type); it points
	// to static storage or into the document.
	json::Node node;
	std::string_view fhirType;
	// Decimal: exact decimal text. String: the string. Date/DateTime/Time: FHIRPath text
	// without '@'. Quantity: the value as decimal text.
	std::string text;
	std::string unit; // Quantity: the UCUM code or calendar unit

	static Value
	OfNode(json::Node n, std::string_view type = {}) {
		Value v;
		v.kind = ValueKind::Node;
		v.node = n;
		v.fhirType = type;
		return v;
	}
	static Value
	Bool(bool b) {
		Value v;
		v.kind = ValueKind::Boolean;
		v.boolean = b;
		return v;
	}
	static Value
	Int(int64_t i) {
		Value v;
		v.kind = ValueKind::Integer;
		v.integer = i;
		return v;
	}
	static Value
	Text(ValueKind kind, std::string s) {
		Value v;
		v.kind = kind;
		v.text = std::move(s);
		return v;
	}
	static Value
	Dec(const Decimal &d) {
		return Text(ValueKind::Decimal, d.toString());
	}
	static Value
	Quantity(std::string value, std::string unit) {
		Value v = Text(ValueKind::Quantity, std::move(value));
		v.unit = std::move(unit);
		return v;
	}
};

using Collection = std::vector<Value>;

// A read-only view of consecutive values (the focus of a step), so a single item needs no
// collection of its own.
struct Span {
	const Value *data = nullptr;
	size_t size = 0;
	Span() = default;
	Span(const Value *d, size_t n) : data(d), size(n) {
	}
	Span(const Collection &c) : data(c.data()), size(c.size()) { // NOLINT: implicit on purpose
	}
	const Value *
	begin() const {
		return data;
	}
	const Value *
	end() const {
		return data + size;
	}
	bool
	empty() const {
		return size == 0;
	}
};

// Primitive views of a value, looking through document nodes. Each returns false when the
// value is not of that kind.
bool AsBoolean(const Value &v, bool &out);
bool AsInteger(const Value &v, int64_t &out);
bool AsDecimal(const Value &v, Decimal &out); // integers too
bool AsStringView(const Value &v, std::string_view &out);
bool AsTemporal(const Value &v, Temporal &out); // Date/DateTime/Time, or a string that parses
bool IsPrimitiveNode(const Value &v);

// The FHIRPath string form (toString()): integers and decimals as text, dates without '@',
// quantities as "value 'unit'"; false for complex nodes.
bool ToText(const Value &v, std::string &out);

// The value's type name: the FHIR type when known ("Quantity", "code"), otherwise the System
// type of a computed value or of the JSON primitive ("Integer", "String").
std::string_view TypeNameOf(const Value &v);

// A computed copy of a document primitive (strings to String, numbers to Integer/Decimal,
// booleans, typed date strings to Date/DateTime/Time, Quantity objects to Quantity); other
// values are returned unchanged.
Value Materialize(const Value &v);

} // namespace hdl::fhirpath

#include "core/cpp_only.hpp"
