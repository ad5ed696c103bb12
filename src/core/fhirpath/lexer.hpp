// Splits a FHIRPath expression into tokens; comments and whitespace are dropped.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace hdl::fhirpath {

enum class TokenKind : uint8_t {
	End,
	Identifier, // name or `delimited name`; text is the name
	String,     // 'text' with escapes resolved
	Integer,    // 123
	Long,       // 123L
	Decimal,    // 1.5
	Date,       // @2014-01-01 (text without '@')
	DateTime,   // @2014-01-01T10:00 (text without '@')
	Time,       // @T10:00 (text without "@T")
	Constant,   // %name (text without '%')
	Special,    // $this, $index, $total (text without '$')
	Symbol      // . , ( ) [ ] { } + - * / & | = != ~ !~ < > <= >=
};

struct Token {
	TokenKind kind = TokenKind::End;
	std::string text;
	bool delimited = false; // Identifier written in backticks (never a keyword)
	size_t offset = 0;
};

// Throws hdl::Error(InvalidParameter) on characters that cannot start a token, unterminated
// strings or comments, and malformed date/time literals.
std::vector<Token> Tokenize(std::string_view expr);

} // namespace hdl::fhirpath

#include "core/cpp_only.hpp"
