// Every hdl.* setting, defined in guc.cpp and documented in docs/settings.md.
#pragma once

namespace hdl::guc {

enum ValidationLevelSetting { VALIDATION_STRICT = 0, VALIDATION_STRUCTURE = 1, VALIDATION_MINIMAL = 2 };

extern bool enable_test_functions;
extern int validation_level;

void Define() noexcept;

} // namespace hdl::guc
