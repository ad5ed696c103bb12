// Memory-context helpers: switch-and-restore, and C++ objects owned by a memory context (the
// context's reset callback deletes them, so an ERROR that resets the context frees them too).
#pragma once
#include <new>
#include <utility>

#include "pg/postgres.hpp"

namespace hdl::pg {

class ContextScope {
public:
	explicit ContextScope(MemoryContext cxt) noexcept : saved_(MemoryContextSwitchTo(cxt)) {
	}
	~ContextScope() {
		MemoryContextSwitchTo(saved_);
	}
	ContextScope(const ContextScope &) = delete;
	ContextScope &operator=(const ContextScope &) = delete;

private:
	MemoryContext saved_;
};

// A short-lived child memory context, current while the object lives, deleted with it: for
// per-chunk allocations (SPI argument arrays) that would otherwise pile up until SPI_finish.
class TemporaryContext {
public:
	explicit TemporaryContext(const char *name);
	~TemporaryContext() {
		MemoryContextSwitchTo(saved_);
		MemoryContextDelete(context_); // cannot fail
	}
	TemporaryContext(const TemporaryContext &) = delete;
	TemporaryContext &operator=(const TemporaryContext &) = delete;

private:
	MemoryContext context_;
	MemoryContext saved_;
};

// Creates a T with `new` and registers its deletion when `cxt` is reset or deleted.
// The callback record lives in cxt itself. Call in the Extract/Emit phase (it can ereport).
template <typename T, typename... Args>
T *
OwnedByContext(MemoryContext cxt, Args &&...args) {
	auto *cb = static_cast<MemoryContextCallback *>(MemoryContextAlloc(cxt, sizeof(MemoryContextCallback)));
	T *object = new T(std::forward<Args>(args)...);
	cb->func = [](void *arg) { delete static_cast<T *>(arg); };
	cb->arg = object;
	MemoryContextRegisterResetCallback(cxt, cb);
	return object;
}

} // namespace hdl::pg
