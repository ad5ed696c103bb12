// Compiles a ViewDefinition (SQL-on-FHIR v2) into a CompiledView, refusing invalid ones with
// hdl::Error(InvalidParameter) that names the offending element.
#include "core/depth.hpp"
#include "core/error.hpp"
#include "core/sof/column_type.hpp"
#include "core/sof/select_node.hpp"
#include "core/sof/view.hpp"

#include <algorithm>
#include <cctype>

namespace hdl::sof {

namespace {

[[noreturn]] void
Invalid(const std::string &where, const std::string &what) {
	throw Error(ErrorKind::InvalidParameter, "invalid ViewDefinition: " + where + ": " + what);
}

bool
IsBuiltinConstant(const std::string &name) {
	return name == "resource" || name == "rootResource" || name == "context" || name == "rowIndex" ||
	       name == "ucum" || name == "sct" || name == "loinc" || name.compare(0, 3, "vs-") == 0 ||
	       name.compare(0, 4, "ext-") == 0;
}

bool
IsValidColumnName(std::string_view name) {
	if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0])))
		return false;
	return std::all_of(name.begin(), name.end(),
	                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

class Compiler {
public:
	explicit Compiler(std::vector<ColumnInfo> &columns, const fhirpath::Environment &constants,
	                  const std::string &resource)
	    : columns_(columns), constants_(constants), resource_(resource),
	      context_(fhir::r4::FindResourceType(resource)) {
	}

	fhirpath::Expression
	expression(const json::Node &node, const std::string &where) {
		if (!node.isString())
			Invalid(where, "a FHIRPath expression (string) is required");
		fhirpath::Expression e;
		try {
			e = fhirpath::Parse(node.str());
		} catch (const Error &err) {
			if (err.kind() == ErrorKind::TooDeep) // keeps 54001: the budget, not a syntax error
				throw Error(ErrorKind::TooDeep, "invalid ViewDefinition: " + where + ": " + err.what(), err.detail());
			Invalid(where, err.what());
		}
		for (const std::string &c : e.constants()) {
			if (!constants_.find(c) && !IsBuiltinConstant(c))
				Invalid(where, "undefined constant %" + c);
		}
		return e;
	}

	void
	select(const json::Node &s, const std::string &where, SelectNode &out) {
		depth::Guard guard("ViewDefinition");
		if (!s.isObject())
			Invalid(where, "a select must be an object");
		out.firstColumn = columns_.size();
		// The type of $this for this select's columns (for type inference): a forEach moves it
		// to the iterated element; repeat makes it unknown. Restored on return.
		struct Restore {
			fhir::r4::TypeId &slot;
			fhir::r4::TypeId saved;
			~Restore() {
				slot = saved;
			}
		} restore {context_, context_};
		json::Node forEach = s.get("forEach"), forEachOrNull = s.get("forEachOrNull"),
		           repeat = s.get("repeat");
		int iterations = !forEach.missing() + !forEachOrNull.missing() + !repeat.missing();
		if (iterations > 1)
			Invalid(where, "only one of forEach, forEachOrNull and repeat may be given");
		if (!forEach.missing()) {
			out.iteration = SelectNode::Iteration::ForEach;
			out.forEach = expression(forEach, where + ".forEach");
			context_ = InferPathType(out.forEach.root(), context_);
		} else if (!forEachOrNull.missing()) {
			out.iteration = SelectNode::Iteration::ForEachOrNull;
			out.forEach = expression(forEachOrNull, where + ".forEachOrNull");
			context_ = InferPathType(out.forEach.root(), context_);
		} else if (!repeat.missing()) {
			out.iteration = SelectNode::Iteration::Repeat;
			context_ = fhir::r4::kNoType;
			if (!repeat.isArray() || repeat.size() == 0)
				Invalid(where + ".repeat", "a non-empty array of FHIRPath expressions is required");
			for (size_t i = 0; i < repeat.size(); i++)
				out.repeat.push_back(expression(repeat.at(i), where + ".repeat[" + std::to_string(i) + "]"));
		}
		json::Node column = s.get("column");
		if (!column.missing()) {
			if (!column.isArray())
				Invalid(where + ".column", "an array is required");
			for (size_t i = 0; i < column.size(); i++)
				addColumn(column.at(i), where + ".column[" + std::to_string(i) + "]", out);
		}
		json::Node selects = s.get("select");
		if (!selects.missing()) {
			if (!selects.isArray())
				Invalid(where + ".select", "an array is required");
			for (size_t i = 0; i < selects.size(); i++) {
				out.selects.emplace_back();
				select(selects.at(i), where + ".select[" + std::to_string(i) + "]", out.selects.back());
			}
		}
		json::Node unionAll = s.get("unionAll");
		if (!unionAll.missing())
			compileUnionAll(unionAll, where + ".unionAll", out);
		out.endColumn = columns_.size();
	}

private:
	std::vector<ColumnInfo> &columns_;
	const fhirpath::Environment &constants_;
	const std::string &resource_;
	fhir::r4::TypeId context_;

	void
	addColumn(const json::Node &c, const std::string &where, SelectNode &out) {
		if (!c.isObject())
			Invalid(where, "a column must be an object");
		json::Node name = c.get("name");
		if (!name.isString() || !IsValidColumnName(name.str()))
			Invalid(where + ".name",
			        "a column name of letters, digits and '_' starting with a letter is required");
		for (const ColumnInfo &existing : columns_) {
			if (existing.name == name.str())
				Invalid(where + ".name", "duplicate column name \"" + std::string(name.str()) + "\"");
		}
		ColumnInfo info;
		info.name = std::string(name.str());
		json::Node type = c.get("type"), collection = c.get("collection"), description = c.get("description");
		if (!type.missing() && !type.isString())
			Invalid(where + ".type", "a string is required");
		if (!collection.missing() && !collection.isBool())
			Invalid(where + ".collection", "a boolean is required");
		info.type = std::string(type.str());
		info.collection = collection.boolean();
		info.description = std::string(description.str());
		CompiledColumn compiled;
		compiled.index = columns_.size();
		compiled.collection = info.collection;
		compiled.path = expression(c.get("path"), where + ".path");
		if (info.type.empty())
			info.inferred_type = InferColumnType(compiled.path.root(), context_);
		info.patient_key = IsPatientKeyPath(compiled.path.root(), resource_);
		json::Node tags = c.get("tag");
		for (size_t t = 0; tags.isArray() && t < tags.size() && info.sql_type.empty(); t++) {
			std::string_view tag = tags.at(t).get("name").str();
			json::Node value = tags.at(t).get("value");
			if ((tag == "postgres/type" || tag == "ansi/type") && value.isString())
				info.sql_type = std::string(value.str());
		}
		columns_.push_back(std::move(info));
		out.columns.push_back(std::move(compiled));
	}

	void
	compileUnionAll(const json::Node &unionAll, const std::string &where, SelectNode &out) {
		if (!unionAll.isArray() || unionAll.size() == 0)
			Invalid(where, "a non-empty array of selects is required");
		size_t start = columns_.size();
		std::vector<ColumnInfo> first;
		for (size_t i = 0; i < unionAll.size(); i++) {
			std::string branchWhere = where + "[" + std::to_string(i) + "]";
			// Every branch fills the same column positions: compile each from `start`, then
			// check that it named the same columns as the first branch.
			columns_.resize(start);
			out.unionAll.emplace_back();
			select(unionAll.at(i), branchWhere, out.unionAll.back());
			std::vector<ColumnInfo> branch(columns_.begin() + static_cast<std::ptrdiff_t>(start),
			                               columns_.end());
			if (i == 0) {
				first = branch;
				continue;
			}
			bool same = branch.size() == first.size();
			for (size_t k = 0; same && k < branch.size(); k++)
				same = branch[k].name == first[k].name;
			if (!same)
				Invalid(branchWhere, "unionAll branches must have the same columns in the same order");
			// an inferred type holds only when every branch infers it; a tag in any branch counts
			for (size_t k = 0; k < branch.size(); k++) {
				if (branch[k].inferred_type != first[k].inferred_type)
					first[k].inferred_type.clear();
				if (first[k].sql_type.empty())
					first[k].sql_type = branch[k].sql_type;
			}
		}
		columns_.resize(start);
		columns_.insert(columns_.end(), first.begin(), first.end());
	}
};

fhirpath::Value
ConstantValue(const json::Node &c, const std::string &where, std::string &name) {
	if (!c.isObject())
		Invalid(where, "a constant must be an object");
	json::Node n = c.get("name");
	if (!n.isString() || !IsValidColumnName(n.str()))
		Invalid(where + ".name", "a constant name is required");
	name = std::string(n.str());
	fhirpath::Value value;
	int found = 0;
	c.forEachMember([&](std::string_view key, const json::Node &v) {
		if (key.size() <= 5 || key.compare(0, 5, "value") != 0)
			return;
		found++;
		std::string_view type = key.substr(5);
		if (type == "Boolean" && v.isBool()) {
			value = fhirpath::Value::Bool(v.boolean());
		} else if ((type == "Integer" || type == "PositiveInt" || type == "UnsignedInt" ||
		            type == "Integer64") &&
		           v.isNumber()) {
			int64_t i = 0;
			v.numberInt64(i);
			value = fhirpath::Value::Int(i);
		} else if (type == "Decimal" && v.isNumber()) {
			value = fhirpath::Value::Text(fhirpath::ValueKind::Decimal, v.numberText());
		} else if (type == "Date" && v.isString()) {
			value = fhirpath::Value::Text(fhirpath::ValueKind::Date, std::string(v.str()));
		} else if ((type == "DateTime" || type == "Instant") && v.isString()) {
			value = fhirpath::Value::Text(fhirpath::ValueKind::DateTime, std::string(v.str()));
		} else if (type == "Time" && v.isString()) {
			value = fhirpath::Value::Text(fhirpath::ValueKind::Time, std::string(v.str()));
		} else if (v.isString()) {
			value = fhirpath::Value::Text(fhirpath::ValueKind::String, std::string(v.str()));
		} else {
			Invalid(where + "." + std::string(key), "unsupported constant value");
		}
	});
	if (found != 1)
		Invalid(where, "exactly one value[x] is required for constant \"" + name + "\"");
	return value;
}

} // namespace

