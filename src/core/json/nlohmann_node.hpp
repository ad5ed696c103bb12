// The nlohmann::json back end of hdl::json::Node (unit tests and command-line tools).
#pragma once
#include <nlohmann/json.hpp>

#include "core/json/node.hpp"

namespace hdl::json {

// The returned Node points into j: j must outlive it.
Node FromNlohmann(const nlohmann::json &j) noexcept;

// A deep copy of any Node (either back end) as nlohmann::json.
nlohmann::json ToNlohmann(const Node &n);

} // namespace hdl::json

#include "core/cpp_only.hpp"
