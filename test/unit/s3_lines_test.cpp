// LineSplitter: lines across chunks, CRLF, last line without newline, line numbers.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/s3/line_splitter.hpp"

using hdl::s3::LineSplitter;

namespace {

std::vector<std::pair<uint64_t, std::string>>
Split(const std::string &input, size_t chunk_size, size_t max_line = 1u << 20) {
	std::vector<std::pair<uint64_t, std::string>> lines;
	LineSplitter splitter(
	    [&](std::string_view line, uint64_t n) { lines.emplace_back(n, std::string(line)); }, max_line);
	for (size_t at = 0; at < input.size(); at += chunk_size) {
		splitter.Feed(std::string_view(input).substr(at, chunk_size));
	}
	splitter.Finish();
	EXPECT_EQ(splitter.lines(), lines.size());
	return lines;
}

using Lines = std::vector<std::pair<uint64_t, std::string>>;

} // namespace

TEST(S3Lines, SplitsInAnyChunking) {
	std::string input = "{\"a\":1}\n{\"b\":2}\r\n\n{\"c\":3}";
	Lines expected {{1, "{\"a\":1}"}, {2, "{\"b\":2}"}, {3, ""}, {4, "{\"c\":3}"}};
	for (size_t chunk = 1; chunk <= input.size(); chunk++) {
		EXPECT_EQ(Split(input, chunk), expected) << chunk;
	}
}

TEST(S3Lines, TrailingNewlineAddsNoEmptyLine) {
	EXPECT_EQ(Split("a\nb\n", 3), (Lines {{1, "a"}, {2, "b"}}));
	EXPECT_EQ(Split("", 3), Lines {});
	EXPECT_EQ(Split("\n", 3), (Lines {{1, ""}}));
	EXPECT_EQ(Split("a\r\n", 1), (Lines {{1, "a"}}));
}

TEST(S3Lines, CrLfSplitAcrossChunks) {
	EXPECT_EQ(Split("ab\r\ncd\r\n", 3), (Lines {{1, "ab"}, {2, "cd"}}));
	// A CR that is not followed by LF stays in the line.
	EXPECT_EQ(Split("a\rb\n", 1), (Lines {{1, "a\rb"}}));
}

TEST(S3Lines, DropsByteOrderMark) {
	EXPECT_EQ(Split("\xEF\xBB\xBF{}\n\xEF\xBB\xBF", 2), (Lines {{1, "{}"}, {2, "\xEF\xBB\xBF"}}));
}

TEST(S3Lines, OverlongLineIsAnError) {
	try {
		Split("short\n" + std::string(100, 'x') + "\n", 7, 50);
		FAIL() << "no error";
	} catch (const hdl::Error &e) {
		EXPECT_EQ(e.kind(), hdl::ErrorKind::ConfigLimit);
		EXPECT_NE(std::string(e.what()).find("line 2 is longer than 50 bytes"), std::string::npos)
		    << e.what();
	}
	EXPECT_THROW(Split(std::string(100, 'x'), 100, 50), hdl::Error);
}
