// Must be the last include of every src/core header: the core is pure C++ and must
// never be compiled together with Postgres headers (their port.h macros break libstdc++
// and their ereport longjmps would skip C++ destructors).
#ifdef POSTGRES_H
static_assert(false, "src/core headers must not be included after postgres.h");
#endif
