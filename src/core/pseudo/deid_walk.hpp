// The rule-driven de-identification walk (issue #16): walks a resource by its R4 type model and
// applies the generated rules (deid_rules.hpp) to every person resource it meets, at the top
// level, in `contained`, in a stored Bundle's entries, in Parameters, at any depth. Elements that
// are not R4 elements are taken out of person resources whatever the validation level. What
// leaves a person resource is returned as a mirror of its structure, for the vault.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/json/value.hpp"
#include "core/pseudo/deid_rules.hpp"
#include "core/pseudo/deidentify.hpp"

namespace hdl::pseudo {

// A person resource found inside the walked one.
struct NestedPerson {
	std::string path; // below the walked resource: "contained[0]", "entry[2].resource"
	std::string type; // Patient, Person, RelatedPerson, Practitioner
	Identity identity;
};

// What the caller does with the mentions of people (the ingest pipeline resolves pseudonyms).
class DeidHooks {
public:
	virtual ~DeidHooks() = default;
	// A Reference object whose element's R4 targets are `targets` (kTarget* bits; kTargetAny
	// where the walk cannot tell, e.g. below an element that is not in R4).
	virtual void
	Reference(hdl::json::Value &reference, uint8_t targets) {
		(void)reference;
		(void)targets;
	}
	// An Identifier kept in the clinical copy (outside patient-class resources).
	virtual void
	Identifier(hdl::json::Value &identifier) {
		(void)identifier;
	}
	// A nested person resource, just after its rules were applied.
	virtual void
	Nested(hdl::json::Value &resource, NestedPerson &person) {
		(void)resource;
		(void)person;
	}
};

struct DeidResult {
	bool root_is_person = false; // the root's rules were applied (see DeidScope)
	Identity root;               // what left the root, when it is a person resource
	std::vector<NestedPerson> nested;
};

struct DeidScope {
	bool root_rules = true; // false: the root's identity was taken already (a Patient's, by TakeIdentity)
	bool nested = true;     // false: do not enter nested resources
};

// De-identifies resource in place; see the file comment.
DeidResult Deidentify(hdl::json::Value &resource, const Policy &policy, DeidHooks &hooks, DeidScope scope = {});

} // namespace hdl::pseudo

#include "core/cpp_only.hpp"
