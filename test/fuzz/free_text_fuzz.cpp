// Identifiers in free text (core/pseudo/free_text.cpp): the scanner over any bytes, and its
// promise that what it leaves has nothing more to find (a second pass replaces nothing).
#include <cstdlib>
#include <string>

#include "core/pseudo/free_text.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	std::string text(reinterpret_cast<const char *>(data), size);
	hdl::pseudo::RedactIdentifiers(text);
	std::string again = text;
	if (hdl::pseudo::RedactIdentifiers(again) != 0)
		std::abort(); // a redaction made a new identifier out of its neighbours
	return 0;
}
