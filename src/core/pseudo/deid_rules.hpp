// The de-identification rules generated from the FHIR R4 definitions (deid_rules.inc, written by
// tools/fhir-tables/deid_rules.py; docs/pseudonymisation.md prints them): which resources
// describe a person, what happens to each identifying element of theirs, and which Reference
// elements may point at a person. Static data; lookups never allocate.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace hdl::pseudo {

// Patient: describes someone who is or may be a patient (Patient, Person, RelatedPerson).
// Staff: a practitioner, whose professional identity is kept.
enum class PersonClass : uint8_t { None, Patient, Staff };

enum class Action : uint8_t {
	Keep,              // no rule (or a staff element kept on purpose)
	Vault,             // the element goes to the vault
	GeneraliseAddress, // kept reduced (use, type, district, state, country, postcode district)
	GeneraliseDate,    // kept reduced (hdl.pseudo_birth_date); the exact value to the vault
	VaultExtension     // (on an Extension's value) the whole extension goes to the vault
};

// Bits of the targets of a Reference element.
constexpr uint8_t kTargetPatient = 1;
constexpr uint8_t kTargetRelatedPerson = 2;
constexpr uint8_t kTargetPerson = 4;
constexpr uint8_t kTargetPractitioner = 8;
constexpr uint8_t kTargetOther = 16;
constexpr uint8_t kTargetAny = 32; // Reference(Any) or no targets given
// Targets that are (or may be) a patient-class person.
constexpr uint8_t kTargetPatientClass = kTargetPatient | kTargetRelatedPerson | kTargetPerson | kTargetAny;

namespace rules {
struct PersonType {
	const char *name;
	PersonClass cls;
};
struct ElementRule {
	const char *owner;   // schema type name of the element's owner ("Patient_Contact")
	const char *element; // JSON name ("name", "deceasedDateTime", "_birthDate")
	PersonClass cls;
	Action action;
};
struct ReferenceRule {
	const char *owner;
	const char *element;
	uint8_t targets;
};
} // namespace rules

// The class of a resource type; None for resources that describe no individual.
PersonClass PersonClassOf(std::string_view resource_type) noexcept;

// The rule for element (JSON name) of an object whose schema type is owner, inside a person
// resource of class cls. Keep when there is none.
Action ElementAction(std::string_view owner, std::string_view element, PersonClass cls) noexcept;

// The target bits of a Reference element (owner schema type, JSON name) that may point at a
// person, or 0 when its R4 targets include no person.
uint8_t ReferenceTargets(std::string_view owner, std::string_view element) noexcept;

// Core extensions that carry identity in a string or a date (mother's maiden name, birth time...).
bool IsIdentifyingExtensionUrl(std::string_view url) noexcept;

// True for the members a generalised Address keeps (use, type, district, state, country).
bool AddressKeeps(std::string_view member) noexcept;

// The generated rules, in table order (tests and the catalogue of rules).
size_t ElementRuleCount() noexcept;
const rules::ElementRule &ElementRuleAt(size_t i) noexcept;

} // namespace hdl::pseudo

#include "core/cpp_only.hpp"
