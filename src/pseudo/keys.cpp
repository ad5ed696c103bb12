// Loading and caching hdl's keys (see keys.hpp). The file is read with plain POSIX calls (no
// Postgres call that could ereport over the C++ objects alive here); the command runs through
// Postgres's pipe streams behind pg::Guard.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/error.hpp"
#include "pseudo/keys.hpp"
#include "guc.hpp"
#include "pg/guard.hpp"

#include "pg/postgres.hpp"

extern "C" {
#include "storage/fd.h"
}

namespace hdl::keys {

namespace {

constexpr size_t MAX_KEY_TEXT = 64 * 1024;

// Bumped by the settings' assign hooks (also called on every configuration reload that sets
// them): a cache made under another generation is stale.
uint64_t generation = 1;

struct FileIdentity {
	dev_t dev = 0;
	ino_t ino = 0;
	off_t size = -1;
	int64_t mtime_ns = 0;
	int64_t ctime_ns = 0;
	bool
	operator==(const FileIdentity &o) const {
		return dev == o.dev && ino == o.ino && size == o.size && mtime_ns == o.mtime_ns && ctime_ns == o.ctime_ns;
	}
};

struct Cache {
	bool valid = false;
	uint64_t generation = 0;
	std::string file;    // the hdl.key_file it was read from ("" for the command)
	std::string command; // the hdl.key_command it came from ("" for the file)
	FileIdentity identity;
	pseudo::Keyring keys;
} cache;

FileIdentity
IdentityOf(const struct stat &st) {
	FileIdentity id;
	id.dev = st.st_dev;
	id.ino = st.st_ino;
	id.size = st.st_size;
	id.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
	id.ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
	return id;
}

std::string
FileOrigin(const std::string &path) {
	return "key file \"" + path + "\"";
}

[[noreturn]] void
FileError(const std::string &path, const std::string &what, std::string detail, std::string hint = {}) {
	throw Error(ErrorKind::ConfigFile, "could not use " + FileOrigin(path) + ": " + what, std::move(detail),
	            std::move(hint));
}

// The same rule as Postgres's ssl_key_file: owned by the server's OS user with no group or world
// access, or owned by root with at most group read.
void
CheckPermissions(const std::string &path, const struct stat &st) {
	if (!S_ISREG(st.st_mode))
		FileError(path, "it is not a regular file", "hdl reads its keys from a plain file.");
	uid_t me = geteuid();
	if (st.st_uid != me && st.st_uid != 0)
		FileError(path, "it must be owned by the database user or root",
		          "A key file owned by another OS user could be read or replaced by that user.",
		          "chown the file to the OS user the server runs as.");
	if ((st.st_uid == me && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) ||
	    (st.st_uid == 0 && (st.st_mode & (S_IWGRP | S_IXGRP | S_IRWXO)) != 0))
		FileError(path, "it has group or world access",
		          "The file must have permissions u=rw (0600) or less if owned by the database user, or u=rw,g=r "
		          "(0640) or less if owned by root.",
		          "chmod 0600 the file.");
}

std::string
ReadFile(const std::string &path, FileIdentity *identity) {
	int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		FileError(path, "it cannot be opened", std::string("The operating system says: ") + strerror(errno) + ".",
		          "hdl.key_file names the file; a relative path is relative to the data directory.");
	struct stat st;
	std::string text;
	try {
		if (fstat(fd, &st) != 0)
			FileError(path, "it cannot be examined", std::string("The operating system says: ") + strerror(errno) + ".");
		CheckPermissions(path, st);
		if (static_cast<size_t>(st.st_size) > MAX_KEY_TEXT)
			FileError(path, "it is larger than 64 kB", "A key file holds a few lines.");
		text.resize(static_cast<size_t>(st.st_size));
		size_t got = 0;
		while (got < text.size()) {
			ssize_t n = read(fd, text.data() + got, text.size() - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				FileError(path, "it cannot be read", std::string("The operating system says: ") +
				                                         (n < 0 ? strerror(errno) : "the file got shorter") + ".");
			got += static_cast<size_t>(n);
		}
	} catch (...) {
		close(fd);
		throw;
	}
	close(fd);
	*identity = IdentityOf(st);
	return text;
}

// Runs the command (cwd: the data directory) and returns what it printed on stdout.
std::string
RunCommand(const std::string &command) {
	FILE *out = pg::Guard(OpenPipeStream, command.c_str(), "r");
	if (out == nullptr)
		throw Error(ErrorKind::ConfigFile, "could not run hdl.key_command",
		            std::string("The operating system says: ") + strerror(errno) + ".");
	std::string text;
	char buf[4096];
	size_t n;
	bool too_long = false;
	while ((n = fread(buf, 1, sizeof buf, out)) > 0) {
		if (text.size() + n > MAX_KEY_TEXT) {
			too_long = true;
			continue; // drain, so the command is not killed by SIGPIPE mid-way
		}
		text.append(buf, n);
	}
	int status = pg::Guard(ClosePipeStream, out);
	if (status != 0) {
		std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
		                  : WIFSIGNALED(status) ? "was terminated by signal " + std::to_string(WTERMSIG(status))
		                                        : "failed";
		throw Error(ErrorKind::ConfigFile, "hdl.key_command failed", "The command " + how + "; its output is not shown.",
		            "Run the command as the server's OS user to see what it does.");
	}
	if (too_long)
		throw Error(ErrorKind::ConfigFile, "hdl.key_command printed more than 64 kB",
		            "It should print a few \"<name> = <key id>:<secret>\" lines.");
	return text;
}

void
Store(std::string file, std::string command, FileIdentity identity, pseudo::Keyring keys) {
	pseudo::Wipe(cache.keys);
	cache.keys = std::move(keys);
	cache.file = std::move(file);
	cache.command = std::move(command);
	cache.identity = identity;
	cache.generation = generation;
	cache.valid = true;
}

} // namespace

const pseudo::Keyring &
Current() {
	std::string file = guc::key_file ? guc::key_file : "";
	std::string command = guc::key_command ? guc::key_command : "";
	if (!file.empty() && !command.empty())
		throw Error(ErrorKind::ConfigFile, "hdl.key_file and hdl.key_command are both set",
		            "hdl reads its keys from one place.", "Reset one of the two settings.");
	if (file.empty() && command.empty())
		throw Error(ErrorKind::NotConfigured, "hdl has no keys",
		            "Pseudonymisation and the identity vault need their keys before patient data can be stored or "
		            "read; keys are never settings.",
		            "A superuser sets hdl.key_file to a file readable only by the server's OS user (or hdl.key_command "
		            "to a command that prints the keys); see docs/pseudonymisation.md.");
	if (!file.empty()) {
		struct stat st;
		if (cache.valid && cache.generation == generation && cache.file == file && stat(file.c_str(), &st) == 0 &&
		    IdentityOf(st) == cache.identity)
			return cache.keys;
		FileIdentity identity;
		std::string text = ReadFile(file, &identity);
		pseudo::Keyring keys;
		try {
			keys = pseudo::ParseKeyring(text, FileOrigin(file));
		} catch (...) {
			std::fill(text.begin(), text.end(), '\0');
			throw;
		}
		std::fill(text.begin(), text.end(), '\0');
		Store(file, "", identity, std::move(keys));
		return cache.keys;
	}
	if (cache.valid && cache.generation == generation && cache.command == command)
		return cache.keys;
	std::string text = RunCommand(command);
	pseudo::Keyring keys;
	try {
		keys = pseudo::ParseKeyring(text, "the output of hdl.key_command");
	} catch (...) {
		std::fill(text.begin(), text.end(), '\0');
		throw;
	}
	std::fill(text.begin(), text.end(), '\0');
	Store("", command, FileIdentity {}, std::move(keys));
	return cache.keys;
}

pseudo::Key
Require(std::string_view name) {
	return pseudo::RequireKey(Current(), name, Origin());
}

std::string
Origin() {
	if (guc::key_command != nullptr && guc::key_command[0] != '\0' && (guc::key_file == nullptr || guc::key_file[0] == '\0'))
		return "the output of hdl.key_command";
	return FileOrigin(guc::key_file ? guc::key_file : "");
}

void
SourceChanged(const char *, void *) {
	generation++;
}

} // namespace hdl::keys
