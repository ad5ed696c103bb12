// splitmix64 and xoshiro256** as published by Vigna and Blackman (public-domain algorithms),
// written here from their definitions.
#include "core/synth/random.hpp"

namespace hdl::synth {

namespace {

inline uint64_t
RotateLeft(uint64_t x, int k) {
	return (x << k) | (x >> (64 - k));
}

} // namespace

uint64_t
SplitMix64(uint64_t &state) {
	state += 0x9e3779b97f4a7c15ULL;
	uint64_t z = state;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t
MixKeys(uint64_t a, uint64_t b) {
	uint64_t state = a ^ 0x6a09e667f3bcc908ULL;
	uint64_t first = SplitMix64(state);
	state = first ^ b;
	return SplitMix64(state);
}

Random::Random(uint64_t seed, uint64_t stream_a, uint64_t stream_b) {
	uint64_t state = MixKeys(MixKeys(seed, stream_a), stream_b);
	for (uint64_t &word : state_) {
		word = SplitMix64(state);
	}
}

uint64_t
Random::Next() {
	const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
	const uint64_t t = state_[1] << 17;
	state_[2] ^= state_[0];
	state_[3] ^= state_[1];
	state_[1] ^= state_[2];
	state_[0] ^= state_[3];
	state_[2] ^= t;
	state_[3] = RotateLeft(state_[3], 45);
	return result;
}

uint64_t
Random::Below(uint64_t n) {
	if (n == 0) {
		return 0;
	}
	// Multiply-shift: the bias for the small n used here is below 2^-40.
	return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
}

int64_t
Random::Between(int64_t lo, int64_t hi) {
	if (hi <= lo) {
		return lo;
	}
	return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
}

double
Random::Unit() {
	return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0);
}

bool
Random::Chance(double probability) {
	return Unit() < probability;
}

double
Random::Bell(double mean, double sd) {
	const double sum = Unit() + Unit() + Unit() + Unit();
	return mean + (sum - 2.0) * 1.7320508075688772 * sd;
}

std::string
Random::Uuid() {
	static const char HEX[] = "0123456789abcdef";
	uint64_t hi = Next();
	uint64_t lo = Next();
	hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL; // version 4
	lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; // RFC 4122 variant
	std::string text(36, '-');
	std::size_t pos = 0;
	for (int i = 0; i < 32; ++i) {
		if (i == 8 || i == 12 || i == 16 || i == 20) {
			++pos;
		}
		const uint64_t word = i < 16 ? hi : lo;
		const int shift = 60 - 4 * (i % 16);
		text[pos++] = HEX[(word >> shift) & 0xf];
	}
	return text;
}

} // namespace hdl::synth
