// FHIRPath reflection: type() (a SimpleTypeInfo/ClassInfo reduced to namespace and name).
#include "core/fhirpath/evaluator.hpp"

namespace hdl::fhirpath::detail {

namespace {

// A document node has a FHIR type; a value the expression computed has a System type.
bool
TypeInfoOf(const Value &v, Value &out) {
	std::string_view name = TypeNameOf(v);
	if (name.empty())
		return false;
	out = Value::Text(ValueKind::TypeInfo, v.kind == ValueKind::Node ? "FHIR" : "System");
	out.unit = std::string(name);
	return true;
}

} // namespace

bool
CallTypeFunction(const Ast &call, Span focus, const Context &, Collection &out) {
	if (call.fn != FunctionId::Type)
		return false;
	for (const Value &v : focus) {
		Value info;
		if (TypeInfoOf(v, info))
			out.push_back(std::move(info));
	}
	return true;
}

} // namespace hdl::fhirpath::detail
