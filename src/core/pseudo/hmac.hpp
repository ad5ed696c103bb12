// Keyed hashing for pseudonyms and linkage: HMAC-SHA256, hex encoded, exactly as pgcrypto's
// encode(hmac(value, key, 'sha256'), 'hex') computes it (the regress tests compare the two).
#pragma once
#include <string>
#include <string_view>

namespace hdl::pseudo {

std::string HmacSha256Hex(std::string_view key, std::string_view message);

// A key setting: "<key id>:<secret>". Throws hdl::Error(InvalidParameter) naming the setting when
// it is empty or malformed, without ever printing the secret.
struct Key {
	std::string id;
	std::string secret;
};
Key ParseKey(std::string_view setting_value, const char *setting_name);

} // namespace hdl::pseudo

#include "core/cpp_only.hpp"
