// FHIR R4 type names used by path navigation and type tests (see fhir_types.hpp).
#include "core/fhirpath/fhir_types.hpp"

#include <array>
#include <cctype>
#include <vector>

namespace hdl::fhirpath {

namespace {

// Every FHIR R4 data type allowed in a choice element ([x]), in canonical spelling.
constexpr std::string_view CHOICE_TYPES[] = {"base64Binary",
                                             "boolean",
                                             "canonical",
                                             "code",
                                             "date",
                                             "dateTime",
                                             "decimal",
                                             "id",
                                             "instant",
                                             "integer",
                                             "markdown",
                                             "oid",
                                             "positiveInt",
                                             "string",
                                             "time",
                                             "unsignedInt",
                                             "uri",
                                             "url",
                                             "uuid",
                                             "Address",
                                             "Age",
                                             "Annotation",
                                             "Attachment",
                                             "CodeableConcept",
                                             "Coding",
                                             "ContactPoint",
                                             "Count",
                                             "Distance",
                                             "Duration",
                                             "HumanName",
                                             "Identifier",
                                             "Money",
                                             "Period",
                                             "Quantity",
                                             "Range",
                                             "Ratio",
                                             "Reference",
                                             "SampledData",
                                             "Signature",
                                             "Timing",
                                             "ContactDetail",
                                             "Contributor",
                                             "DataRequirement",
                                             "Expression",
                                             "ParameterDefinition",
                                             "RelatedArtifact",
                                             "TriggerDefinition",
                                             "UsageContext",
                                             "Dosage",
                                             "Meta"};

bool
EqualsIgnoreFirstCase(std::string_view a, std::string_view b) noexcept {
	if (a.size() != b.size() || a.empty())
		return false;
	// ASCII letters only (type names): no locale lookup in this hot comparison
	auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; };
	if (lower(a[0]) != lower(b[0]))
		return false;
	return a.substr(1) == b.substr(1);
}

std::string_view
StripNamespace(std::string_view t, bool &system) noexcept {
	system = false;
	if (t.substr(0, 5) == "FHIR.")
		return t.substr(5);
	if (t.substr(0, 7) == "System.") {
		system = true;
		return t.substr(7);
	}
	return t;
}

} // namespace

std::string_view
ChoiceTypeFromSuffix(std::string_view suffix) noexcept {
	if (suffix.empty() || !std::isupper(static_cast<unsigned char>(suffix[0])))
		return {};
	// Called for every choice element a path visits: compare only the names of the same length.
	static const auto by_length = [] {
		std::array<std::vector<std::string_view>, 32> table;
		for (std::string_view t : CHOICE_TYPES)
			table[t.size() < table.size() ? t.size() : 0].push_back(t);
		return table;
	}();
	if (suffix.size() >= by_length.size())
		return {};
	for (std::string_view t : by_length[suffix.size()]) {
		if (EqualsIgnoreFirstCase(t, suffix))
			return t;
	}
	return {};
}

bool
TypeMatches(std::string_view actual, std::string_view wanted, bool isResource) noexcept {
	bool actual_system, wanted_system;
	actual = StripNamespace(actual, actual_system);
	wanted = StripNamespace(wanted, wanted_system);
	if (actual == wanted)
		return true;
	if (isResource)
		return wanted == "Resource" || wanted == "DomainResource";
	// System.String and FHIR.string name the same primitive for values without a FHIR type.
	if (EqualsIgnoreFirstCase(actual, wanted) &&
	    (actual == "String" || actual == "Boolean" || actual == "Integer" || actual == "Decimal" ||
	     actual == "Date" || actual == "DateTime" || actual == "Time" || wanted == "String" ||
	     wanted == "Boolean" || wanted == "Integer" || wanted == "Decimal" || wanted == "Date" ||
	     wanted == "DateTime" || wanted == "Time"))
		return true;
	if (wanted == "Quantity")
		return actual == "Age" || actual == "Count" || actual == "Distance" || actual == "Duration" ||
		       actual == "SimpleQuantity" || actual == "MoneyQuantity";
	return false;
}

bool
IsDateTypeName(std::string_view t) noexcept {
	return t == "date" || t == "Date";
}

bool
IsDateTimeTypeName(std::string_view t) noexcept {
	return t == "dateTime" || t == "instant" || t == "DateTime";
}

bool
IsTimeTypeName(std::string_view t) noexcept {
	return t == "time" || t == "Time";
}

} // namespace hdl::fhirpath
