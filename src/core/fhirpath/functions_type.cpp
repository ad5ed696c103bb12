// FHIRPath reflection: type() (a SimpleTypeInfo/ClassInfo reduced to namespace and name) and
// conformsTo() against the base definitions of FHIR types.
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
CallTypeFunction(const Ast &call, Span focus, const Context &ctx, Collection &out) {
	if (call.fn == FunctionId::ConformsTo) {
		// Only the core definitions are known: http://hl7.org/fhir/StructureDefinition/<Type>,
		// which an item conforms to when it is of that type. Any other profile is an error: the
		// answer is not known, and false would claim it.
		constexpr std::string_view base = "http://hl7.org/fhir/StructureDefinition/";
		const Value *v;
		Value urlValue;
		std::string_view url;
		if (!SingleInput(focus, ctx, "conformsTo", v) || !SingleArg(call, 0, ctx, urlValue))
			return true;
		if (!AsStringView(urlValue, url))
			Fail(ctx, "conformsTo() needs a string");
		std::string_view type = url.substr(0, base.size()) == base ? url.substr(base.size()) : std::string_view();
		if (type.empty() || type.find('/') != std::string_view::npos)
			Fail(ctx, "conformsTo(): profile " + std::string(url) + " is not known");
		out.push_back(Value::Bool(ValueIsType(*v, type)));
		return true;
	}
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
