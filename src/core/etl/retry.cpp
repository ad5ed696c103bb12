// Exponential backoff, capped.
#include "core/etl/retry.hpp"

namespace hdl::etl {

int64_t
RetryDelaySeconds(int attempt, int base_seconds, int max_seconds) noexcept {
	if (attempt < 1 || base_seconds <= 0 || max_seconds <= 0)
		return 0;
	int64_t delay = base_seconds;
	// Doubling stops at the cap, so the loop runs at most ~32 times and never overflows.
	for (int i = 1; i < attempt && delay < max_seconds; ++i)
		delay *= 2;
	return delay < max_seconds ? delay : max_seconds;
}

} // namespace hdl::etl
