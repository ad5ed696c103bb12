// Retry backoff for failed ETL runs.
#pragma once
#include <cstdint>

namespace hdl::etl {

// Seconds to wait before retry number `attempt` (1 = the first retry): base, 2*base, 4*base, ...
// capped at max_seconds. Never overflows; returns 0 when attempt < 1 or base/max are not
// positive, so the caller's arithmetic needs no special cases.
int64_t RetryDelaySeconds(int attempt, int base_seconds, int max_seconds) noexcept;

} // namespace hdl::etl

#include "core/cpp_only.hpp"
