// pg::Guard: call an ereport-capable Postgres function from C++ while C++ objects are alive.
// A Postgres ERROR inside it becomes an hdl::pg::PgError (keeping the SQLSTATE), which must
// reach an entry shim and be raised again: only InSubtransaction may swallow it.
#pragma once
#include <csetjmp>
#include <string>
#include <type_traits>

#include "core/error.hpp"

#include "pg/postgres.hpp"

namespace hdl::pg {

class PgError : public hdl::Error {
public:
	PgError(int sqlstate, const std::string &message, std::string detail, std::string hint, std::string context)
	    : hdl::Error(ErrorKind::Internal, message, std::move(detail), std::move(hint)), sqlstate_(sqlstate),
	      context_(std::move(context)) {
	}
	int
	sqlstate() const noexcept {
		return sqlstate_;
	}
	const std::string &
	context() const noexcept {
		return context_;
	}

private:
	int sqlstate_;
	std::string context_;
};

// Copies the current Postgres error (after a longjmp landed) and throws it as PgError.
[[noreturn]] void ThrowCurrentPgError(MemoryContext restore_to);

// The call runs with an empty error context stack: a captured error keeps only the context lines
// of what it called, and the callers' lines (PL/pgSQL frames, hdl's own callbacks) are added once,
// when the entry point raises it again, instead of twice.
template <typename Func, typename... Args>
auto
Guard(Func func, Args... args) -> decltype(func(args...)) {
	using Result = decltype(func(args...));
	static_assert(std::is_void_v<Result> || std::is_trivially_copyable_v<Result>,
	              "pg::Guard results must be trivially copyable");
	static_assert((std::is_trivially_copyable_v<Args> && ...), "pg::Guard arguments must be trivially copyable");
	sigjmp_buf local_jmp;
	sigjmp_buf *volatile saved_stack = PG_exception_stack;
	ErrorContextCallback *volatile saved_context = error_context_stack;
	volatile MemoryContext saved_memory = CurrentMemoryContext;
	if constexpr (std::is_void_v<Result>) {
		if (sigsetjmp(local_jmp, 0) == 0) {
			PG_exception_stack = &local_jmp;
			error_context_stack = nullptr; // see above
			func(args...);
			PG_exception_stack = saved_stack;
			error_context_stack = saved_context;
			return;
		}
	} else {
		Result result;
		if (sigsetjmp(local_jmp, 0) == 0) {
			PG_exception_stack = &local_jmp;
			error_context_stack = nullptr; // see above
			result = func(args...);
			PG_exception_stack = saved_stack;
			error_context_stack = saved_context;
			return result;
		}
	}
	PG_exception_stack = saved_stack;
	error_context_stack = saved_context;
	ThrowCurrentPgError(saved_memory);
}

// CHECK_FOR_INTERRUPTS for C++ code with objects alive (style guide 3.5): a cancel, a statement
// timeout or a termination ereports inside Guard, so it becomes a PgError that unwinds those
// objects (curl handles, readers, buffers) and is raised again at the entry point. Benign
// interrupts are processed and return, as CHECK_FOR_INTERRUPTS would.
inline void
CheckInterrupts() {
	if (INTERRUPTS_PENDING_CONDITION())
		Guard(ProcessInterrupts);
}

} // namespace hdl::pg
