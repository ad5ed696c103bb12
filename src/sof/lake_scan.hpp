// Streams the lake's current resources of one type (optionally only some ids) through an SPI
// cursor in batches, handing each document to C++ as an hdl::json::Node walked in place.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/node.hpp"

namespace hdl::sof_pg {

// Called once per resource: its id and its document (valid only during the call).
using ResourceVisitor = std::function<void(std::string_view id, const hdl::json::Node &resource)>;

// Reads hdl_lake.resource for `type` (all ids when ids is null) in batches of `batch` rows.
// Must run inside SPI_connect; each batch's memory is released before the next is fetched.
void ScanLake(const std::string &type, const std::vector<std::string> *ids, int batch,
              const ResourceVisitor &visit);

} // namespace hdl::sof_pg
