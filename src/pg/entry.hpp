// Entry boundary: every symbol Postgres calls is an extern "C" shim whose body is one call to
// CallCpp, which runs the C++ implementation and turns any escaping C++ exception into an
// ereport(ERROR) after the try/catch scope, when no C++ object is alive (style guide 3.2).
#pragma once
#include <exception>
#include <new>

#include "core/error.hpp"
#include "pg/errors.hpp"

#include "pg/postgres.hpp"

namespace hdl::pg {

template <typename Impl, typename... Args>
auto
CallCpp(const char *entry, Impl impl, Args... args) noexcept -> decltype(impl(args...)) {
	PendingError *pe = nullptr;
	{
		try {
			return impl(args...);
		} catch (const std::bad_alloc &) {
			pe = &CapturePending(ERRCODE_OUT_OF_MEMORY, "out of memory in hdl");
		} catch (const std::exception &e) {
			pe = &CapturePending(e); // hdl::Error and PgError keep their SQLSTATE
		} catch (...) {
			pe = &CapturePending(ERRCODE_INTERNAL_ERROR, "unexpected C++ exception in hdl");
		}
	} // every C++ temporary is gone here
	if (TakesSubmittedContent(entry))
		WithholdSubmittedValues(*pe);
	RaisePending(*pe, entry);
}

// Refuses a NULL argument of a function that is not STRICT because another argument's NULL has
// a meaning (a default): SQLSTATE 22004 naming the argument. Call it first in the function,
// while no C++ object is alive: it ereports.
inline void
RequireArg(FunctionCallInfo fcinfo, int argno, const char *name) {
	if (PG_ARGISNULL(argno))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be null", name),
		                errhint("Pass a value for argument \"%s\".", name)));
}

} // namespace hdl::pg

// An SQL-callable function: `HDL_FUNCTION(hdl_ingest) { ... return datum; }`.
// The shim cannot itself be noexcept (PG_FUNCTION_INFO_V1 declared it); CallCpp is.
#define HDL_FUNCTION(name)                                                                                   \
	extern "C" {                                                                                             \
	PG_FUNCTION_INFO_V1(name);                                                                               \
	}                                                                                                        \
	static Datum name##_impl(FunctionCallInfo fcinfo);                                                     \
	extern "C" Datum name(PG_FUNCTION_ARGS) {                                                                \
		return ::hdl::pg::CallCpp(#name, name##_impl, fcinfo);                                               \
	}                                                                                                        \
	static Datum name##_impl([[maybe_unused]] FunctionCallInfo fcinfo)
