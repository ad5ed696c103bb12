// The keys of pseudonymisation and of the identity vault, as the server reads them from the key
// file (hdl.key_file) or the key command (hdl.key_command): one "<name> = <key id>:<secret>" per
// line. Keys are never settings (docs/settings.md). Errors name the origin and the line, never
// the text of a line: it may hold a secret.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/pseudo/hmac.hpp"

namespace hdl::pseudo {

// The names a key file may use (docs/pseudonymisation.md, "Keys and rotation").
struct Keyring {
	std::optional<Key> pseudonym_key;
	std::optional<Key> pseudonym_key_previous;
	std::optional<Key> vault_key;
	std::optional<Key> vault_key_previous;

	// The key of that name, or nullptr when the file has none (or the name is unknown).
	const Key *Find(std::string_view name) const noexcept;
};

// Parses the text of a key file. origin names it in messages ("key file \"/etc/hdl.keys\"").
// Blank lines and lines starting with # are ignored; a value may be quoted ('...' or "...").
// Throws hdl::Error(ConfigFile) for a malformed line, an unknown or repeated name, a key id that
// is not [A-Za-z0-9_.-]{1,64}, a secret shorter than 16 characters, a current and previous key
// with the same id, or a vault key equal to the pseudonym key.
Keyring ParseKeyring(std::string_view text, const std::string &origin);

// The key of that name; throws hdl::Error(NotConfigured) naming it when the keyring lacks it.
const Key &RequireKey(const Keyring &keys, std::string_view name, const std::string &origin);

// Overwrites the secrets before the keyring is dropped (best effort: copies may exist).
void Wipe(Keyring &keys) noexcept;

} // namespace hdl::pseudo

#include "core/cpp_only.hpp"
