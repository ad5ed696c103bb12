// JSONB <-> hdl::json::Node: read a jsonb datum in place, and turn encoded JSONB bytes back
// into a datum. Call these in the Extract and Emit phases.
#pragma once
#include <string>

#include "core/json/node.hpp"

#include "pg/postgres.hpp"

namespace hdl::pg {

// A Node over a detoasted jsonb; the jsonb must outlive the Node.
hdl::json::Node JsonbNode(const Jsonb *jb) noexcept;

// palloc copy of bytes produced by hdl::json::jsonb::Encode (a whole varlena); an allocation
// failure is thrown as PgError, so it is safe while C++ objects are alive.
Jsonb *JsonbFromBytes(const std::string &bytes);
Jsonb *JsonbFromBytes(const char *data, size_t length);

} // namespace hdl::pg
