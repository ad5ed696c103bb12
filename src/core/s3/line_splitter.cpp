// Line splitting without copying lines that lie wholly inside one chunk.
#include "core/s3/line_splitter.hpp"

#include "core/error.hpp"

namespace hdl::s3 {

LineSplitter::LineSplitter(LineSink sink, size_t max_line_bytes)
    : sink_(std::move(sink)), max_line_bytes_(max_line_bytes) {
}

void
LineSplitter::Emit(std::string_view line) {
	if (!line.empty() && line.back() == '\r') {
		line.remove_suffix(1);
	}
	if (line_number_ == 0 && line.substr(0, 3) == "\xEF\xBB\xBF") {
		line.remove_prefix(3);
	}
	line_number_++;
	sink_(line, line_number_);
}

void
LineSplitter::Feed(std::string_view chunk) {
	while (!chunk.empty()) {
		size_t newline = chunk.find('\n');
		size_t length = newline == std::string_view::npos ? chunk.size() : newline;
		if (partial_.size() + length > max_line_bytes_) {
			throw Error(ErrorKind::ConfigLimit, "line " + std::to_string(line_number_ + 1) +
			                                        " is longer than " + std::to_string(max_line_bytes_) +
			                                        " bytes");
		}
		if (newline == std::string_view::npos) {
			partial_.append(chunk);
			return;
		}
		if (partial_.empty()) {
			Emit(chunk.substr(0, newline));
		} else {
			partial_.append(chunk.substr(0, newline));
			std::string line = std::move(partial_);
			partial_.clear();
			Emit(line);
		}
		chunk.remove_prefix(newline + 1);
	}
}

void
LineSplitter::Finish() {
	if (!partial_.empty()) {
		std::string line = std::move(partial_);
		partial_.clear();
		Emit(line);
	}
}

} // namespace hdl::s3
