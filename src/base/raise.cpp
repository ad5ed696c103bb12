// hdl._raise(sqlstate, message, detail, hint): the ERROR of hdl's PL/pgSQL functions, raised with
// errhidestmt and errhidecontext: RAISE cannot hide the statement, and the caller's statement
// may carry what it passed (an NHS number given as a pseudonym, a purpose naming a patient).
#include "pg/entry.hpp"

#include "pg/postgres.hpp"

HDL_FUNCTION(hdl_raise) {
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("hdl._raise needs a SQLSTATE and a message")));
	const char *code = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (strlen(code) != 5 || strspn(code, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 5)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("invalid SQLSTATE \"%s\"", code)));
	const char *message = text_to_cstring(PG_GETARG_TEXT_PP(1));
	const char *detail = PG_ARGISNULL(2) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(2));
	const char *hint = PG_ARGISNULL(3) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(3));
	ereport(ERROR, (errcode(MAKE_SQLSTATE(code[0], code[1], code[2], code[3], code[4])), errmsg_internal("%s", message),
	                detail ? errdetail_internal("%s", detail) : 0, hint ? errhint("%s", hint) : 0, errhidestmt(true),
	                errhidecontext(true)));
	PG_RETURN_VOID();
}
