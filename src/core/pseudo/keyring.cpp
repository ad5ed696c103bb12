// Key file parsing (see keyring.hpp).
#include <cstring>

#include "core/error.hpp"
#include "core/pseudo/keyring.hpp"

namespace hdl::pseudo {

namespace {

constexpr const char *KEY_NAMES = "pseudonym_key, pseudonym_key_previous, vault_key or vault_key_previous";

std::string_view
Trim(std::string_view s) {
	while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
		s.remove_prefix(1);
	while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
		s.remove_suffix(1);
	return s;
}

[[noreturn]] void
Bad(const std::string &origin, size_t line, const std::string &what) {
	throw Error(ErrorKind::ConfigFile, origin + " line " + std::to_string(line) + ": " + what,
	            "The text of the line is not shown: it may hold a secret.",
	            "Each line is \"<name> = <key id>:<secret>\" with a name of " + std::string(KEY_NAMES) +
	                "; blank lines and lines starting with # are ignored.");
}

bool
ValidKeyId(std::string_view id) {
	if (id.empty() || id.size() > 64)
		return false;
	for (char c : id)
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	return true;
}

std::optional<Key> *
Slot(Keyring &keys, std::string_view name) {
	if (name == "pseudonym_key")
		return &keys.pseudonym_key;
	if (name == "pseudonym_key_previous")
		return &keys.pseudonym_key_previous;
	if (name == "vault_key")
		return &keys.vault_key;
	if (name == "vault_key_previous")
		return &keys.vault_key_previous;
	return nullptr;
}

void
WipeString(std::string &s) noexcept {
	volatile char *p = s.data();
	for (size_t i = 0; i < s.size(); i++)
		p[i] = 0;
	s.clear();
}

} // namespace

const Key *
Keyring::Find(std::string_view name) const noexcept {
	const std::optional<Key> *slot = nullptr;
	if (name == "pseudonym_key")
		slot = &pseudonym_key;
	else if (name == "pseudonym_key_previous")
		slot = &pseudonym_key_previous;
	else if (name == "vault_key")
		slot = &vault_key;
	else if (name == "vault_key_previous")
		slot = &vault_key_previous;
	return slot != nullptr && slot->has_value() ? &**slot : nullptr;
}

Keyring
ParseKeyring(std::string_view text, const std::string &origin) {
	Keyring keys;
	size_t line_no = 0;
	while (!text.empty()) {
		size_t end = text.find('\n');
		std::string_view line = Trim(text.substr(0, end));
		text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
		line_no++;
		if (line.empty() || line.front() == '#')
			continue;
		size_t eq = line.find('=');
		if (eq == std::string_view::npos)
			Bad(origin, line_no, "expected \"<name> = <key id>:<secret>\"");
		std::string_view name = Trim(line.substr(0, eq));
		std::string_view value = Trim(line.substr(eq + 1));
		std::optional<Key> *slot = Slot(keys, name);
		if (slot == nullptr)
			Bad(origin, line_no, "unknown key name (expected " + std::string(KEY_NAMES) + ")");
		if (slot->has_value())
			Bad(origin, line_no, "the key " + std::string(name) + " is given twice");
		if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') && value.back() == value.front())
			value = value.substr(1, value.size() - 2);
		size_t colon = value.find(':');
		if (colon == std::string_view::npos || !ValidKeyId(value.substr(0, colon)))
			Bad(origin, line_no,
			    "the value of " + std::string(name) + " must be \"<key id>:<secret>\" with a key id of letters, digits, _ . -");
		if (value.size() - colon - 1 < 16)
			Bad(origin, line_no, "the secret of " + std::string(name) + " is shorter than 16 characters");
		*slot = Key {std::string(value.substr(0, colon)), std::string(value.substr(colon + 1))};
	}
	auto same_id = [&](const std::optional<Key> &a, const std::optional<Key> &b, const char *what) {
		if (a && b && a->id == b->id)
			throw Error(ErrorKind::ConfigFile, origin + ": " + what + " have the same key id",
			            "Rows and links record the id of the key that made them, so a rotation needs a new id.",
			            "Give the new key a new id (e.g. k2 after k1).");
	};
	same_id(keys.vault_key, keys.vault_key_previous, "vault_key and vault_key_previous");
	same_id(keys.pseudonym_key, keys.pseudonym_key_previous, "pseudonym_key and pseudonym_key_previous");
	if (keys.vault_key && keys.pseudonym_key && keys.vault_key->secret == keys.pseudonym_key->secret)
		throw Error(ErrorKind::ConfigFile, origin + ": vault_key and pseudonym_key have the same secret",
		            "The vault key encrypts identities and the pseudonym key hashes them: one must not give the other away.",
		            "Generate two independent random secrets.");
	return keys;
}

const Key &
RequireKey(const Keyring &keys, std::string_view name, const std::string &origin) {
	const Key *key = keys.Find(name);
	if (key == nullptr)
		throw Error(ErrorKind::NotConfigured, origin + " has no " + std::string(name),
		            "Pseudonymisation and the identity vault need their keys before patient data can be stored or read.",
		            "A superuser adds the line \"" + std::string(name) +
		                " = <key id>:<at least 32 random characters>\" to the key file (see docs/pseudonymisation.md).");
	return *key;
}

void
Wipe(Keyring &keys) noexcept {
	for (std::optional<Key> *k : {&keys.pseudonym_key, &keys.pseudonym_key_previous, &keys.vault_key, &keys.vault_key_previous})
		if (k->has_value())
			WipeString((*k)->secret);
	keys = Keyring {};
}

} // namespace hdl::pseudo
