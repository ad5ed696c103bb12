// Bundle entry requests as hdl accepts them: only create (POST) and update (PUT), with the
// conditional forms FHIR defines for them, parsed without Postgres.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace hdl::ingest {

// `Type`, `Type/id` or `Type?identifier=system|value` (the only search hdl resolves).
struct RequestUrl {
	std::string type;
	std::string id;               // set for Type/id
	bool conditional = false;     // set for Type?...
	std::string identifier_system; // conditional: identifier=system|value (system may be empty)
	std::string identifier_value;
	bool has_system = false;      // "system|value" rather than plain "value"
};

// Parses a request url or conditional reference. Throws hdl::Error(NotSupported) for search
// parameters other than identifier and InvalidParameter for malformed urls.
RequestUrl ParseRequestUrl(std::string_view url);

// A `request.ifNoneExist` value: `identifier=system|value` (with or without the leading type).
RequestUrl ParseIfNoneExist(std::string_view type, std::string_view query);

// `W/"3"`, `"3"` or `3` -> 3; nullopt when malformed.
std::optional<int> ParseIfMatch(std::string_view etag);

// A random RFC 4122 version-4 UUID in lower-case text form.
std::string NewUuid();

// True when `id` matches FHIR's id rule [A-Za-z0-9\-\.]{1,64}.
bool IsValidId(std::string_view id) noexcept;

} // namespace hdl::ingest

#include "core/cpp_only.hpp"
