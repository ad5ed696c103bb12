// The nlohmann::json back end of hdl::json::Node (unit tests and command-line tools).
#pragma once
#include <nlohmann/json.hpp>

#include "core/json/node.hpp"

namespace hdl::json {

// The returned Node points into j: j must outlive it.
Node FromNlohmann(const nlohmann::json &j) noexcept;

// A deep copy of any Node (either back end) as nlohmann::json. nlohmann keeps numbers as int64
// or double, which would turn the FHIR decimal 72.50 into 72.5 (and lose digits beyond a
// double's): numbers that are not plain integers are kept as their exact text in an "exact
// number" string, which FromNlohmann, jsonb::Encode and Dump treat as a number again.
nlohmann::json ToNlohmann(const Node &n);

nlohmann::json ExactNumber(std::string_view text);
bool IsExactNumber(const nlohmann::json &j) noexcept;
std::string_view ExactNumberText(const nlohmann::json &j) noexcept;

// JSON text of j with exact numbers written as numbers.
std::string Dump(const nlohmann::json &j);

} // namespace hdl::json

#include "core/cpp_only.hpp"
