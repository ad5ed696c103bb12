// hdl-fhir-validate: runs hdl's FHIR R4 validator over JSON and NDJSON files and prints one line
// per issue plus a summary. Exit status: 0 all valid, 1 some resource invalid, 2 usage or I/O error.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/fhir/validator.hpp"
#include "core/json/nlohmann_node.hpp"

namespace {

const char kUsage[] =
    "usage: hdl-fhir-validate [--level strict|structure|minimal] [--max-issues N] FILE...\n"
    "\n"
    "Validates FHIR R4 (4.0.1) resources. Each FILE is a JSON resource or Bundle, or NDJSON\n"
    "(one resource or Bundle per line; files ending in .ndjson or .jsonl, or whose content is not\n"
    "a single JSON value). '-' reads standard input.\n"
    "\n"
    "Prints one line per issue, 'FILE:LINE: EXPRESSION: MESSAGE [code]', then a summary\n"
    "'N resources, N valid, N invalid'. A Bundle counts as one resource.\n"
    "\n"
    "  --level LEVEL    strict (default): + primitive formats and required-binding codes;\n"
    "                   structure: elements, JSON types, cardinality, choices, references, Bundles;\n"
    "                   minimal: JSON object, known resourceType, id format\n"
    "  --max-issues N   issues reported per resource (default 100)\n"
    "  -h, --help       this text\n"
    "\n"
    "Exit status: 0 when every resource is valid, 1 when any is invalid (or not JSON), 2 on usage\n"
    "or file errors.\n";

struct Totals {
	size_t resources = 0;
	size_t valid = 0;
	size_t invalid = 0;
};

struct Options {
	hdl::fhir::Level level = hdl::fhir::Level::Strict;
	size_t maxIssues = 100;
};

void
Check(const std::string &where, const std::string &text, const Options &options, Totals &totals) {
	totals.resources++;
	nlohmann::json doc;
	try {
		doc = nlohmann::json::parse(text);
	} catch (const nlohmann::json::parse_error &e) {
		totals.invalid++;
		std::printf("%s: (document): not JSON: %s [structure]\n", where.c_str(), e.what());
		return;
	}
	auto result = hdl::fhir::ValidateResource(hdl::json::FromNlohmann(doc), options.level, options.maxIssues);
	for (const auto &issue : result.issues)
		std::printf("%s: %s: %s [%s]\n", where.c_str(),
		            issue.expression.empty() ? "(document)" : issue.expression.c_str(), issue.message.c_str(),
		            issue.code.c_str());
	if (result.truncated)
		std::printf("%s: more issues not shown (--max-issues %zu)\n", where.c_str(), options.maxIssues);
	if (result.ok())
		totals.valid++;
	else
		totals.invalid++;
}

bool
EndsWith(const std::string &s, const char *suffix) {
	size_t n = std::strlen(suffix);
	return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// A file is one JSON document unless its name says NDJSON or it does not parse as one value.
void
CheckFile(const std::string &name, std::istream &in, const Options &options, Totals &totals) {
	std::stringstream buffer;
	buffer << in.rdbuf();
	std::string content = buffer.str();
	bool ndjson = EndsWith(name, ".ndjson") || EndsWith(name, ".jsonl");
	if (!ndjson && !nlohmann::json::accept(content)) {
		size_t firstLineEnd = content.find('\n');
		ndjson = firstLineEnd != std::string::npos && nlohmann::json::accept(content.substr(0, firstLineEnd));
	}
	if (!ndjson) {
		Check(name + ":1", content, options, totals);
		return;
	}
	std::istringstream lines(content);
	std::string line;
	size_t lineNo = 0;
	while (std::getline(lines, line)) {
		lineNo++;
		if (line.find_first_not_of(" \t\r") == std::string::npos)
			continue;
		Check(name + ":" + std::to_string(lineNo), line, options, totals);
	}
}

} // namespace

int
main(int argc, char **argv) {
	Options options;
	std::vector<std::string> files;
	for (int i = 1; i < argc; i++) {
		std::string arg = argv[i];
		if (arg == "-h" || arg == "--help") {
			std::fputs(kUsage, stdout);
			return 0;
		}
		if (arg == "--level" || arg.rfind("--level=", 0) == 0) {
			std::string value = arg == "--level" ? (i + 1 < argc ? argv[++i] : "") : arg.substr(8);
			if (!hdl::fhir::ParseLevel(value, options.level)) {
				std::fprintf(stderr, "hdl-fhir-validate: unknown level '%s' (strict, structure or minimal)\n",
				             value.c_str());
				return 2;
			}
		} else if (arg == "--max-issues" && i + 1 < argc) {
			options.maxIssues = std::strtoul(argv[++i], nullptr, 10);
		} else if (arg.size() > 1 && arg[0] == '-') {
			std::fprintf(stderr, "hdl-fhir-validate: unknown option '%s'\n%s", arg.c_str(), kUsage);
			return 2;
		} else {
			files.push_back(arg);
		}
	}
	if (files.empty()) {
		std::fputs(kUsage, stderr);
		return 2;
	}
	Totals totals;
	bool ioError = false;
	for (const std::string &file : files) {
		if (file == "-") {
			CheckFile("<stdin>", std::cin, options, totals);
			continue;
		}
		std::ifstream in(file, std::ios::binary);
		if (!in) {
			std::fprintf(stderr, "hdl-fhir-validate: cannot open '%s'\n", file.c_str());
			ioError = true;
			continue;
		}
		CheckFile(file, in, options, totals);
	}
	std::printf("%zu resources, %zu valid, %zu invalid\n", totals.resources, totals.valid, totals.invalid);
	if (totals.invalid > 0)
		return 1;
	return ioError ? 2 : 0;
}
