// The FHIRPath parser and evaluator: the first line is an expression, the rest a JSON resource
// it is evaluated over (an empty object when the rest is not JSON).
#include <cstring>

#include "core/fhirpath/fhirpath.hpp"
#include "fuzz_json.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	const char *text = reinterpret_cast<const char *>(data);
	const char *newline = static_cast<const char *>(memchr(text, '\n', size));
	size_t expr_size = newline ? static_cast<size_t>(newline - text) : size;
	std::string bytes;
	if (!newline || !hdl::fuzz::JsonbOf(newline + 1, size - expr_size - 1, bytes))
		hdl::fuzz::JsonbOf("{}", 2, bytes);
	hdl::json::Node resource = hdl::fuzz::NodeOf(bytes);
	try {
		hdl::fhirpath::Expression e = hdl::fhirpath::Parse(std::string_view(text, expr_size));
		hdl::fhirpath::Environment env;
		hdl::fhirpath::Collection result = hdl::fhirpath::Evaluate(e, resource, env);
		(void)hdl::fhirpath::IsTrue(result, "fuzz");
	} catch (const hdl::Error &) {
	}
	return 0;
}
