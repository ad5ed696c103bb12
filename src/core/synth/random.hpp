// Deterministic pseudo-random numbers for the synthetic data generator. Written out by hand
// (splitmix64 seeding, xoshiro256** stream) because std:: distributions give different
// numbers on different standard libraries, and the generator promises byte-identical output.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace hdl::synth {

// One splitmix64 step: advances state and returns a well-mixed 64-bit value.
uint64_t SplitMix64(uint64_t &state);

// Mixes two 64-bit keys into one (order matters); used to derive independent streams.
uint64_t MixKeys(uint64_t a, uint64_t b);

// xoshiro256**: a small, fast generator whose output depends only on the seed and stream keys.
class Random {
public:
	// Streams with different (a, b) keys are independent of each other for the same seed.
	explicit Random(uint64_t seed, uint64_t stream_a = 0, uint64_t stream_b = 0);

	uint64_t Next();
	// Uniform in [0, n); n == 0 returns 0.
	uint64_t Below(uint64_t n);
	// Uniform in [lo, hi], both inclusive.
	int64_t Between(int64_t lo, int64_t hi);
	// Uniform in [0, 1).
	double Unit();
	bool Chance(double probability);
	// A bell-shaped value (Irwin-Hall with four terms): mean, standard deviation sd, within mean ± 3.46 sd.
	double Bell(double mean, double sd);
	// A version-4 UUID in lower-case text form.
	std::string Uuid();

	template <class T, std::size_t N>
	const T &
	Pick(const T (&items)[N]) {
		return items[Below(N)];
	}

private:
	uint64_t state_[4];
};

} // namespace hdl::synth

#include "core/cpp_only.hpp"
