// The key file format (core/pseudo/keyring): names, quoting, comments, and errors that name the
// line but never repeat its text (it may hold a secret).
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/pseudo/keyring.hpp"

using hdl::Error;
using hdl::ErrorKind;
using hdl::pseudo::Keyring;
using hdl::pseudo::ParseKeyring;

namespace {

// The error of parsing text, which must be a ConfigFile error that does not quote secret.
std::string
ParseError(const std::string &text, const std::string &secret) {
	try {
		ParseKeyring(text, "key file \"t\"");
	} catch (const Error &e) {
		EXPECT_EQ(e.kind(), ErrorKind::ConfigFile);
		std::string all = std::string(e.what()) + "|" + e.detail() + "|" + e.hint();
		EXPECT_EQ(all.find(secret), std::string::npos) << all;
		return e.what();
	}
	ADD_FAILURE() << "no error for: " << text;
	return "";
}

} // namespace

TEST(PseudoKeyring, ParsesNamesCommentsAndQuotes) {
	Keyring k = ParseKeyring("# keys\n\npseudonym_key = p1:0123456789abcdef0\r\n"
	                         "  vault_key='v2:secret with spaces inside'\n"
	                         "vault_key_previous = \"v1:fedcba9876543210x\"\n",
	                         "key file \"t\"");
	ASSERT_NE(k.Find("pseudonym_key"), nullptr);
	EXPECT_EQ(k.Find("pseudonym_key")->id, "p1");
	EXPECT_EQ(k.Find("pseudonym_key")->secret, "0123456789abcdef0");
	EXPECT_EQ(k.Find("vault_key")->id, "v2");
	EXPECT_EQ(k.Find("vault_key")->secret, "secret with spaces inside");
	EXPECT_EQ(k.Find("vault_key_previous")->secret, "fedcba9876543210x");
	EXPECT_EQ(k.Find("pseudonym_key_previous"), nullptr);
	EXPECT_EQ(k.Find("nonsense"), nullptr);
}

TEST(PseudoKeyring, SecretMayContainColonsAndEquals) {
	Keyring k = ParseKeyring("vault_key = k1:a=b:c=d-0123456789", "o");
	EXPECT_EQ(k.Find("vault_key")->secret, "a=b:c=d-0123456789");
}

TEST(PseudoKeyring, EmptyTextHasNoKeys) {
	Keyring k = ParseKeyring("", "o");
	EXPECT_EQ(k.Find("vault_key"), nullptr);
	EXPECT_THROW(hdl::pseudo::RequireKey(k, "vault_key", "o"), Error);
	try {
		hdl::pseudo::RequireKey(k, "vault_key", "key file \"x\"");
	} catch (const Error &e) {
		EXPECT_EQ(e.kind(), ErrorKind::NotConfigured);
		EXPECT_STREQ(e.what(), "key file \"x\" has no vault_key");
	}
}

TEST(PseudoKeyring, ErrorsNameTheLineNotTheSecret) {
	EXPECT_EQ(ParseError("# c\nbare-secret-0123456789", "bare-secret"),
	          "key file \"t\" line 2: expected \"<name> = <key id>:<secret>\"");
	EXPECT_NE(ParseError("my-secret-name-0001 = k1:0123456789abcdef", "my-secret-name").find("line 1: unknown key name"),
	          std::string::npos);
	EXPECT_NE(ParseError("vault_key = no-id-secret-0123456789", "no-id-secret").find("must be"), std::string::npos);
	EXPECT_NE(ParseError("vault_key = bad id!:0123456789abcdef", "0123456789abcdef").find("must be"), std::string::npos);
	EXPECT_NE(ParseError("vault_key = :0123456789abcdef0", "0123456789abcdef0").find("must be"), std::string::npos);
	EXPECT_NE(ParseError("vault_key = k1:short-secret", "short-secret").find("shorter than 16"), std::string::npos);
	EXPECT_NE(ParseError("vault_key = k1:0123456789abcdef0\nvault_key = k2:0123456789abcdef1", "0123456789abcdef")
	              .find("line 2: the key vault_key is given twice"),
	          std::string::npos);
	EXPECT_NE(ParseError("vault_key = k1:0123456789abcdef0\nvault_key_previous = k1:0123456789abcdef1", "0123456789abcdef")
	              .find("same key id"),
	          std::string::npos);
	EXPECT_NE(ParseError("pseudonym_key = p:same-secret-0123456789\nvault_key = v:same-secret-0123456789", "same-secret")
	              .find("same secret"),
	          std::string::npos);
}

TEST(PseudoKeyring, KeyIdsAreBounded) {
	EXPECT_NO_THROW(ParseKeyring("vault_key = " + std::string(64, 'a') + ":0123456789abcdef", "o"));
	ParseError("vault_key = " + std::string(65, 'a') + ":0123456789abcdef", "0123456789abcdef");
}

TEST(PseudoKeyring, WipeClearsSecrets) {
	Keyring k = ParseKeyring("vault_key = k1:0123456789abcdef0", "o");
	hdl::pseudo::Wipe(k);
	EXPECT_EQ(k.Find("vault_key"), nullptr);
}
