// HMAC-SHA256 through OpenSSL, and key-setting parsing.
#include "core/pseudo/hmac.hpp"
#include "core/error.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace hdl::pseudo {

std::string
HmacSha256Hex(std::string_view key, std::string_view message) {
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int length = 0;
	if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
	         reinterpret_cast<const unsigned char *>(message.data()), message.size(), digest, &length) == nullptr)
		throw Error(ErrorKind::Internal, "HMAC-SHA256 failed");
	static const char hex[] = "0123456789abcdef";
	std::string out(2 * length, '0');
	for (unsigned int i = 0; i < length; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0xF];
	}
	return out;
}

Key
ParseKey(std::string_view value, const char *setting_name) {
	size_t colon = value.find(':');
	if (value.empty())
		throw Error(ErrorKind::NotConfigured, std::string(setting_name) + " is not set",
		            "Pseudonymisation needs its keys before patient data can be stored.",
		            std::string("A superuser sets it in postgresql.conf as '<key id>:<secret>', e.g. with ALTER SYSTEM SET ") +
		                setting_name + " = 'k1:<at least 32 random characters>'.");
	if (colon == std::string_view::npos || colon == 0 || colon + 16 > value.size())
		throw Error(ErrorKind::InvalidParameter, std::string(setting_name) + " is malformed",
		            "The value must be '<key id>:<secret>' with a secret of at least 16 characters.");
	return {std::string(value.substr(0, colon)), std::string(value.substr(colon + 1))};
}

} // namespace hdl::pseudo
