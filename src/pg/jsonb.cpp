// JSONB datum <-> hdl::json::Node, and build-time checks that the core's JSONB format
// constants match this server's headers.
#include <cstring>
#include <string>

#include "core/json/jsonb_format.hpp"

#include "pg/guard.hpp"
#include "pg/jsonb.hpp"

namespace fmt = hdl::json::jsonb;

static_assert(fmt::CountMask == JB_CMASK, "JSONB header layout changed");
static_assert(fmt::FlagScalar == JB_FSCALAR && fmt::FlagObject == JB_FOBJECT && fmt::FlagArray == JB_FARRAY,
              "JSONB container flags changed");
static_assert(fmt::EntryOffLenMask == JENTRY_OFFLENMASK && fmt::EntryTypeMask == JENTRY_TYPEMASK &&
                  fmt::EntryHasOff == JENTRY_HAS_OFF,
              "JEntry layout changed");
static_assert(fmt::EntryString == JENTRY_ISSTRING && fmt::EntryNumeric == JENTRY_ISNUMERIC &&
                  fmt::EntryBoolFalse == JENTRY_ISBOOL_FALSE && fmt::EntryBoolTrue == JENTRY_ISBOOL_TRUE &&
                  fmt::EntryNull == JENTRY_ISNULL && fmt::EntryContainer == JENTRY_ISCONTAINER,
              "JEntry types changed");
static_assert(fmt::OffsetStride == JB_OFFSET_STRIDE, "JSONB offset stride changed");

namespace hdl::pg {

hdl::json::Node
JsonbNode(const Jsonb *jb) noexcept {
	return fmt::FromRoot(&jb->root, VARSIZE(jb) - VARHDRSZ);
}

Jsonb *
JsonbFromBytes(const char *data, size_t length) {
	// Guarded: callers hold C++ objects (the encoded bytes) while we allocate.
	auto *jb = static_cast<Jsonb *>(Guard(palloc, static_cast<Size>(length)));
	memcpy(jb, data, length);
	SET_VARSIZE(jb, length);
	return jb;
}

Jsonb *
JsonbFromBytes(const std::string &bytes) {
	return JsonbFromBytes(bytes.data(), bytes.size());
}

} // namespace hdl::pg
