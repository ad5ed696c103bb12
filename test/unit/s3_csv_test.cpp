// CsvParser: RFC 4180 quoting, embedded newlines, header row, errors with line numbers.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/s3/csv_parser.hpp"

using hdl::s3::CsvOptions;
using hdl::s3::CsvParser;

namespace {

struct Parsed {
	std::vector<std::string> header;
	std::vector<std::vector<std::string>> records;
	std::vector<uint64_t> lines;
};

Parsed
Parse(const std::string &input, size_t chunk_size, CsvOptions options = {}) {
	Parsed out;
	CsvParser parser(options, [&](const std::vector<std::string> &fields, uint64_t line) {
		out.records.push_back(fields);
		out.lines.push_back(line);
	});
	for (size_t at = 0; at < input.size(); at += chunk_size) {
		parser.Feed(std::string_view(input).substr(at, chunk_size));
	}
	parser.Finish();
	out.header = parser.header();
	return out;
}

std::string
ErrorOf(const std::string &input, CsvOptions options = {}) {
	try {
		Parse(input, 3, options);
	} catch (const hdl::Error &e) {
		return e.what();
	}
	return "no error";
}

} // namespace

TEST(S3Csv, QuotedFieldsAndEmbeddedNewlines) {
	std::string input = "id,name,note\r\n"
	                    "1,\"Doe, Jane\",\"said \"\"hi\"\"\"\r\n"
	                    "2,Smith,\"two\nlines\"\n"
	                    "3,,\"\"\n"
	                    "4,last,no newline";
	for (size_t chunk = 1; chunk <= input.size(); chunk++) {
		Parsed p = Parse(input, chunk);
		ASSERT_EQ(p.header, (std::vector<std::string> {"id", "name", "note"})) << chunk;
		ASSERT_EQ(p.records.size(), 4u) << chunk;
		EXPECT_EQ(p.records[0], (std::vector<std::string> {"1", "Doe, Jane", "said \"hi\""}));
		EXPECT_EQ(p.records[1], (std::vector<std::string> {"2", "Smith", "two\nlines"}));
		EXPECT_EQ(p.records[2], (std::vector<std::string> {"3", "", ""}));
		EXPECT_EQ(p.records[3], (std::vector<std::string> {"4", "last", "no newline"}));
		EXPECT_EQ(p.lines, (std::vector<uint64_t> {2, 3, 5, 6})) << chunk;
	}
}

TEST(S3Csv, WithoutHeaderAndOtherDelimiter) {
	CsvOptions options;
	options.has_header = false;
	options.delimiter = ';';
	Parsed p = Parse("a;b\n\n\"c;d\";e\n", 4, options);
	EXPECT_TRUE(p.header.empty());
	ASSERT_EQ(p.records.size(), 2u);
	EXPECT_EQ(p.records[1], (std::vector<std::string> {"c;d", "e"}));
	EXPECT_EQ(p.lines, (std::vector<uint64_t> {1, 3})); // the blank line is skipped but counted
}

TEST(S3Csv, ByteOrderMarkAndTrailingEmptyField) {
	Parsed p = Parse("\xEF\xBB\xBFk,v\nx,\n", 100);
	EXPECT_EQ(p.header, (std::vector<std::string> {"k", "v"}));
	EXPECT_EQ(p.records.at(0), (std::vector<std::string> {"x", ""}));
}

TEST(S3Csv, ErrorsNameTheLine) {
	EXPECT_NE(ErrorOf("a,b\n1,\"open\n2,3\n").find("line 2: quoted field is not closed"), std::string::npos);
	EXPECT_NE(ErrorOf("a,b\n1,x\"y\n").find("line 2: quote inside an unquoted field"), std::string::npos);
	EXPECT_NE(ErrorOf("a,b\n1,\"x\"y\n").find("line 2: unexpected character 'y' after a closing quote"),
	          std::string::npos);
	EXPECT_NE(ErrorOf("a,b\n1,2\n3\n").find("line 3: record has 1 fields, expected 2"), std::string::npos);
	CsvOptions lenient;
	lenient.require_same_field_count = false;
	EXPECT_EQ(ErrorOf("a,b\n3\n", lenient), "no error");
	CsvOptions small;
	small.max_record_bytes = 10;
	EXPECT_NE(ErrorOf("a,b\n\"" + std::string(50, 'x') + "\"\n", small).find("longer than 10 bytes"),
	          std::string::npos);
}
