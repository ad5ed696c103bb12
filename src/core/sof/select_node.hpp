// Internal: the compiled form of one ViewDefinition select (shared by compile.cpp and
// evaluate.cpp).
#pragma once
#include <vector>

#include "core/fhirpath/fhirpath.hpp"

namespace hdl::sof {

struct CompiledColumn {
	size_t index = 0; // position in CompiledView::columns()
	bool collection = false;
	fhirpath::Expression path;
};

struct SelectNode {
	enum class Iteration : uint8_t { None, ForEach, ForEachOrNull, Repeat };
	Iteration iteration = Iteration::None;
	fhirpath::Expression forEach;             // ForEach / ForEachOrNull
	std::vector<fhirpath::Expression> repeat; // Repeat
	std::vector<CompiledColumn> columns;
	std::vector<SelectNode> selects;
	std::vector<SelectNode> unionAll;
	// Columns of this subtree: [firstColumn, endColumn) in CompiledView::columns().
	size_t firstColumn = 0;
	size_t endColumn = 0;
};

} // namespace hdl::sof

#include "core/cpp_only.hpp"
