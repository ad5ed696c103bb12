// Streams the lake's current resources of one type (all, some ids, or those changed between two
// snapshots), handing each document to C++ as an hdl::json::Node walked in place.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <cstdint>

#include "core/json/node.hpp"

namespace hdl::sof_pg {

// Called once per resource: its id and its document (valid only during the call).
using ResourceVisitor = std::function<void(std::string_view id, const hdl::json::Node &resource)>;

// Which resources of the type a scan reads: every one (the default), the given ids, or those
// changed after the snapshot `since` and seen by `upto` or written by the transaction `own`.
struct LakeSelection {
	const std::vector<std::string> *ids = nullptr;
	bool changes = false;
	uintptr_t since = 0, upto = 0; // Datums (this header stays free of Postgres's): pg_snapshot
	uintptr_t own = 0;             // xid8
};

// Reads the current versions of `type` in the selection: all of them by a heap scan of the
// partition, ids from hdl_lake.resource, changes from the change log (hdl_lake.resource_history),
// the last two through an SPI cursor in batches of `batch` rows. Must run inside SPI_connect;
// each batch's memory is released before the next is fetched.
void ScanLake(const std::string &type, const LakeSelection &which, int batch, const ResourceVisitor &visit);

} // namespace hdl::sof_pg
