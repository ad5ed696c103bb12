// CellValue text and JSON forms (the Postgres layer writes CellToValue; tools and tests read
// CellToJson).
#include "core/depth.hpp"
#include "core/sof/view.hpp"

namespace hdl::sof {

std::string
CellValue::toText() const {
	switch (kind) {
	case Kind::Null:
	case Kind::Collection:
		return {};
	case Kind::Boolean:
		return boolean ? "true" : "false";
	case Kind::Integer:
		return std::to_string(integer);
	case Kind::Node:
		return json::ToValue(node).dump();
	default:
		if (node.isNumber())
			return node.numberText();
		if (node.isString())
			return std::string(node.str());
		return text;
	}
}

json::Value
CellToValue(const CellValue &cell) {
	depth::Guard guard("view cell");
	switch (cell.kind) {
	case CellValue::Kind::Null:
		return json::Value();
	case CellValue::Kind::Boolean:
		return cell.boolean;
	case CellValue::Kind::Integer:
		return static_cast<long long>(cell.integer);
	case CellValue::Kind::Decimal:
		if (!cell.node.missing())
			return json::ToValue(cell.node);
		return json::IsNumberText(cell.text) ? json::Value::Number(cell.text) : json::Value(cell.text);
	case CellValue::Kind::Node:
		return json::ToValue(cell.node);
	case CellValue::Kind::Collection: {
		json::Value out = json::Value::array();
		for (const CellValue &item : cell.items)
			out.push_back(CellToValue(item));
		return out;
	}
	default:
		return cell.toText();
	}
}

json::Value
RowToValue(const CompiledView &view, const Row &row) {
	json::Value out = json::Value::object();
	for (size_t i = 0; i < row.size() && i < view.columns().size(); i++)
		out[view.columns()[i].name] = CellToValue(row[i]);
	return out;
}

nlohmann::json
CellToJson(const CellValue &cell) {
	return nlohmann::json::parse(CellToValue(cell).dump());
}

nlohmann::json
RowToJson(const CompiledView &view, const Row &row) {
	return nlohmann::json::parse(RowToValue(view, row).dump());
}

} // namespace hdl::sof