CompiledView
Compile(const json::Node &view) {
	if (!view.isObject())
		Invalid("ViewDefinition", "a JSON object is required");
	CompiledView out;
	json::Node resource = view.get("resource");
	if (!resource.isString() || resource.str().empty())
		Invalid("resource", "the resource type is required");
	out.resource_ = std::string(resource.str());
	out.name_ = std::string(view.get("name").str());

	json::Node constants = view.get("constant");
	if (!constants.missing()) {
		if (!constants.isArray())
			Invalid("constant", "an array is required");
		for (size_t i = 0; i < constants.size(); i++) {
			std::string name;
			std::string where = "constant[" + std::to_string(i) + "]";
			fhirpath::Value v = ConstantValue(constants.at(i), where, name);
			if (out.constants_.find(name))
				Invalid(where, "duplicate constant \"" + name + "\"");
			out.constants_.constants.emplace_back(name, fhirpath::Collection {v});
		}
	}

	Compiler compiler(out.columns_, out.constants_, out.resource_);
	json::Node where = view.get("where");
	if (!where.missing()) {
		if (!where.isArray())
			Invalid("where", "an array is required");
		for (size_t i = 0; i < where.size(); i++) {
			std::string at = "where[" + std::to_string(i) + "]";
			if (!where.at(i).isObject())
				Invalid(at, "an object with a path is required");
			out.where_.push_back(compiler.expression(where.at(i).get("path"), at + ".path"));
		}
	}

	json::Node select = view.get("select");
	if (!select.isArray() || select.size() == 0)
		Invalid("select", "a non-empty array of selects is required");
	auto root = std::make_shared<SelectNode>();
	for (size_t i = 0; i < select.size(); i++) {
		root->selects.emplace_back();
		compiler.select(select.at(i), "select[" + std::to_string(i) + "]", root->selects.back());
	}
	root->endColumn = out.columns_.size();
	if (out.columns_.empty())
		Invalid("select", "the view defines no columns");
	out.root_ = root;
	return out;
}

bool
ColumnInfo::typedTime() const {
	return !collection && sql_type.empty() && IsTypedTimeType(fhirType());
}

} // namespace hdl::sof
