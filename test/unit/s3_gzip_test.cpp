// GzipDecoder: auto-detection, multi-member streams, any chunking, and clean errors.
#include <gtest/gtest.h>

#include <zlib.h>

#include "core/error.hpp"
#include "core/s3/gzip_decoder.hpp"
#include "core/s3/gzip_encoder.hpp"

using hdl::s3::GzipDecoder;

namespace {

std::string
Gzip(const std::string &plain) {
	z_stream z {};
	EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	std::string out(deflateBound(&z, plain.size()) + 32, '\0');
	z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(plain.data()));
	z.avail_in = static_cast<uInt>(plain.size());
	z.next_out = reinterpret_cast<Bytef *>(out.data());
	z.avail_out = static_cast<uInt>(out.size());
	EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
	out.resize(z.total_out);
	deflateEnd(&z);
	return out;
}

// Decodes input fed in chunks of chunk_size bytes.
std::string
Decode(const std::string &input, size_t chunk_size, bool *compressed = nullptr) {
	std::string out;
	GzipDecoder decoder([&out](const char *data, size_t size) { out.append(data, size); });
	for (size_t at = 0; at < input.size(); at += chunk_size) {
		decoder.Feed(std::string_view(input).substr(at, chunk_size));
	}
	decoder.Finish();
	if (compressed) {
		*compressed = decoder.compressed();
	}
	return out;
}

std::string
Text(size_t lines) {
	std::string text;
	for (size_t i = 0; i < lines; i++) {
		text += "{\"resourceType\":\"Observation\",\"id\":\"" + std::to_string(i) + "\"}\n";
	}
	return text;
}

std::string
ErrorOf(const std::string &input, size_t chunk_size) {
	try {
		Decode(input, chunk_size);
	} catch (const hdl::Error &e) {
		EXPECT_EQ(e.kind(), hdl::ErrorKind::InvalidParameter);
		return e.what();
	}
	return "no error";
}

} // namespace

TEST(S3Gzip, InflatesInAnyChunking) {
	std::string plain = Text(20000);
	std::string gz = Gzip(plain);
	for (size_t chunk : {size_t(1), size_t(2), size_t(7), size_t(4096), gz.size()}) {
		bool compressed = false;
		EXPECT_TRUE(Decode(gz, chunk, &compressed) == plain) << chunk;
		EXPECT_TRUE(compressed);
	}
}

TEST(S3Gzip, PlainDataPassesThrough) {
	for (std::string plain :
	     {std::string("{\"a\":1}\n"), std::string("x"), std::string(""), std::string("\x1f")}) {
		bool compressed = true;
		EXPECT_EQ(Decode(plain, 1, &compressed), plain);
		EXPECT_FALSE(compressed);
	}
}

TEST(S3Gzip, ConcatenatedMembers) {
	std::string gz = Gzip("first\n") + Gzip("") + Gzip(Text(100));
	EXPECT_EQ(Decode(gz, 3), "first\n" + Text(100));
	EXPECT_EQ(Decode(gz, gz.size()), "first\n" + Text(100));
}

TEST(S3Gzip, TruncatedInputNamesOffset) {
	std::string gz = Gzip(Text(1000));
	std::string cut = gz.substr(0, gz.size() / 2);
	std::string message = ErrorOf(cut, 100);
	EXPECT_NE(message.find("truncated gzip data"), std::string::npos) << message;
	EXPECT_NE(message.find("byte offset " + std::to_string(cut.size())), std::string::npos) << message;
	// Missing only the 8-byte trailer (CRC and size) is truncation too.
	EXPECT_NE(ErrorOf(gz.substr(0, gz.size() - 4), 1).find("truncated"), std::string::npos);
}

TEST(S3Gzip, CorruptInputNamesOffset) {
	std::string gz = Gzip(Text(1000));
	std::string corrupt = gz;
	corrupt[gz.size() - 6] ^= 0x55; // inside the CRC-32 trailer
	std::string message = ErrorOf(corrupt, 64);
	EXPECT_NE(message.find("invalid gzip data at compressed byte offset"), std::string::npos) << message;
	std::string bad_header = gz;
	bad_header[2] =
	    7; // compression method other than deflate; zlib notices it once it holds the 4-byte header
	EXPECT_NE(ErrorOf(bad_header, 64).find("byte offset 4: unknown compression method"), std::string::npos)
	    << ErrorOf(bad_header, 64);
	std::string trailing = Gzip("a") + "garbage";
	EXPECT_NE(ErrorOf(trailing, 5)
	              .find("after the end of a gzip member at byte offset " + std::to_string(Gzip("a").size())),
	          std::string::npos);
}

TEST(S3Gzip, SinkSeesEveryByteOnce) {
	std::string plain(1 << 20, 'z');
	std::string gz = Gzip(plain);
	size_t total = 0;
	GzipDecoder decoder([&total](const char *, size_t size) { total += size; });
	decoder.Feed(gz);
	decoder.Finish();
	EXPECT_EQ(total, plain.size());
	EXPECT_EQ(decoder.bytes_out(), plain.size());
	EXPECT_EQ(decoder.bytes_in(), gz.size());
}

// GzipEncoder (the exports' writer): what it writes the decoder reads back, however it is fed.
TEST(GzipEncoder, RoundTripsThroughTheDecoder) {
	std::string text = Text(20000);
	for (size_t chunk : {size_t(1), size_t(777), size_t(1) << 20}) {
		std::string packed;
		hdl::s3::GzipEncoder encoder([&](std::string_view c) { packed.append(c.data(), c.size()); });
		for (size_t at = 0; at < text.size(); at += chunk)
			encoder.Write(std::string_view(text).substr(at, chunk));
		encoder.Finish();
		EXPECT_LT(packed.size(), text.size() / 5);
		bool compressed = false;
		EXPECT_EQ(Decode(packed, 4096, &compressed), text);
		EXPECT_TRUE(compressed);
	}
	EXPECT_EQ(Decode(hdl::s3::Gzip(""), 10), "");
	EXPECT_EQ(Decode(hdl::s3::Gzip("x"), 1), "x");
}

TEST(GzipEncoder, RefusesWritesAfterFinish) {
	std::string packed;
	hdl::s3::GzipEncoder encoder([&](std::string_view c) { packed.append(c.data(), c.size()); });
	encoder.Write("a");
	encoder.Finish();
	encoder.Finish(); // twice is harmless
	EXPECT_THROW(encoder.Write("b"), hdl::Error);
	EXPECT_EQ(Decode(packed, 3), "a");
}
