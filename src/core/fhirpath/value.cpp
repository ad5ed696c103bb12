// Primitive views and conversions of FHIRPath values (see value.hpp).
#include "core/fhirpath/value.hpp"
#include "core/fhirpath/fhir_types.hpp"
#include "core/fhirpath/ucum.hpp"

namespace hdl::fhirpath {

bool
IsPrimitiveNode(const Value &v) {
	if (v.kind != ValueKind::Node)
		return false;
	json::Type t = v.node.type();
	return t == json::Type::Bool || t == json::Type::Number || t == json::Type::String;
}

bool
AsBoolean(const Value &v, bool &out) {
	if (v.kind == ValueKind::Boolean) {
		out = v.boolean;
		return true;
	}
	if (v.kind == ValueKind::Node && v.node.isBool()) {
		out = v.node.boolean();
		return true;
	}
	return false;
}

bool
AsInteger(const Value &v, int64_t &out) {
	if (v.kind == ValueKind::Integer) {
		out = v.integer;
		return true;
	}
	if (v.kind == ValueKind::Node && v.node.isNumber()) {
		// 1.0 in a document is a decimal, not an integer.
		if (v.fhirType == "decimal")
			return false;
		int64_t i;
		if (!v.node.numberInt64(i))
			return false;
		// JSONB numerics print without exponents, and numberInt64 refuses a decimal point
		if (v.node.backend() != json::Node::Backend::Jsonb &&
		    v.node.numberText().find_first_of(".eE") != std::string::npos)
			return false;
		out = i;
		return true;
	}
	return false;
}

bool
AsDecimal(const Value &v, Decimal &out) {
	switch (v.kind) {
	case ValueKind::Integer:
		out = Decimal::FromInt(v.integer);
		return true;
	case ValueKind::Decimal:
		return Decimal::Parse(v.text, out);
	case ValueKind::Node:
		if (v.node.isNumber())
			return Decimal::Parse(v.node.numberText(), out);
		return false;
	default:
		return false;
	}
}

bool
AsStringView(const Value &v, std::string_view &out) {
	if (v.kind == ValueKind::String) {
		out = v.text;
		return true;
	}
	if (v.kind == ValueKind::Node && v.node.isString()) {
		out = v.node.str();
		return true;
	}
	return false;
}

bool
AsTemporal(const Value &v, Temporal &out) {
	switch (v.kind) {
	case ValueKind::Date:
		return ParseDate(v.text, out);
	case ValueKind::DateTime:
		return ParseDateTime(v.text, out);
	case ValueKind::Time:
		return ParseTime(v.text, out);
	case ValueKind::String:
	case ValueKind::Node: {
		std::string_view s;
		if (!AsStringView(v, s))
			return false;
		if (IsTimeTypeName(v.fhirType))
			return ParseTime(s, out);
		if (IsDateTypeName(v.fhirType))
			return ParseDate(s, out);
		if (IsDateTimeTypeName(v.fhirType))
			return ParseDateTime(s, out);
		if (ParseDate(s, out))
			return true;
		if (ParseDateTime(s, out))
			return true;
		return ParseTime(s, out);
	}
	default:
		return false;
	}
}

bool
ToText(const Value &v, std::string &out) {
	switch (v.kind) {
	case ValueKind::Boolean:
		out = v.boolean ? "true" : "false";
		return true;
	case ValueKind::Integer:
		out = std::to_string(v.integer);
		return true;
	case ValueKind::Decimal:
	case ValueKind::String:
	case ValueKind::Date:
	case ValueKind::DateTime:
	case ValueKind::Time:
		out = v.text;
		return true;
	case ValueKind::Quantity:
		// a calendar duration is written as its keyword: 1 week, 1 'wk'
		out = IsCalendarKeyword(v.unit) ? v.text + " " + v.unit : v.text + " '" + v.unit + "'";
		return true;
	case ValueKind::TypeInfo:
		return false;
	case ValueKind::Node:
		switch (v.node.type()) {
		case json::Type::Bool:
			out = v.node.boolean() ? "true" : "false";
			return true;
		case json::Type::Number:
			out = v.node.numberText();
			return true;
		case json::Type::String:
			out = std::string(v.node.str());
			return true;
		default:
			if (v.fhirType == "Quantity") {
				Value q = Materialize(v);
				if (q.kind == ValueKind::Quantity)
					return ToText(q, out);
			}
			return false;
		}
	}
	return false;
}

std::string_view
TypeNameOf(const Value &v) {
	switch (v.kind) {
	case ValueKind::Boolean:
		return "Boolean";
	case ValueKind::Integer:
		return "Integer";
	case ValueKind::Decimal:
		return "Decimal";
	case ValueKind::String:
		return "String";
	case ValueKind::Date:
		return "Date";
	case ValueKind::DateTime:
		return "DateTime";
	case ValueKind::Time:
		return "Time";
	case ValueKind::Quantity:
		return "Quantity";
	case ValueKind::TypeInfo:
		return {};
	case ValueKind::Node:
		break;
	}
	if (!v.fhirType.empty())
		return v.fhirType;
	switch (v.node.type()) {
	case json::Type::Bool:
		return "boolean";
	case json::Type::Number: {
		int64_t i;
		return AsInteger(v, i) ? "integer" : "decimal";
	}
	case json::Type::String:
		return "string";
	case json::Type::Object: {
		json::Node rt = v.node.get("resourceType");
		if (rt.isString())
			return rt.str();
		return {};
	}
	default:
		return {};
	}
}

Value
Materialize(const Value &v) {
	if (v.kind != ValueKind::Node)
		return v;
	switch (v.node.type()) {
	case json::Type::Bool:
		return Value::Bool(v.node.boolean());
	case json::Type::Number: {
		int64_t i;
		if (AsInteger(v, i))
			return Value::Int(i);
		return Value::Text(ValueKind::Decimal, v.node.numberText());
	}
	case json::Type::String: {
		std::string s(v.node.str());
		if (IsDateTypeName(v.fhirType))
			return Value::Text(ValueKind::Date, std::move(s));
		if (IsDateTimeTypeName(v.fhirType))
			return Value::Text(ValueKind::DateTime, std::move(s));
		if (IsTimeTypeName(v.fhirType))
			return Value::Text(ValueKind::Time, std::move(s));
		return Value::Text(ValueKind::String, std::move(s));
	}
	case json::Type::Object: {
		json::Node value = v.node.get("value");
		if (value.isNumber() && (v.fhirType.empty() || TypeMatches(v.fhirType, "Quantity", false))) {
			json::Node code = v.node.get("code");
			json::Node unit = v.node.get("unit");
			std::string u = code.isString() ? std::string(code.str()) : std::string(unit.str());
			return Value::Quantity(value.numberText(), std::move(u));
		}
		return v;
	}
	default:
		return v;
	}
}

} // namespace hdl::fhirpath
