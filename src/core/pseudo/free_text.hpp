// Identifiers typed into free text: NHS numbers, e-mail addresses, UK phone numbers and full UK
// postcodes found in the strings of a resource are replaced before it is stored. Names cannot be
// found this way (hdl has no model of names); what is found has a form a machine can check: an
// NHS number's mod-11 check digit, the UK numbering plan's lengths and prefixes, the postcode
// format (inward code digit + two letters, never C, I, K, M, O or V).
#pragma once
#include <string>
#include <string_view>

#include "core/json/value.hpp"

namespace hdl::pseudo {

// What a redaction leaves in place of each kind.
constexpr const char *RedactedNhsNumber = "[NHS number removed]";
constexpr const char *RedactedEmail = "[email removed]";
constexpr const char *RedactedPhone = "[phone number removed]";
constexpr const char *RedactedPostcode = "[postcode removed]";

// True when the ten digits (no separators) are a valid NHS number (mod 11).
bool IsNhsNumber(std::string_view ten_digits) noexcept;

// text with every identifier found replaced; returns the number replaced (0: text unchanged).
int RedactIdentifiers(std::string &text);

// Redacts the strings of a resource (nested resources included) that hold free text. Left
// alone: machine values (reference, system, url, code, id, linkId, version, unit, language,
// contentType, attachment data, profile and the like), an address's structured postalCode, and the value of
// anything with a system (an Identifier's or ContactPoint's value: a kept identifier is the pseudonymiser's
// business, an organisation's phone number is not a patient's). Returns the number replaced.
int RedactFreeText(hdl::json::Value &resource);

} // namespace hdl::pseudo

#include "core/cpp_only.hpp"
