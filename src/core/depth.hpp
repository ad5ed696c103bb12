// Recursion budgets for the core's parsers and walkers (style guide 8.2). Each recursive step
// opens a depth::Guard; it fails with ErrorKind::TooDeep (SQLSTATE 54001) when the nesting
// passes MAX_NESTING levels or the stack is nearly exhausted, whichever comes first. The
// server installs Postgres's stack_is_too_deep() (max_stack_depth) with SetStackCheck; without
// one (unit tests, tools, fuzzers) the thread's own stack bounds are used.
#pragma once
#include <pthread.h>

#include <cstddef>
#include <string>

#include "core/error.hpp"

namespace hdl::depth {

// The deepest nesting any core parser or walker accepts. Real FHIR resources and FHIRPath
// expressions stay far below it; one counter spans nested walks (a FHIRPath expression
// evaluated inside a ViewDefinition's select), so their levels add up.
constexpr int MAX_NESTING = 1000;

// Returns true when the stack is too deep to go on; must not throw or longjmp.
using StackCheck = bool (*)() noexcept;

inline StackCheck installed_check = nullptr;
inline thread_local int nesting = 0;

inline void
SetStackCheck(StackCheck check) noexcept {
	installed_check = check;
}

// The fallback check: stop when less than a margin of the thread's stack is left.
inline bool
ThreadStackTooDeep() noexcept {
	static thread_local const char *limit = nullptr;
	static thread_local bool known = false;
	if (!known) {
		known = true;
		pthread_attr_t attr;
		if (pthread_getattr_np(pthread_self(), &attr) == 0) {
			void *low = nullptr;
			size_t size = 0;
			if (pthread_attr_getstack(&attr, &low, &size) == 0 && low != nullptr) {
				size_t margin = size / 4 < 512 * 1024 ? size / 4 : 512 * 1024;
				limit = static_cast<const char *>(low) + margin;
			}
			pthread_attr_destroy(&attr);
		}
	}
	char here;
	return limit != nullptr && &here < limit; // stacks grow down on every platform hdl builds for
}

inline bool
StackTooDeep() noexcept {
	return installed_check ? installed_check() : ThreadStackTooDeep();
}

// The error of a budget: `limit` levels, or 0 when the stack check stopped the walk.
[[noreturn]] inline void
Fail(const char *what, int limit) {
	throw Error(ErrorKind::TooDeep, std::string(what) + " is nested too deeply",
	            limit == 0 ? "The stack depth limit (max_stack_depth in the server) was reached."
	                       : "hdl accepts at most " + std::to_string(limit) + " levels of nesting.");
}

// One level of a recursive parse or walk; `what` names the input ("JSON value", "FHIRPath
// expression") for the error message, which never quotes the input itself.
class Guard {
public:
	explicit Guard(const char *what) {
		if (++nesting > MAX_NESTING) {
			--nesting;
			Fail(what, MAX_NESTING);
		}
		if (StackTooDeep()) {
			--nesting;
			Fail(what, 0);
		}
	}
	~Guard() {
		--nesting;
	}
	Guard(const Guard &) = delete;
	Guard &operator=(const Guard &) = delete;
};

// For walks that build a tree without recursing (loops that nest the result): fails when a
// height that later recursive walks will follow passes the budget.
inline void
CheckHeight(int height, const char *what) {
	if (height > MAX_NESTING)
		Fail(what, MAX_NESTING);
}

} // namespace hdl::depth

#include "core/cpp_only.hpp"
