// Run one step in an internal subtransaction and keep going if it fails: the "record the
// error and go on" pattern for bulk ingestion (batch Bundles, S3 imports) and ETL steps.
#pragma once
#include <string>

namespace hdl::pg {

struct StepError {
	bool failed = false;
	int sqlstate = 0;
	std::string message;
	std::string detail;
	std::string hint;
	std::string context; // the errcontext lines (where the error happened)

	// A cancel, statement timeout or shutdown (SQLSTATE class 57) ends the whole statement: it
	// is not a failure of the step to record and go on from.
	bool interrupted() const noexcept;
};

// Calls step(arg) inside BeginInternalSubTransaction. On a Postgres ERROR (or a C++ exception
// thrown by step) the subtransaction is rolled back, the error returned, and the caller's
// memory context and resource owner restored. step must be a plain function: C++ objects it
// creates must not outlive a longjmp (use it as a small C-style step).
using StepFn = void (*)(void *arg);
StepError InSubtransaction(StepFn step, void *arg) noexcept;

} // namespace hdl::pg
