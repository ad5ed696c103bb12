// SQL-on-FHIR v2 ViewDefinitions: compile a ViewDefinition once, then evaluate it resource by
// resource, streaming rows to a sink. This is the API the Postgres layer (marts) builds on.
//
//   hdl::sof::CompiledView view = hdl::sof::Compile(viewDefinitionNode);   // throws on bad views
//   for each resource:  hdl::sof::Evaluate(view, resourceNode, sink);     // sink.OnRow(row)
//
// A row holds one CellValue per column, in view.columns() order. A CellValue is a small
// variant that may point into the resource document (no copy): keep the document alive while
// using the row. Both back ends of hdl::json::Node (JSONB, nlohmann) are supported.
//
// Errors: Compile throws hdl::Error(InvalidParameter) for invalid ViewDefinitions (missing
// resource, bad FHIRPath, undefined constants, mismatched unionAll columns, duplicate column
// names, ...). Evaluate throws hdl::Error(InvalidParameter) when the data breaks the view's
// promises: a non-collection column yielding several values, a where path yielding a
// non-boolean.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/fhirpath/fhirpath.hpp"
#include "core/json/node.hpp"
#include "core/json/value.hpp"

namespace hdl::sof {

struct ColumnInfo {
	std::string name;
	std::string type; // FHIR type from the view ("string", "integer", "dateTime", ...) or ""
	bool collection = false;
	std::string description;
	// Without a type: the FHIR primitive type of the path's result where the R4 element tables
	// decide it (column_type.hpp), or "".
	std::string inferred_type;
	// The path yields the patient's key (IsPatientKeyPath): a mart indexes it by default.
	bool patient_key = false;
	// The SQL type a "postgres/type" (or the spec's "ansi/type") tag asks for, or "".
	std::string sql_type;

	const std::string &
	fhirType() const {
		return type.empty() ? inferred_type : type;
	}
	// A mart column of SQL type date/timestamptz (the period's start) followed by its FHIR text
	// in "<name>_text": FHIR type date or dateTime, not a collection, no type tag.
	bool typedTime() const;
};

struct CellValue {
	enum class Kind : uint8_t {
		Null,
		Boolean,
		Integer,
		Decimal,
		String,
		Date,
		DateTime,
		Time,
		Node,
		Collection
	};
	Kind kind = Kind::Null;
	bool boolean = false;
	int64_t integer = 0;
	// Decimal/String/Date/DateTime/Time taken from the document keep the node (no copy); computed
	// ones keep `text`. Kind::Node is a complex element (object) of the document.
	json::Node node;
	std::string text;
	std::vector<CellValue> items; // Kind::Collection

	bool
	isNull() const noexcept {
		return kind == Kind::Null;
	}
	// Scalar kinds as text: decimals exactly as written, strings and dates as they are.
	std::string toText() const;
};

using Row = std::vector<CellValue>;

class RowSink {
public:
	virtual ~RowSink() = default;
	virtual void OnRow(const Row &row) = 0;
};

struct SelectNode;

class CompiledView {
public:
	const std::string &
	resourceType() const {
		return resource_;
	}
	const std::vector<ColumnInfo> &
	columns() const {
		return columns_;
	}
	const std::string &
	name() const {
		return name_;
	}

private:
	friend CompiledView Compile(const json::Node &);
	friend void Evaluate(const CompiledView &, const json::Node &, RowSink &);
	std::string resource_;
	std::string name_;
	std::vector<ColumnInfo> columns_;
	fhirpath::Environment constants_;
	std::vector<fhirpath::Expression> where_;
	std::shared_ptr<const SelectNode> root_;
	mutable Row row_; // the row being built, reused across resources (one evaluation at a time)
};

CompiledView Compile(const json::Node &viewDefinition);

// Appends the rows of one resource; resources of another type produce no rows.
void Evaluate(const CompiledView &view, const json::Node &resource, RowSink &sink);

// A cell and a row as JSON values (decimals keep their text): what the Postgres layer writes.
json::Value CellToValue(const CellValue &cell);
json::Value RowToValue(const CompiledView &view, const Row &row); // {"column": value, ...}

// The same as nlohmann documents, for tools and tests (numbers become int64 or double).
nlohmann::json CellToJson(const CellValue &cell);
nlohmann::json RowToJson(const CompiledView &view, const Row &row);

// A sink that keeps rows as JSON objects.
class JsonRowCollector : public RowSink {
public:
	explicit JsonRowCollector(const CompiledView &view) : view_(view) {
	}
	void
	OnRow(const Row &row) override {
		rows.push_back(RowToJson(view_, row));
	}
	std::vector<nlohmann::json> rows;

private:
	const CompiledView &view_;
};

} // namespace hdl::sof

#include "core/cpp_only.hpp"
