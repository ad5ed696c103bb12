// The person model: deterministic, internally consistent, and UK-shaped.
#include <gtest/gtest.h>

#include <regex>

#include "core/synth/calendar.hpp"
#include "core/synth/nhs_number.hpp"
#include "core/synth/person.hpp"

using namespace hdl::synth;

namespace {

const int64_t AS_OF = DaysFromCivil(2025, 1, 1);

} // namespace

TEST(SynthPerson, SameSeedAndIndexGiveTheSamePerson) {
	const Person a = MakePerson(5, 17, AS_OF);
	const Person b = MakePerson(5, 17, AS_OF);
	EXPECT_EQ(a.nhs_number, b.nhs_number);
	EXPECT_EQ(a.family_name, b.family_name);
	EXPECT_EQ(a.given_names, b.given_names);
	EXPECT_EQ(a.birth_day, b.birth_day);
	EXPECT_EQ(a.address.postcode, b.address.postcode);
	EXPECT_EQ(a.conditions.size(), b.conditions.size());
	EXPECT_NE(MakePerson(6, 17, AS_OF).nhs_number, a.nhs_number);
}

TEST(SynthPerson, PeopleAreConsistentAndUkShaped) {
	// Outward code (area letters, district digits), space, inward code (digit and two letters).
	const std::regex postcode("[A-Z]{1,2}[0-9]{1,2} [0-9][ABD-HJLNP-UW-Z]{2}");
	const std::regex mobile("07700 900[0-9]{3}");
	int adults = 0, with_conditions = 0;
	for (uint64_t i = 0; i < 500; ++i) {
		const Person p = MakePerson(1, i, AS_OF);
		ASSERT_TRUE(IsValidNhsNumber(p.nhs_number));
		ASSERT_FALSE(p.given_names.empty());
		ASSERT_FALSE(p.family_name.empty());
		ASSERT_LT(p.birth_day, AS_OF);
		ASSERT_EQ(p.age, YearsBetween(p.birth_day, AS_OF));
		ASSERT_GE(p.age, 0);
		ASSERT_LE(p.age, 100);
		ASSERT_TRUE(std::regex_match(p.address.postcode, postcode)) << p.address.postcode;
		ASSERT_FALSE(p.address.city.empty());
		ASSERT_FALSE(p.address.landline.empty());
		if (!p.mobile.empty()) {
			ASSERT_TRUE(std::regex_match(p.mobile, mobile)) << p.mobile;
		}
		ASSERT_GT(p.height_cm, 30.0);
		ASSERT_GT(p.weight_kg, 2.0);
		if (p.age >= 18) {
			++adults;
			ASSERT_FALSE(p.title.empty());
		} else {
			ASSERT_TRUE(p.title.empty());
		}
		for (const LongTermCondition &c : p.conditions) {
			ASSERT_GE(p.age, c.spec->min_age);
			ASSERT_GE(c.onset_day, p.birth_day);
			ASSERT_LT(c.onset_day, AS_OF);
		}
		for (const PersonAllergy &a : p.allergies) {
			ASSERT_GE(a.onset_day, p.birth_day);
			ASSERT_LT(a.onset_day, AS_OF);
		}
		with_conditions += !p.conditions.empty();
	}
	EXPECT_GT(adults, 300);
	EXPECT_GT(with_conditions, 100);
}
