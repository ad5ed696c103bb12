// The FHIR validator walk (every level) and the reference finder over any JSON document.
#include "core/fhir/references.hpp"
#include "core/fhir/validator.hpp"
#include "fuzz_json.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	std::string bytes;
	if (!hdl::fuzz::JsonbOf(reinterpret_cast<const char *>(data), size, bytes))
		return 0;
	hdl::json::Node node = hdl::fuzz::NodeOf(bytes);
	for (hdl::fhir::Level level :
	     {hdl::fhir::Level::Strict, hdl::fhir::Level::Structure, hdl::fhir::Level::Minimal}) {
		try {
			(void)hdl::fhir::ValidateResource(node, level).ok();
		} catch (const hdl::Error &e) {
			if (e.kind() != hdl::ErrorKind::TooDeep) // "never throws for bad input" but for its depth budget
				throw;
		}
	}
	size_t references = 0;
	try {
		hdl::fhir::ForEachReference(
		    node, [&](const hdl::fhir::ElementPath &, const hdl::json::Node &) { references++; });
	} catch (const hdl::Error &e) {
		if (e.kind() != hdl::ErrorKind::TooDeep)
			throw;
	}
	return 0;
}
