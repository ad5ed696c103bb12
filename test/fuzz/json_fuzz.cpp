// The JSONB reader and writer and the DOM builder: JSON -> JSONB bytes -> Node -> Value ->
// JSONB again must give the same bytes, and a document equals itself. Deep documents must be
// refused (54001), never overflow the stack.
#include <cstdlib>

#include "core/json/value.hpp"
#include "fuzz_json.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	std::string bytes;
	if (!hdl::fuzz::JsonbOf(reinterpret_cast<const char *>(data), size, bytes))
		return 0;
	hdl::json::Node node = hdl::fuzz::NodeOf(bytes);
	try {
		if (!hdl::json::DeepEqual(node, node))
			abort();
		hdl::json::Value value = hdl::json::ToValue(node);
		if (hdl::json::jsonb::Encode(value) != bytes || hdl::json::jsonb::Encode(node) != bytes)
			abort();
		(void)value.dump();
	} catch (const hdl::Error &) {
	}
	return 0;
}
