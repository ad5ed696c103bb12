// gzip auto-detection and multi-member inflate over zlib.
#include "core/s3/gzip_decoder.hpp"

#include <zlib.h>

#include "core/error.hpp"

namespace hdl::s3 {

namespace {
constexpr size_t OUT_CHUNK = 64 * 1024;
constexpr unsigned char GZIP_MAGIC_1 = 0x1f;
constexpr unsigned char GZIP_MAGIC_2 = 0x8b;
} // namespace

struct GzipDecoder::Stream {
	z_stream z {};
	bool initialised = false;
	~Stream() {
		if (initialised) {
			inflateEnd(&z);
		}
	}
};

GzipDecoder::GzipDecoder(Sink sink) : sink_(std::move(sink)), stream_(std::make_unique<Stream>()) {
}

GzipDecoder::~GzipDecoder() = default;

void
GzipDecoder::Emit(const char *data, size_t size) {
	if (size > 0) {
		bytes_out_ += size;
		sink_(data, size);
	}
}

void
GzipDecoder::Feed(std::string_view chunk) {
	if (chunk.empty()) {
		return;
	}
	if (mode_ == Mode::Undecided) {
		if (!have_first_) {
			first_byte_ = chunk[0];
			have_first_ = true;
			chunk.remove_prefix(1);
			if (chunk.empty()) {
				return;
			}
		}
		bool magic = static_cast<unsigned char>(first_byte_) == GZIP_MAGIC_1 &&
		             static_cast<unsigned char>(chunk[0]) == GZIP_MAGIC_2;
		mode_ = magic ? Mode::Gzip : Mode::Plain;
		char first = first_byte_;
		if (mode_ == Mode::Plain) {
			bytes_in_ += 1;
			Emit(&first, 1);
		} else {
			Inflate(std::string_view(&first, 1));
		}
	}
	if (mode_ == Mode::Plain) {
		bytes_in_ += chunk.size();
		Emit(chunk.data(), chunk.size());
	} else {
		Inflate(chunk);
	}
}

void
GzipDecoder::Inflate(std::string_view chunk) {
	z_stream &z = stream_->z;
	unsigned char out[OUT_CHUNK];
	while (!chunk.empty()) {
		if (!in_member_) {
			// A new member must start with the magic too; anything else is trailing garbage.
			if (static_cast<unsigned char>(chunk[0]) != GZIP_MAGIC_1) {
				throw Error(
				    ErrorKind::InvalidParameter,
				    "invalid gzip data: unexpected bytes after the end of a gzip member at byte offset " +
				        std::to_string(bytes_in_));
			}
			int rc = stream_->initialised ? inflateReset(&z) : inflateInit2(&z, 16 + MAX_WBITS);
			if (rc != Z_OK) {
				throw Error(ErrorKind::Internal, "zlib inflate initialisation failed");
			}
			stream_->initialised = true;
			in_member_ = true;
		}
		z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(chunk.data()));
		z.avail_in = static_cast<uInt>(std::min<size_t>(chunk.size(), 1u << 30));
		uInt offered = z.avail_in;
		int rc = Z_OK;
		do {
			z.next_out = out;
			z.avail_out = OUT_CHUNK;
			rc = inflate(&z, Z_NO_FLUSH);
			if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_MEM_ERROR || rc == Z_STREAM_ERROR) {
				uint64_t offset = bytes_in_ + (offered - z.avail_in);
				throw Error(ErrorKind::InvalidParameter, "invalid gzip data at compressed byte offset " +
				                                             std::to_string(offset) + ": " +
				                                             (z.msg != nullptr ? z.msg : "corrupt stream"));
			}
			Emit(reinterpret_cast<const char *>(out), OUT_CHUNK - z.avail_out);
		} while (rc != Z_STREAM_END && (z.avail_in > 0 || z.avail_out == 0));
		size_t used = offered - z.avail_in;
		bytes_in_ += used;
		chunk.remove_prefix(used);
		if (rc == Z_STREAM_END) {
			in_member_ = false;
		}
	}
}

void
GzipDecoder::Finish() {
	if (mode_ == Mode::Undecided && have_first_) {
		mode_ = Mode::Plain;
		bytes_in_ += 1;
		Emit(&first_byte_, 1);
	}
	if (mode_ == Mode::Gzip && in_member_) {
		throw Error(ErrorKind::InvalidParameter,
		            "truncated gzip data: input ends inside a gzip member at byte offset " +
		                std::to_string(bytes_in_));
	}
}

} // namespace hdl::s3
