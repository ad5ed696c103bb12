// Evaluates a CompiledView over one resource: where filters, then the select tree, whose
// sibling parts multiply (cartesian product) and whose unionAll branches add rows. Rows are
// built in one reused buffer and handed to the sink as soon as they are complete.
#include "core/depth.hpp"
#include "core/error.hpp"
#include "core/fhirpath/fhir_types.hpp"
#include "core/fhirpath/node_path.hpp"
#include "core/sof/select_node.hpp"
#include "core/sof/view.hpp"

namespace hdl::sof {

namespace {

using fhirpath::Collection;
using fhirpath::Span;
using fhirpath::Value;
using fhirpath::ValueKind;

// What remains to be done after a nested select has filled its columns.
struct Continuation {
	const SelectNode *select;
	size_t part;
	const Value *focus;
	int64_t rowIndex;
	const Continuation *parent;
};

// A document node as a cell (its FHIR type, when known, tells dates from strings).
void
NodeToCell(const json::Node &node, std::string_view fhirType, CellValue &cell) {
	cell.items.clear();
	cell.text.clear();
	cell.node = node;
	switch (node.type()) {
	case json::Type::Bool:
		cell.kind = CellValue::Kind::Boolean;
		cell.boolean = node.boolean();
		return;
	case json::Type::Number: {
		int64_t i;
		if (fhirpath::AsInteger(Value::OfNode(node, fhirType), i)) { // 1.0 and decimals stay decimals
			cell.kind = CellValue::Kind::Integer;
			cell.integer = i;
		} else {
			cell.kind = CellValue::Kind::Decimal;
		}
		return;
	}
	case json::Type::String:
		if (fhirpath::IsDateTypeName(fhirType))
			cell.kind = CellValue::Kind::Date;
		else if (fhirpath::IsDateTimeTypeName(fhirType))
			cell.kind = CellValue::Kind::DateTime;
		else if (fhirpath::IsTimeTypeName(fhirType))
			cell.kind = CellValue::Kind::Time;
		else
			cell.kind = CellValue::Kind::String;
		return;
	case json::Type::Object:
	case json::Type::Array:
		cell.kind = CellValue::Kind::Node;
		return;
	default:
		cell.kind = CellValue::Kind::Null;
		cell.node = json::Node();
		return;
	}
}

void
ToCell(const Value &v, CellValue &cell) {
	if (v.kind == ValueKind::Node) {
		NodeToCell(v.node, v.fhirType, cell);
		return;
	}
	cell.items.clear();
	cell.node = json::Node();
	cell.text.clear();
	switch (v.kind) {
	case ValueKind::Node: // handled above
		return;
	case ValueKind::Boolean:
		cell.kind = CellValue::Kind::Boolean;
		cell.boolean = v.boolean;
		return;
	case ValueKind::Integer:
		cell.kind = CellValue::Kind::Integer;
		cell.integer = v.integer;
		return;
	case ValueKind::Decimal:
		cell.kind = CellValue::Kind::Decimal;
		cell.text = v.text;
		return;
	case ValueKind::String:
		cell.kind = CellValue::Kind::String;
		cell.text = v.text;
		return;
	case ValueKind::Date:
		cell.kind = CellValue::Kind::Date;
		cell.text = v.text;
		return;
	case ValueKind::DateTime:
		cell.kind = CellValue::Kind::DateTime;
		cell.text = v.text;
		return;
	case ValueKind::Time:
		cell.kind = CellValue::Kind::Time;
		cell.text = v.text;
		return;
	case ValueKind::Quantity:
		cell.kind = CellValue::Kind::String;
		fhirpath::ToText(v, cell.text);
		return;
	case ValueKind::TypeInfo: // type() has no column form: namespace.name
		cell.kind = CellValue::Kind::String;
		cell.text = v.text + "." + v.unit;
		return;
	}
}

// A missing focus (forEachOrNull over nothing) is the empty collection.
Span
FocusSpan(const Value *focus) {
	return focus ? Span(focus, 1) : Span();
}

class Runner {
public:
	Runner(const fhirpath::Environment &env, const std::vector<ColumnInfo> &columns,
	       const json::Node &resource, RowSink &sink, Row &row)
	    : env_(env), columns_(columns), resource_(resource), sink_(sink), row_(row) {
		row_.resize(columns.size());
		for (CellValue &cell : row_) { // reused from the last resource: emptied, storage kept
			cell.kind = CellValue::Kind::Null;
			cell.node = json::Node();
			cell.text.clear();
			cell.items.clear();
		}
	}

	void
	start(const SelectNode &root, const Value *focus) {
		run(root, 0, focus, 0, nullptr);
	}

private:
	const fhirpath::Environment &env_;
	const std::vector<ColumnInfo> &columns_;
	const json::Node &resource_;
	RowSink &sink_;
	Row &row_;
	Collection scratch_;
	std::vector<fhirpath::NodeRef> nodes_;

