// Row sinks for ViewDefinition rows: a materialised SRF's tuplestore, as JSON objects (column
// name -> value) or as typed columns matching the caller's column definition list, or a mart
// table written directly (its columns, then _resource_key).
#pragma once
#include <string>
#include <vector>

#include "core/sof/view.hpp"
#include "pg/direct_insert.hpp"

#include "pg/postgres.hpp"

namespace hdl::sof_pg {

struct ColumnSlot; // per-column conversion state, palloc'd (rows_out.cpp)
struct CellIn;     // one cell prepared for conversion (rows_out.cpp)

// One column of typed rows: a view column, or the FHIR text of the typed time column before it
// ("<name>_text", docs/marts.md). The resource key comes after all of them.
struct OutColumn {
	std::string name;
	size_t cell;       // the view column it comes from
	bool text_copy;    // the FHIR text of a typed time column
	bool period_start; // a typed time column: partial values are the start of their period
};
std::vector<OutColumn> MartLayout(const sof::CompiledView &view);

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

// Rows as typed columns: the expected tuple descriptor must list the view's columns in order
// (MartLayout: each typed time column followed by its text), then a text column for the
// resource key. Cells convert to bool/int directly, to jsonb by
// encoding, and to any other type through its input function (with an error context naming
// the column and the resource).
class TypedRows : public sof::RowSink {
public:
	TypedRows(const sof::CompiledView &view, FunctionCallInfo fcinfo);
	~TypedRows() override;
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
	std::vector<OutColumn> layout_;
	ColumnSlot *slots_;
	std::string key_;
	std::vector<std::string> text_;
	std::vector<CellIn> cells_;
	uint64_t rows_ = 0;
};

// Rows inserted straight into a mart table (pg::InsertDirect, in batches): its columns must be
// the view's columns in order (MartLayout), then _resource_key text. Into an empty table (a full rebuild)
// the indexes are built once at the end instead of row by row. Call Finish() after the last row.
class TableRows : public sof::RowSink {
public:
	TableRows(const sof::CompiledView &view, Oid table);
	~TableRows() override;
	void
	setResourceKey(const std::string &key) {
		key_.assign(key); // keeps the buffer
	}
	void OnRow(const sof::Row &row) override;
	void Finish();
	uint64_t
	rows() const {
		return rows_;
	}

private:
	void Flush();
	static constexpr size_t BatchRows = 1000;
	Oid table_;
	MemoryContext batch_context_;
	ColumnSlot *slots_ = nullptr;
	std::vector<OutColumn> layout_;
	std::vector<const char *> names_; // point into layout_
	std::string key_;
	std::vector<std::string> text_;
	std::vector<CellIn> cells_;
	pg::DirectRows batch_;
	std::vector<char> row_nulls_; // one row's nulls (bool-sized, as the conversion writes them)
	size_t pending_ = 0;
	uint64_t rows_ = 0;
};

} // namespace hdl::sof_pg
