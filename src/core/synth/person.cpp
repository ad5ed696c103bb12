#include "core/synth/person.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

#include "core/synth/calendar.hpp"
#include "core/synth/nhs_number.hpp"
#include "core/synth/uk_names.hpp"

namespace hdl::synth {

namespace {

constexpr uint64_t PERSON_STREAM = 0x504552534f4eULL; // "PERSON"

// Rounds to one decimal place so that values print as short, stable decimals.
double
OneDecimal(double value) {
	return static_cast<double>(std::lround(value * 10.0)) / 10.0;
}

// Ages follow a flattened UK pyramid: fewer people over 70, almost none over 95.
int
PickAge(Random &random) {
	const double roll = random.Unit();
	if (roll < 0.20) {
		return static_cast<int>(random.Between(0, 17));
	}
	if (roll < 0.82) {
		return static_cast<int>(random.Between(18, 64));
	}
	if (roll < 0.97) {
		return static_cast<int>(random.Between(65, 84));
	}
	return static_cast<int>(random.Between(85, 99));
}

std::string
EmailLocalPart(const std::string &given, const std::string &family) {
	std::string text;
	for (const std::string *part : {&given, &family}) {
		if (!text.empty()) {
			text.push_back('.');
		}
		for (char c : *part) {
			if (std::isalpha(static_cast<unsigned char>(c))) {
				text.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
			}
		}
	}
	return text;
}

void
AddNamesAndGender(Random &random, Person &person) {
	const double roll = random.Unit();
	person.gender = roll < 0.49 ? Gender::Male : roll < 0.995 ? Gender::Female : Gender::Other;
	const bool male_names =
	    person.gender == Gender::Male || (person.gender == Gender::Other && random.Chance(0.5));
	const int given_count = random.Chance(0.45) ? 2 : 1;
	for (int i = 0; i < given_count; ++i) {
		std::string name = male_names ? PickMaleGivenName(random) : PickFemaleGivenName(random);
		if (std::find(person.given_names.begin(), person.given_names.end(), name) ==
		    person.given_names.end()) {
			person.given_names.push_back(std::move(name));
		}
	}
	person.family_name = PickFamilyName(random);
	if (random.Chance(0.05)) {
		person.family_name += std::string("-") + PickFamilyName(random);
	}
}

void
AddTitle(Random &random, Person &person) {
	if (person.age < 18) {
		return;
	}
	if (random.Chance(0.02)) {
		person.title = "Dr";
	} else if (person.gender == Gender::Male) {
		person.title = "Mr";
	} else if (person.gender == Gender::Female) {
		static const char *const TITLES[] = {"Mrs", "Ms", "Miss"};
		person.title = random.Pick(TITLES);
	} else {
		person.title = "Mx";
	}
}

void
AddContacts(Random &random, Person &person) {
	person.address = MakeUkAddress(random);
	if (person.age >= 12 && random.Chance(0.9)) {
		person.mobile = MakeUkMobileNumber(random);
	}
	if (person.age >= 16 && random.Chance(0.6)) {
		person.email = EmailLocalPart(person.given_names.front(), person.family_name) +
		               std::to_string(random.Between(1, 99)) + "@example.com";
	}
}

void
AddBody(Random &random, Person &person) {
	const bool male = person.gender == Gender::Male;
	if (person.age >= 18) {
		person.height_cm = OneDecimal(random.Bell(male ? 176.0 : 163.0, 7.0));
		const double bmi = random.Bell(27.0, 4.5);
		person.weight_kg = OneDecimal(bmi * person.height_cm * person.height_cm / 10000.0);
	} else {
		// Rough growth curve: about 50 cm at birth, 6 cm a year to adolescence.
		person.height_cm = OneDecimal(random.Bell(52.0 + 6.3 * person.age, 4.0));
		person.weight_kg =
		    OneDecimal(std::max(2.5, random.Bell(3.5 + 2.9 * person.age, 1.0 + 0.3 * person.age)));
	}
	if (person.age >= 16) {
		const double roll = random.Unit();
		person.smoking = roll < 0.13 ? Smoking::Current : roll < 0.38 ? Smoking::Ex : Smoking::Never;
		person.alcohol_units_per_week = random.Chance(0.25) ? 0 : static_cast<int>(random.Between(1, 30));
	}
}

void
AddHealth(Random &random, Person &person, int64_t as_of_day) {
	for (const ChronicConditionSpec &spec : ChronicConditions()) {
		if (person.age < spec.min_age) {
			continue;
		}
		const double years_over = person.age - spec.min_age;
		const double chance = std::min(spec.prevalence * 4.0, spec.prevalence * (0.5 + years_over / 20.0));
		if (!random.Chance(chance)) {
			continue;
		}
		const int64_t earliest = person.birth_day + spec.min_age * 365;
		const int64_t onset = random.Between(std::max(earliest, person.birth_day + 30), as_of_day - 60);
		person.conditions.push_back({&spec, std::clamp(onset, person.birth_day, as_of_day - 1)});
	}
	const Table<AllergySpec> allergies = Allergies();
	if (random.Chance(0.2)) {
		const int count = random.Chance(0.2) ? 2 : 1;
		for (int i = 0; i < count; ++i) {
			const AllergySpec &spec = allergies[random.Below(allergies.count)];
			const bool known = std::any_of(person.allergies.begin(), person.allergies.end(),
			                               [&](const PersonAllergy &a) { return a.spec == &spec; });
			if (!known) {
				const int64_t onset = random.Between(person.birth_day + 180, as_of_day - 30);
				person.allergies.push_back(
				    {&spec, std::clamp(onset, person.birth_day, as_of_day - 1), random.Chance(0.2)});
			}
		}
	}
}

} // namespace

const char *
GenderCode(Gender gender) {
	switch (gender) {
	case Gender::Male:
		return "male";
	case Gender::Female:
		return "female";
	case Gender::Other:
		return "other";
	case Gender::Unknown:
		return "unknown";
	}
	return "unknown";
}

bool
Person::Has(const char *snomed_code) const {
	return std::any_of(conditions.begin(), conditions.end(), [&](const LongTermCondition &c) {
		return std::strcmp(c.spec->condition.code, snomed_code) == 0;
	});
}

Person
MakePerson(uint64_t seed, uint64_t index, int64_t as_of_day) {
	Random random(seed, PERSON_STREAM, index);
	Person person;
	person.index = index;
	person.nhs_number = SyntheticNhsNumber(index, seed);
	person.age = PickAge(random);
	// Birthday somewhere in the year before the as-of day's anniversary.
	person.birth_day = as_of_day - person.age * 365 - person.age / 4 - random.Between(1, 364);
	person.age = YearsBetween(person.birth_day, as_of_day);
	AddNamesAndGender(random, person);
	AddTitle(random, person);
	AddContacts(random, person);
	AddBody(random, person);
	AddHealth(random, person, as_of_day);
	return person;
}

} // namespace hdl::synth
