// hdl._is_resource_type(text): whether a name is an FHIR R4 resource type, for SQL that takes one
// (retention rules); the list is the generated R4 tables', as the validator's.
#include <string_view>

#include "core/fhir/r4_schema.hpp"
#include "pg/entry.hpp"

#include "pg/postgres.hpp"

HDL_FUNCTION(hdl_is_resource_type) {
	text *name = PG_GETARG_TEXT_PP(0);
	std::string_view type(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
	PG_RETURN_BOOL(hdl::fhir::r4::FindResourceType(type) != hdl::fhir::r4::kNoType);
}
