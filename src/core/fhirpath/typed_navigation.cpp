// Navigation and type tests under a FHIR type model (model.hpp): each element gets its type
// from the model, a name the type does not have is an error, and FHIR and System types are
// told apart. Without a model the evaluator uses Navigate() and ValueIsType() instead.
#include "core/fhirpath/evaluator.hpp"
#include "core/fhirpath/model.hpp"

#include <cctype>

namespace hdl::fhirpath::detail {

namespace {

// The owner type of an object: what the path told, else its resourceType.
std::string_view
OwnerType(const Value &item, bool &isResource) {
	isResource = false;
	if (!item.fhirType.empty())
		return item.fhirType;
	json::Node rt = item.node.get("resourceType");
	if (!rt.isString())
		return {};
	isResource = true;
	return rt.str();
}

bool
IsSystemTypeName(std::string_view t) {
	return t == "Boolean" || t == "String" || t == "Integer" || t == "Decimal" || t == "Date" ||
	       t == "DateTime" || t == "Time" || t == "Quantity";
}

// Specialisations the tests need without a full inheritance table: every resource is a
// Resource (and DomainResource), and the Quantity profiles are Quantities.
bool
FhirTypeMatches(std::string_view actual, std::string_view wanted, bool isResource) {
	if (actual == wanted)
		return true;
	if (isResource)
		return wanted == "Resource" || wanted == "DomainResource";
	return wanted == "Quantity" && (actual == "Age" || actual == "Count" || actual == "Distance" ||
	                                actual == "Duration" || actual == "SimpleQuantity" || actual == "MoneyQuantity");
}

// The R4 primitives defined as restrictions of another (a code is a string, a uuid a uri).
std::string_view
PrimitiveBase(std::string_view t) {
	if (t == "code" || t == "id" || t == "markdown")
		return "string";
	if (t == "uuid" || t == "url" || t == "canonical" || t == "oid")
		return "uri";
	if (t == "positiveInt" || t == "unsignedInt")
		return "integer";
	return {};
}

} // namespace

void
NavigateTyped(const Value &item, std::string_view name, bool firstStep, const Model &model, const Context &ctx,
              Collection &out) {
	if (item.kind != ValueKind::Node || !item.node.isObject()) {
		Navigate(item, name, out);
		return;
	}
	bool isResource;
	std::string_view owner = OwnerType(item, isResource);
	std::string_view type;
	Model::Lookup found = owner.empty() ? Model::Lookup::UnknownOwner : model.element(owner, name, type);
	switch (found) {
	case Model::Lookup::Element: {
		json::Node child = item.node.get(name);
		if (child.isArray()) {
			size_t n = child.size();
			for (size_t i = 0; i < n; i++) {
				json::Node e = child.at(i);
				if (!e.isNull())
					out.push_back(Value::OfNode(e, type));
			}
		} else if (!child.isNull() && !child.missing()) {
			out.push_back(Value::OfNode(child, type));
		}
		return;
	}
	case Model::Lookup::ChoiceVariant:
		Fail(ctx, std::string(owner) + " has no element \"" + std::string(name) +
		              "\": a choice element is named by its base, as in value.ofType(Quantity)");
	case Model::Lookup::Missing:
		if (!name.empty() && std::isupper(static_cast<unsigned char>(name[0])) && model.hasType(name)) {
			// A type name as a step (Patient.name): the item itself when it is of that type. As
			// the first step of a path it names the context, which must be of that type.
			if (FhirTypeMatches(owner, name, isResource))
				out.push_back(item);
			else if (firstStep && isResource && model.isResourceType(name))
				Fail(ctx, "the expression is about " + std::string(name) + ", not " + std::string(owner));
			return;
		}
		Fail(ctx, std::string(owner) + " has no element \"" + std::string(name) + "\"");
	case Model::Lookup::ChoiceBase:
	case Model::Lookup::UnknownOwner:
		Navigate(item, name, out);
		return;
	}
}

bool
ValueIsTypeStrict(const Value &v, std::string_view typeName, bool exact, const Model &model, const Context &ctx) {
	std::string_view wanted = typeName;
	bool system = false, fhir = false;
	if (typeName.substr(0, 7) == "System.") {
		wanted = typeName.substr(7);
		system = true;
	} else if (typeName.substr(0, 5) == "FHIR.") {
		wanted = typeName.substr(5);
		fhir = true;
	}
	bool known = system ? IsSystemTypeName(wanted) : model.hasType(wanted);
	if (!known && !system && !fhir && IsSystemTypeName(wanted)) {
		system = true; // an unqualified name that only System has
		known = true;
	}
	if (!known) {
		if (system)
			return false; // System.Patient: no value is of it
		Fail(ctx, "unknown type " + std::string(typeName));
	}
	bool isSystemValue = v.kind != ValueKind::Node;
	// An unqualified name both namespaces have (Quantity) matches a value of either.
	bool either = !system && !fhir && IsSystemTypeName(wanted);
	if (!either && isSystemValue != system)
		return false;
	std::string_view actual = TypeNameOf(v);
	bool isResource = v.kind == ValueKind::Node && v.node.isObject() && v.fhirType.empty() &&
	                  v.node.get("resourceType").isString();
	if (actual.empty())
		return false;
	if (FhirTypeMatches(actual, wanted, isResource))
		return true;
	// is() counts primitive restrictions (a code is a string); as() and ofType() take the type as
	// it is (Patient.gender.as(string) is empty), as the FHIRPath suite of R4 has it.
	return !exact && !isSystemValue && !PrimitiveBase(actual).empty() && PrimitiveBase(actual) == wanted;
}

bool
ValueIsType(const Value &v, std::string_view typeName, bool exact, const Context &ctx) {
	if (ctx.env && ctx.env->model)
		return ValueIsTypeStrict(v, typeName, exact, *ctx.env->model, ctx);
	return ValueIsType(v, typeName);
}

} // namespace hdl::fhirpath::detail
