// What FHIRPath needs to know about FHIR R4 types without a full model: the data types that
// can follow a choice element's name (valueQuantity), and type-name matching for is/as/ofType.
#pragma once
#include <string_view>

namespace hdl::fhirpath {

// "Quantity" -> "Quantity", "DateTime" -> "dateTime", "Foo" -> "" (not a FHIR data type).
// The result points to static storage.
std::string_view ChoiceTypeFromSuffix(std::string_view suffix) noexcept;

// True when a value of type `actual` satisfies the type specifier `wanted` ("FHIR.code",
// "System.String", "Quantity", "Resource"). `isResource` says actual names a resource type.
bool TypeMatches(std::string_view actual, std::string_view wanted, bool isResource) noexcept;

// FHIR primitive types whose JSON form is a string holding a date, dateTime/instant or time.
bool IsDateTypeName(std::string_view t) noexcept;
bool IsDateTimeTypeName(std::string_view t) noexcept;
bool IsTimeTypeName(std::string_view t) noexcept;

} // namespace hdl::fhirpath

#include "core/cpp_only.hpp"
