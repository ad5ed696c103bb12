// FHIR R4 resource validation against the generated R4 tables (see docs/validation.md).
// Runs on every ingested resource: the happy path does not allocate, and expressions and
// messages are built only when an issue is raised.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/node.hpp"

namespace hdl::fhir {

// Cumulative: Structure includes Minimal, Strict includes Structure.
enum class Level {
	Strict,    // + primitive formats and codes of required bindings (the default)
	Structure, // + elements, JSON types, arrays, required, choices, contained, extensions, references, Bundle
	Minimal    // a JSON object with a known resourceType and a valid id
};

// "strict" | "structure" | "minimal" (case-sensitive); false for anything else.
bool ParseLevel(std::string_view text, Level &out) noexcept;
const char *LevelName(Level level) noexcept;

struct Issue {
	std::string severity; // "error" | "warning"
	std::string code;     // FHIR issue-type: structure, required, value, invalid, code-invalid, too-costly...
	std::string message;  // readable diagnostics
	std::string
	    expression; // FHIRPath of the element, e.g. "Patient.name[0].given[1]"; empty for the document
};

struct ValidationResult {
	std::vector<Issue> issues;
	bool truncated = false; // max_issues was reached: more problems were not reported

	// True when no issue is an error.
	bool ok() const noexcept;
};

// Validates one resource (a Bundle includes its entries). Reports every problem found, up to
// max_issues (then sets truncated). Each entry of a Bundle has its own max_issues: past it the
// entry gets one too-costly issue at Bundle.entry[i] and the others still get theirs (truncated
// is not set for that). Never throws for bad input; only std::bad_alloc can escape.
ValidationResult ValidateResource(const json::Node &resource, Level level = Level::Strict,
                                  size_t max_issues = 100);

// True for the 146 R4 resource type names ("Patient", "Bundle", ...).
bool IsKnownResourceType(std::string_view name) noexcept;

} // namespace hdl::fhir

#include "core/cpp_only.hpp"
