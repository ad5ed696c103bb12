// hdl's keys as the server holds them: read from the file named by hdl.key_file (readable only by
// the server's OS user, checked like ssl_key_file) or from the output of hdl.key_command, never
// from a setting's value. Each server process reads them when it first needs a key, again when the
// file changed (checked on every use) and after either setting changed or the configuration was
// reloaded. Nothing here logs a key or the text of the file.
#pragma once
#include <string>
#include <string_view>

#include "core/pseudo/keyring.hpp"

namespace hdl::keys {

// The current keys; throws hdl::Error (ConfigFile, NotConfigured). C++ side: Postgres calls inside
// are behind pg::Guard.
const pseudo::Keyring &Current();

// A copy of the named key ("pseudonym_key", "vault_key", ...); throws NotConfigured when absent.
pseudo::Key Require(std::string_view name);

// Where the keys come from, for messages: key file "<path>" or hdl.key_command.
std::string Origin();

// Assign hook of hdl.key_file and hdl.key_command: the next use reads the keys again.
void SourceChanged(const char *newval, void *extra);

} // namespace hdl::keys
