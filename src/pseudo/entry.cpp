// SQL entry points of pseudonymisation implemented in C++: hdl.pseudonymise, hdl._outer_role,
// and the key accessors hdl._key and hdl.key_ids.
#include <string>

#include "core/pseudo/hmac.hpp"
#include "pseudo/keys.hpp"
#include "audit/durable.hpp"
#include "pg/entry.hpp"
#include "pg/spi.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "utils/acl.h"
}

// hdl.pseudonymise(value) tells whether and where a person is in the lake (a linkage capability),
// so it is a release of identity: only members of hdl_reidentifier, and every call (and refusal)
// is a durable audit entry naming the pseudonym, never the value, committed before it returns.
HDL_FUNCTION(hdl_pseudonymise) {
	text *value = PG_GETARG_TEXT_PP(0);
	Oid reidentifier = get_role_oid("hdl_reidentifier", true);
	if (!OidIsValid(reidentifier) || !has_privs_of_role(GetOuterUserId(), reidentifier)) {
		hdl::audit::RecordRefusal("pseudonymise_refused", nullptr, "{\"reason\": \"not a member of hdl_reidentifier\"}");
		ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied to pseudonymise"),
		                errhint("Only members of hdl_reidentifier may turn identifiers into pseudonyms; the attempt is "
		                        "recorded in the audit trail."),
		                errhidestmt(true)));
	}
	char hex[65];
	{
		hdl::pseudo::Key key = hdl::keys::Require("pseudonym_key");
		std::string h = hdl::pseudo::HmacSha256Hex(key.secret, std::string_view(VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)));
		strlcpy(hex, h.c_str(), sizeof hex);
	} // no C++ object from here on: the durable write may ereport
	(void)hdl::audit::WriteDurable("pseudonymise", psprintf("Patient/%s", hex), nullptr);
	PG_RETURN_TEXT_P(cstring_to_text(hex));
}

// hdl._key(name, part): part 1 is the key id, part 2 the secret; NULL when the keys have no such
// key. Only the extension owner may execute it (its SECURITY DEFINER functions and superusers,
// who can read the key file anyway).
HDL_FUNCTION(hdl_key) {
	text *name = PG_GETARG_TEXT_PP(0);
	int32 part = PG_GETARG_INT32(1);
	text *result = nullptr;
	{
		const hdl::pseudo::Keyring &keys = hdl::keys::Current();
		const hdl::pseudo::Key *key = keys.Find(std::string_view(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name)));
		if (key != nullptr && (part == 1 || part == 2))
			result = DatumGetTextP(hdl::pg::TextDatum(part == 1 ? key->id : key->secret));
	}
	if (result == nullptr)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(result);
}

// hdl.key_ids(): which keys the server has, by name and key id (never a secret).
HDL_FUNCTION(hdl_key_ids) {
	ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
	InitMaterializedSRF(fcinfo, 0);
	static const char *const NAMES[] = {"pseudonym_key", "pseudonym_key_previous", "vault_key", "vault_key_previous"};
	Datum ids[4] = {0, 0, 0, 0};
	{
		const hdl::pseudo::Keyring &keys = hdl::keys::Current(); // a reference: nothing to destroy
		for (int i = 0; i < 4; i++)
			if (const hdl::pseudo::Key *k = keys.Find(NAMES[i]))
				ids[i] = hdl::pg::TextDatum(k->id);
	}
	for (int i = 0; i < 4; i++) {
		if (ids[i] == 0)
			continue;
		Datum values[2] = {CStringGetTextDatum(NAMES[i]), ids[i]};
		bool nulls[2] = {false, false};
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_NULL();
}

// GetOuterUserId is the SET ROLE (or login) role even inside SECURITY DEFINER functions, where
// current_user is the function's owner.
HDL_FUNCTION(hdl_outer_role) {
	Name name = static_cast<Name>(palloc0(NAMEDATALEN));
	namestrcpy(name, GetUserNameFromId(GetOuterUserId(), false));
	PG_RETURN_NAME(name);
}
