// Row sinks that put ViewDefinition rows into a materialised SRF's tuplestore: as JSON objects
// (column name -> value), or as typed columns matching the caller's column definition list
// (the mart table's columns, then _resource_key).
#pragma once
#include <string>
#include <vector>

#include "core/sof/view.hpp"

#include "pg/postgres.hpp"

namespace hdl::sof_pg {

struct ColumnSlot; // per-column conversion state, palloc'd (rows_out.cpp)

// Rows as jsonb objects; the SRF was set up with InitMaterializedSRF.
class JsonRows : public sof::RowSink {
public:
	JsonRows(const sof::CompiledView &view, FunctionCallInfo fcinfo);
	void OnRow(const sof::Row &row) override;
	uint64_t
	rows() const {
		return rows_;
	}

private:
	const sof::CompiledView &view_;
	ReturnSetInfo *rsinfo_;
	MemoryContext row_context_;
	uint64_t rows_ = 0;
};

// Rows as typed columns: the expected tuple descriptor must list the view's columns in order,
// then a text column for the resource key. Cells convert to bool/int directly, to jsonb by
// encoding, and to any other type through its input function (with an error context naming
// the column and the resource).
class TypedRows : public sof::RowSink {
public:
	TypedRows(const sof::CompiledView &view, FunctionCallInfo fcinfo);
	void
	setResourceKey(std::string key) {
		key_ = std::move(key);
	}
	void OnRow(const sof::Row &row) override;
	uint64_t
	rows() const {
		return rows_;
	}

private:
	const sof::CompiledView &view_;
	ReturnSetInfo *rsinfo_;
	MemoryContext row_context_;
	ColumnSlot *slots_;
	std::string key_;
	std::vector<std::string> text_;
	uint64_t rows_ = 0;
};

} // namespace hdl::sof_pg
