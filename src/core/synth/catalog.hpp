// Clinical concepts the person model draws on: long-term conditions with their usual repeat
// medication, allergies and reactions. Codes are SNOMED CT (medications: NHS dm+d VMPs, which
// are SNOMED CT UK drug extension concepts) and were checked against published examples.
#pragma once
#include <cstddef>

namespace hdl::synth {

constexpr const char *SNOMED_SYSTEM = "http://snomed.info/sct";
constexpr const char *LOINC_SYSTEM = "http://loinc.org";
constexpr const char *UCUM_SYSTEM = "http://unitsofmeasure.org";

struct Concept {
	const char *code;
	const char *display;
};

// A read-only view of a static table.
template <class T>
struct Table {
	const T *items;
	std::size_t count;

	const T *
	begin() const {
		return items;
	}
	const T *
	end() const {
		return items + count;
	}
	const T &
	operator[](std::size_t i) const {
		return items[i];
	}
};

struct Medication {
	Concept product;       // dm+d VMP
	const char *dose_text; // patient instruction as printed on the label
	const char *dose_unit; // unit of one dose ("tablet", "capsule", "puff")
	int dose_amount;       // units per dose
	int doses_per_day;     // 0 = when required
	int pack_size;         // units supplied per issue
	bool oral;
};

struct ChronicConditionSpec {
	Concept condition;
	int min_age;
	double prevalence;            // chance for a person at min_age; rises with age
	const Medication *medication; // repeat prescription, or nullptr
};

enum class AllergyCategory { Food, Medication, Environment };

struct AllergySpec {
	Concept code;
	AllergyCategory category;
	const char *criticality; // AllergyIntolerance.criticality code
	Concept reaction;        // usual manifestation
};

namespace medications {
extern const Medication PARACETAMOL;
extern const Medication AMOXICILLIN;
extern const Medication ASPIRIN;
extern const Medication AMLODIPINE;
extern const Medication SALBUTAMOL;
extern const Medication DIAZEPAM;
extern const Medication METFORMIN;
extern const Medication MORPHINE_MR;
extern const Medication TEMAZEPAM;
} // namespace medications

Table<ChronicConditionSpec> ChronicConditions();
Table<AllergySpec> Allergies();
const char *AllergyCategoryCode(AllergyCategory category);

} // namespace hdl::synth

#include "core/cpp_only.hpp"