	[[noreturn]] void
	TooMany(const CompiledColumn &c, size_t n) const {
		throw Error(ErrorKind::InvalidParameter,
		            "column \"" + columns_[c.index].name + "\" returned " + std::to_string(n) + " values",
		            "The path \"" + c.path.text() + "\" yields a collection for this resource.",
		            "Set \"collection\": true on the column, or narrow the path (e.g. with first()).");
	}

	void
	proceed(const Continuation *k) {
		if (k)
			run(*k->select, k->part, k->focus, k->rowIndex, k->parent);
		else
			sink_.OnRow(row_);
	}

	void
	run(const SelectNode &s, size_t part, const Value *focus, int64_t rowIndex, const Continuation *k) {
		depth::Guard guard("ViewDefinition"); // each select part of a row is a level of the walk
		size_t selects = s.selects.size();
		size_t parts = 1 + selects + (s.unionAll.empty() ? 0 : 1);
		if (part == parts) {
			proceed(k);
			return;
		}
		if (part == 0) {
			fillColumns(s, focus, rowIndex);
			run(s, 1, focus, rowIndex, k);
			return;
		}
		Continuation next {&s, part + 1, focus, rowIndex, k};
		if (part <= selects) {
			enter(s.selects[part - 1], focus, rowIndex, &next);
			return;
		}
		for (const SelectNode &branch : s.unionAll)
			enter(branch, focus, rowIndex, &next);
	}

	void
	enter(const SelectNode &s, const Value *focus, int64_t rowIndex, const Continuation *k) {
		if (s.iteration == SelectNode::Iteration::None) {
			run(s, 0, focus, rowIndex, k);
			return;
		}
		Collection items;
		if (s.iteration == SelectNode::Iteration::Repeat) {
			if (focus)
				collectRepeat(s, *focus, rowIndex, items);
		} else {
			fhirpath::EvaluateInto(s.forEach, FocusSpan(focus), resource_, env_, rowIndex, items);
		}
		if (items.empty()) {
			// forEachOrNull: one row evaluated over an empty focus (columns null, %rowIndex 0).
			if (s.iteration == SelectNode::Iteration::ForEachOrNull)
				run(s, 0, nullptr, 0, k);
			return;
		}
		for (size_t i = 0; i < items.size(); i++)
			run(s, 0, &items[i], static_cast<int64_t>(i), k);
	}

	// repeat: every node reachable through the expressions, depth first, parents first.
	void
	collectRepeat(const SelectNode &s, const Value &from, int64_t rowIndex, Collection &out) {
		depth::Guard guard("resource"); // repeat follows the resource's own nesting
		for (const fhirpath::Expression &e : s.repeat) {
			Collection children;
			fhirpath::EvaluateInto(e, Span(&from, 1), resource_, env_, rowIndex, children);
			for (const Value &child : children) {
				out.push_back(child);
				collectRepeat(s, child, rowIndex, out);
			}
		}
	}

	void
	fillColumns(const SelectNode &s, const Value *focus, int64_t rowIndex) {
		for (const CompiledColumn &c : s.columns) {
			// A plain path to a single value: its node straight into the cell, no Value built.
			const fhirpath::NodePath *fast = c.path.fast();
			if (!c.collection && fast != nullptr && fast->endsAtNodes() &&
			    fhirpath::EvaluateNodesInto(c.path, FocusSpan(focus), resource_, env_, rowIndex, nodes_)) {
				if (nodes_.size() > 1)
					TooMany(c, nodes_.size());
				CellValue &cell = row_[c.index];
				if (nodes_.empty())
					cell = CellValue();
				else
					NodeToCell(nodes_[0].node, nodes_[0].type, cell);
				continue;
			}
			scratch_.clear();
			fhirpath::EvaluateInto(c.path, FocusSpan(focus), resource_, env_, rowIndex, scratch_);
			CellValue &cell = row_[c.index];
			if (c.collection) {
				cell.kind = CellValue::Kind::Collection;
				cell.node = json::Node();
				cell.text.clear();
				cell.items.resize(scratch_.size());
				for (size_t i = 0; i < scratch_.size(); i++)
					ToCell(scratch_[i], cell.items[i]);
				continue;
			}
			if (scratch_.size() > 1)
				TooMany(c, scratch_.size());
			if (scratch_.empty())
				cell = CellValue();
			else
				ToCell(scratch_[0], cell);
		}
	}
};

} // namespace

void
Evaluate(const CompiledView &view, const json::Node &resource, RowSink &sink) {
	if (!resource.isObject())
		return;
	// the columns' paths share their member steps, and all start at the root's members
	fhirpath::NodePath::DocumentScope memo(resource);
	if (memo.get(resource, "resourceType").str() != view.resource_)
		return;
	Value root = Value::OfNode(resource);
	Collection result;
	for (const fhirpath::Expression &w : view.where_) {
		result.clear();
		fhirpath::EvaluateInto(w, Span(&root, 1), resource, view.constants_, 0, result);
		if (!fhirpath::IsTrue(result, "the where path \"" + w.text() + "\""))
			return;
	}
	Runner runner(view.constants_, view.columns_, resource, sink, view.row_);
	runner.start(*view.root_, &root);
}

} // namespace hdl::sof
