// What leaves the clinical copy of a resource before it is stored, and what it is replaced
// with. Person resources give their direct identifiers to the identity vault (deid_walk.hpp);
// every resource loses its narrative and inline attachment data (free text names people).
#pragma once
#include <string>
#include <vector>

#include "core/json/value.hpp"

namespace hdl::pseudo {

constexpr const char *NhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number";
// The identifier system of pseudonyms in the lake: a URN nobody can mistake for a real register.
constexpr const char *PseudonymSystem = "urn:hdl:pseudonym";

enum class BirthDateRule { YearMonth, Year, Drop };
enum class PostcodeRule { District, Drop }; // District: "LS1 4AP" -> "LS1" (the outward code)

struct Policy {
	BirthDateRule birth_date = BirthDateRule::YearMonth;
	PostcodeRule postcode = PostcodeRule::District;
	bool keep_narrative = false;
	bool keep_attachment_data = false;
	// NHS numbers, e-mail addresses, UK phone numbers and postcodes typed into free text are
	// replaced (free_text.hpp).
	bool redact_free_text = true;
	// Observations (and components) coded with one of these "system|code" pairs record an
	// identifier as their value (e.g. LOINC 56799-0, the patient's address): the value is
	// replaced by dataAbsentReason "masked".
	std::vector<std::string> masked_codes = {"http://loinc.org|56799-0"};
};

// The direct identifiers taken out of a Patient or RelatedPerson.
struct Identity {
	hdl::json::Value vault;               // the removed elements, as a JSON object (encrypted in the vault)
	std::string nhs_number;               // empty when the resource carried none
	std::vector<std::pair<std::string, std::string>> identifiers; // other (system, value) pairs
};

// Applies the generated rules (deid_rules.hpp) to a person resource (Patient, Person,
// RelatedPerson, Practitioner), not entering nested resources: identifying elements and elements
// that are not in R4 leave it, addresses and birth/death dates are generalised per the policy;
// returns what left, as a mirror of the resource (deid_walk.hpp walks nested resources too).
Identity TakeIdentity(hdl::json::Value &resource, const Policy &policy);

// Marks the resource with its pseudonym as its only identifier.
void SetPseudonymIdentifier(hdl::json::Value &resource, const std::string &pseudonym);

// Drops narrative (`text`) and inline attachment data from any resource, masks the values of
// identifying observations and redacts identifiers typed into free text, per the policy.
void ScrubFreeText(hdl::json::Value &resource, const Policy &policy);

// "LS1 4AP" -> "LS1"; "SW1A1AA" -> "SW1A"; anything unparseable -> empty.
std::string PostcodeDistrict(const std::string &postcode);

} // namespace hdl::pseudo

#include "core/cpp_only.hpp"
