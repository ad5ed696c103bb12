// SQL entry points of pseudonymisation implemented in C++: hdl.pseudonymise, hdl._outer_role.
#include <string>

#include "core/pseudo/hmac.hpp"
#include "guc.hpp"
#include "pg/entry.hpp"
#include "pg/spi.hpp"

#include "pg/postgres.hpp"

HDL_FUNCTION(hdl_pseudonymise) {
	text *value = PG_GETARG_TEXT_PP(0);
	text *result;
	{
		hdl::pseudo::Key key = hdl::pseudo::ParseKey(hdl::guc::pseudonym_key ? hdl::guc::pseudonym_key : "", "hdl.pseudonym_key");
		std::string hex = hdl::pseudo::HmacSha256Hex(key.secret, std::string_view(VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)));
		result = DatumGetTextP(hdl::pg::TextDatum(hex));
	}
	PG_RETURN_TEXT_P(result);
}

// GetOuterUserId is the SET ROLE (or login) role even inside SECURITY DEFINER functions, where
// current_user is the function's owner.
HDL_FUNCTION(hdl_outer_role) {
	Name name = static_cast<Name>(palloc0(NAMEDATALEN));
	namestrcpy(name, GetUserNameFromId(GetOuterUserId(), false));
	PG_RETURN_NAME(name);
}
