// CellValue text and JSON forms, for tools and tests (the Postgres layer reads cells directly).
#include "core/json/nlohmann_node.hpp"
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
		return json::Dump(json::ToNlohmann(node));
	default:
		if (node.isNumber())
			return node.numberText();
		if (node.isString())
			return std::string(node.str());
		return text;
	}
}

nlohmann::json
CellToJson(const CellValue &cell) {
	switch (cell.kind) {
	case CellValue::Kind::Null:
		return nullptr;
	case CellValue::Kind::Boolean:
		return cell.boolean;
	case CellValue::Kind::Integer:
		return cell.integer;
	case CellValue::Kind::Decimal: {
		if (!cell.node.missing())
			return json::ToNlohmann(cell.node);
		nlohmann::json parsed = nlohmann::json::parse(cell.text, nullptr, false);
		return parsed.is_number() ? parsed : nlohmann::json(cell.text);
	}
	case CellValue::Kind::Node:
		return json::ToNlohmann(cell.node);
	case CellValue::Kind::Collection: {
		nlohmann::json out = nlohmann::json::array();
		for (const CellValue &item : cell.items)
			out.push_back(CellToJson(item));
		return out;
	}
	default:
		return cell.toText();
	}
}

nlohmann::json
RowToJson(const CompiledView &view, const Row &row) {
	nlohmann::json out = nlohmann::json::object();
	for (size_t i = 0; i < row.size() && i < view.columns().size(); i++)
		out[view.columns()[i].name] = CellToJson(row[i]);
	return out;
}

} // namespace hdl::sof
