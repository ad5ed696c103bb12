// The generator's pseudo-random numbers must be the same everywhere, forever: the golden
// values below pin the algorithms (splitmix64, xoshiro256**), not just self-consistency.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "core/synth/random.hpp"

using hdl::synth::Random;

TEST(SynthRandom, SplitMix64MatchesTheReferenceSequence) {
	uint64_t state = 0;
	EXPECT_EQ(hdl::synth::SplitMix64(state), 0xe220a8397b1dcdafULL);
	EXPECT_EQ(hdl::synth::SplitMix64(state), 0x6e789e6aa1b965f4ULL);
	EXPECT_EQ(hdl::synth::SplitMix64(state), 0x06c45d188009454fULL);
}

TEST(SynthRandom, SameSeedAndStreamGiveTheSameNumbers) {
	Random a(7, 1, 2), b(7, 1, 2);
	for (int i = 0; i < 1000; ++i) {
		ASSERT_EQ(a.Next(), b.Next());
	}
}

TEST(SynthRandom, StreamsAndSeedsDiffer) {
	std::set<uint64_t> firsts;
	for (uint64_t seed = 0; seed < 4; ++seed) {
		for (uint64_t a = 0; a < 4; ++a) {
			for (uint64_t b = 0; b < 4; ++b) {
				firsts.insert(Random(seed, a, b).Next());
			}
		}
	}
	EXPECT_EQ(firsts.size(), 64u);
}

TEST(SynthRandom, GoldenValuesForSeedOne) {
	Random random(1);
	const uint64_t first = random.Next();
	const uint64_t second = random.Next();
	// Recorded from this implementation; a change here changes every generated data set.
	EXPECT_EQ(first, 0x9fb1891a7063e6aaULL);
	EXPECT_EQ(second, 0xa44c5226aea9a4eaULL);
}

TEST(SynthRandom, RangesStayInBounds) {
	Random random(3);
	int low_hits = 0, high_hits = 0;
	for (int i = 0; i < 10000; ++i) {
		const int64_t v = random.Between(-3, 3);
		ASSERT_GE(v, -3);
		ASSERT_LE(v, 3);
		low_hits += v == -3;
		high_hits += v == 3;
		const double u = random.Unit();
		ASSERT_GE(u, 0.0);
		ASSERT_LT(u, 1.0);
		ASSERT_LT(random.Below(10), 10u);
		const double bell = random.Bell(10.0, 1.0);
		ASSERT_GE(bell, 10.0 - 3.47);
		ASSERT_LE(bell, 10.0 + 3.47);
	}
	EXPECT_GT(low_hits, 1000);
	EXPECT_GT(high_hits, 1000);
	EXPECT_EQ(random.Below(0), 0u);
	EXPECT_EQ(random.Between(5, 5), 5);
}

TEST(SynthRandom, UuidsAreVersionFour) {
	Random random(11);
	const std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
	std::set<std::string> seen;
	for (int i = 0; i < 1000; ++i) {
		const std::string uuid = random.Uuid();
		ASSERT_TRUE(std::regex_match(uuid, shape)) << uuid;
		ASSERT_TRUE(seen.insert(uuid).second);
	}
}
