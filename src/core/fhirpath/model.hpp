// A FHIR type model the evaluator may be given (Environment::model): what types exist and the
// type of each element. The evaluator works without one, taking types from choice suffixes and
// JSON alone; with one, navigation types every element (Patient.gender is a code), type tests
// tell FHIR.boolean from System.Boolean and refuse unknown type names, and a path naming an
// element its type does not have is an error, as the specification's semantic checks want.
// core/fhir implements it from the R4 tables (core/fhir builds on core/fhirpath, not back).
#pragma once
#include <cstdint>
#include <string_view>

namespace hdl::fhirpath {

class Model {
public:
	virtual ~Model() = default;

	enum class Lookup : uint8_t {
		UnknownOwner,  // the model does not describe `owner` (a primitive, an unknown name)
		Missing,       // owner has no such element
		Element,       // an element; `type` is its type, empty for a resource (its resourceType says)
		ChoiceBase,    // value of value[x]: the type is in the JSON name's suffix
		ChoiceVariant, // valueQuantity: a JSON name, not a FHIRPath one (value.ofType(Quantity))
	};
	// Element `name` of type `owner`. `type` points to static storage.
	virtual Lookup element(std::string_view owner, std::string_view name, std::string_view &type) const = 0;
	// True for a type of the model (unqualified names resolve to it before System types).
	virtual bool hasType(std::string_view name) const = 0;
	virtual bool isResourceType(std::string_view name) const = 0;
};

} // namespace hdl::fhirpath

#include "core/cpp_only.hpp"
