// hdl-sof: run the SQL-on-FHIR and FHIRPath conformance suites, or evaluate a ViewDefinition
// over resources from the command line.
#include "core/error.hpp"
#include "core/json/nlohmann_node.hpp"
#include "core/sof/view.hpp"
#include "tool.hpp"

#include <iostream>
#include <sstream>

namespace {

const char *USAGE = R"(usage: hdl-sof <command> [options]

Commands:
  test [DIR] [--report FILE] [-v]
      Run every SQL-on-FHIR v2 test file (*.json) in DIR (default: ../shared/sof-tests of
      the source tree) and print per-file results and "N passed, N failed". --report writes
      the official test report JSON. Exits 1 when a test fails.
  fhirpath [FILE] [-v]
      Run the FHIRPath R4 suite (default: ../shared/fhirpath-tests/tests-fhir-r4.xml; inputs
      are read from input-json/ next to it) with the R4 type model and print the count
      without the model, the pass rate and "N passed, N failed".
  eval VIEW.json RESOURCES.json
      Evaluate a ViewDefinition over resources (a JSON array, a Bundle, one resource, or
      NDJSON) and print one JSON object per row (NDJSON), columns in view order.
  --help
      Show this text.
)";

std::vector<nlohmann::json>
LoadResources(const std::string &text) {
	std::vector<nlohmann::json> out;
	nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
	if (doc.is_discarded()) {
		std::istringstream lines(text);
		std::string line;
		while (std::getline(lines, line)) {
			if (line.find_first_not_of(" \t\r") != std::string::npos)
				out.push_back(nlohmann::json::parse(line));
		}
		return out;
	}
	if (doc.is_array())
		return doc.get<std::vector<nlohmann::json>>();
	if (doc.value("resourceType", "") == "Bundle") {
		for (const auto &e : doc.value("entry", nlohmann::json::array()))
			if (e.contains("resource"))
				out.push_back(e["resource"]);
		return out;
	}
	out.push_back(doc);
	return out;
}

class NdjsonSink : public hdl::sof::RowSink {
public:
	explicit NdjsonSink(const hdl::sof::CompiledView &view) : view_(view) {
	}
	void
	OnRow(const hdl::sof::Row &row) override {
		nlohmann::ordered_json out = nlohmann::ordered_json::object();
		for (size_t i = 0; i < row.size(); i++)
			out[view_.columns()[i].name] =
			    nlohmann::ordered_json::parse(hdl::sof::CellToValue(row[i]).dump());
		std::cout << out.dump() << "\n";
	}

private:
	const hdl::sof::CompiledView &view_;
};

int
Eval(const std::string &viewFile, const std::string &resourcesFile) {
	nlohmann::json viewJson = nlohmann::json::parse(hdl::tools::ReadFile(viewFile));
	hdl::sof::CompiledView view = hdl::sof::Compile(hdl::json::FromNlohmann(viewJson));
	std::vector<nlohmann::json> resources = LoadResources(hdl::tools::ReadFile(resourcesFile));
	NdjsonSink sink(view);
	for (const auto &r : resources)
		hdl::sof::Evaluate(view, hdl::json::FromNlohmann(r), sink);
	return 0;
}

} // namespace

int
main(int argc, char **argv) {
	std::vector<std::string> args(argv + 1, argv + argc);
	if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
		std::cout << USAGE;
		return args.empty() ? 2 : 0;
	}
	std::string command = args[0];
	std::vector<std::string> positional;
	std::string report;
	bool verbose = false;
	for (size_t i = 1; i < args.size(); i++) {
		if (args[i] == "--report" && i + 1 < args.size()) {
			report = args[++i];
		} else if (args[i] == "-v" || args[i] == "--verbose") {
			verbose = true;
		} else if (args[i] == "--help" || args[i] == "-h") {
			std::cout << USAGE;
			return 0;
		} else {
			positional.push_back(args[i]);
		}
	}
	try {
		if (command == "test") {
			std::string dir =
			    positional.empty() ? std::string(HDL_SOURCE_DIR "/../shared/sof-tests") : positional[0];
			return hdl::tools::RunSofSuite(dir, report, verbose);
		}
		if (command == "fhirpath") {
			std::string file = positional.empty()
			                       ? std::string(HDL_SOURCE_DIR "/../shared/fhirpath-tests/tests-fhir-r4.xml")
			                       : positional[0];
			return hdl::tools::RunFhirPathSuite(file, verbose);
		}
		if (command == "eval" && positional.size() == 2)
			return Eval(positional[0], positional[1]);
	} catch (const hdl::Error &e) {
		std::cerr << "hdl-sof: " << e.what() << "\n";
		if (!e.detail().empty())
			std::cerr << "DETAIL: " << e.detail() << "\n";
		if (!e.hint().empty())
			std::cerr << "HINT: " << e.hint() << "\n";
		return 1;
	} catch (const std::exception &e) {
		std::cerr << "hdl-sof: " << e.what() << "\n";
		return 1;
	}
	std::cerr << USAGE;
	return 2;
}
