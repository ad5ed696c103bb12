// hdl-sof internals: the subcommands and the small XML reader they share.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hdl::tools {

int RunSofSuite(const std::string &dir, const std::string &reportFile, bool verbose);
int RunFhirPathSuite(const std::string &xmlFile, bool verbose);

// A parsed XML element: enough for the FHIRPath test file (no namespaces, no DTDs).
struct XmlElement {
	std::string name;
	std::map<std::string, std::string> attributes;
	std::string text; // concatenated character data directly inside the element
	std::vector<std::unique_ptr<XmlElement>> children;

	std::string
	attr(const std::string &key) const {
		auto it = attributes.find(key);
		return it == attributes.end() ? std::string() : it->second;
	}
};

// Throws std::runtime_error on malformed input.
std::unique_ptr<XmlElement> ParseXml(const std::string &text);

std::string ReadFile(const std::string &path);

} // namespace hdl::tools
