// The synthetic person behind every feed's records: demographics, lifestyle and long-term
// health, fixed by (seed, index) alone so that every provider feed describes the same person.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/synth/catalog.hpp"
#include "core/synth/uk_places.hpp"

namespace hdl::synth {

enum class Gender { Male, Female, Other, Unknown };
enum class Smoking { Never, Ex, Current };

// Patient.gender code (FHIR administrative-gender).
const char *GenderCode(Gender gender);

struct LongTermCondition {
	const ChronicConditionSpec *spec;
	int64_t onset_day;
};

struct PersonAllergy {
	const AllergySpec *spec;
	int64_t onset_day;
	bool severe_reaction;
};

struct Person {
	uint64_t index = 0;
	std::string nhs_number;
	Gender gender = Gender::Unknown;
	std::string title; // "Mr", "Mrs", "Ms", "Miss", "Dr"; empty for children
	std::vector<std::string> given_names;
	std::string family_name;
	int64_t birth_day = 0;
	int age = 0; // whole years on the as-of day
	UkAddress address;
	std::string mobile; // may be empty (children, some adults)
	std::string email;  // may be empty
	Smoking smoking = Smoking::Never;
	int alcohol_units_per_week = 0;
	double height_cm = 0;
	double weight_kg = 0;
	std::vector<LongTermCondition> conditions;
	std::vector<PersonAllergy> allergies;

	bool Has(const char *snomed_code) const;
};

// The person with this index for this seed, as known on as_of_day (days since 1970-01-01).
Person MakePerson(uint64_t seed, uint64_t index, int64_t as_of_day);

} // namespace hdl::synth

#include "core/cpp_only.hpp"
