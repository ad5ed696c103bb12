#include "options.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/synth/calendar.hpp"
#include "core/synth/nhs_number.hpp"

namespace hdl::synth::tool {

namespace {

constexpr const char *DEFAULT_AS_OF = "2025-01-01";

[[noreturn]] void
Fail(const std::string &message) {
	throw Error(ErrorKind::InvalidParameter, message, {}, "Run hdl-synth --help for the usage.");
}

uint64_t
ParseCount(const std::string &option, const std::string &text) {
	if (text.empty() || text.size() > 19 ||
	    !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
		Fail(option + " needs a non-negative whole number, not \"" + text + "\"");
	}
	return std::stoull(text);
}

std::vector<FeedKind>
ParseFeeds(const std::string &text) {
	std::vector<bool> wanted(AllFeeds().size(), false);
	std::size_t start = 0;
	while (start <= text.size()) {
		const std::size_t comma = std::min(text.find(',', start), text.size());
		const std::string name = text.substr(start, comma - start);
		const FeedInfo *feed = FindFeed(name);
		if (feed == nullptr) {
			Fail("unknown feed \"" + name +
			     "\" in --feeds (known: gp, acute, ambulance, nhs111, mental-health)");
		}
		wanted[static_cast<std::size_t>(feed->kind)] = true;
		start = comma + 1;
	}
	std::vector<FeedKind> feeds;
	for (const FeedInfo &feed : AllFeeds()) {
		if (wanted[static_cast<std::size_t>(feed.kind)]) {
			feeds.push_back(feed.kind);
		}
	}
	return feeds;
}

} // namespace

std::string
UsageText() {
	return "Usage: hdl-synth --out DIR [options]\n"
	       "\n"
	       "Generates synthetic, UK-flavoured FHIR R4 records for a population of made-up patients,\n"
	       "as seen by up to five NHS provider feeds. Output depends only on the options: the same\n"
	       "seed and options always give byte-identical files.\n"
	       "\n"
	       "Options:\n"
	       "  --out DIR          directory to write into (created if missing; existing output files\n"
	       "                     are overwritten). Required.\n"
	       "  --patients N       number of people to generate (default 100, at most 900000).\n"
	       "  --seed S           seed for the pseudo-random generator (default 1).\n"
	       "  --format F         bundles: one FHIR transaction Bundle per patient per feed, one Bundle\n"
	       "                       per line, in DIR/<feed>.bundles.ndjson (default);\n"
	       "                     ndjson: FHIR Bulk Data style, DIR/<feed>/<ResourceType>.ndjson plus\n"
	       "                       DIR/<feed>/manifest.json.\n"
	       "  --feeds LIST       comma-separated feeds to write (default all five):\n"
	       "                       gp             GP practice (sees every patient)\n"
	       "                       acute          acute hospital trust\n"
	       "                       ambulance      ambulance trust\n"
	       "                       nhs111         NHS 111 service\n"
	       "                       mental-health  mental health trust\n"
	       "  --as-of YYYY-MM-DD the day the extract is taken (default " +
	       std::string(DEFAULT_AS_OF) +
	       "): ages are computed on it,\n"
	       "                     every record is dated before it, and it is the manifest's transactionTime.\n"
	       "  --progress-every N report progress to stderr every N patients (default 10000).\n"
	       "  --quiet            no progress or summary on stderr.\n"
	       "  --help             show this text and exit.\n"
	       "\n"
	       "Each feed emits, for the patients it sees, Patient (NHS number plus the feed's local\n"
	       "identifier), Encounter, Observation, Condition, MedicationRequest, Procedure and\n"
	       "AllergyIntolerance, and the Organization and Practitioner resources they reference.\n"
	       "NHS numbers are valid but lie in the 999 test range; telephone numbers are Ofcom drama numbers.\n"
	       "\n"
	       "Exit status: 0 on success, 2 for bad options, 1 when writing fails.\n";
}

Options
ParseOptions(const std::vector<std::string> &args) {
	Options options;
	if (!ParseDate(DEFAULT_AS_OF, options.as_of_day)) {
		Fail("bad built-in as-of date");
	}
	for (const FeedInfo &feed : AllFeeds()) {
		options.feeds.push_back(feed.kind);
	}
	for (std::size_t i = 0; i < args.size(); ++i) {
		std::string name = args[i];
		std::string value;
		bool has_value = false;
		const std::size_t equals = name.find('=');
		if (name.rfind("--", 0) == 0 && equals != std::string::npos) {
			value = name.substr(equals + 1);
			name = name.substr(0, equals);
			has_value = true;
		}
		auto take_value = [&]() -> std::string {
			if (has_value) {
				return value;
			}
			if (i + 1 >= args.size()) {
				Fail(name + " needs a value");
			}
			return args[++i];
		};
		if (name == "--help" || name == "-h") {
			options.help = true;
		} else if (name == "--quiet" || name == "-q") {
			options.quiet = true;
		} else if (name == "--patients") {
			options.patients = ParseCount(name, take_value());
			if (options.patients > MAX_SYNTHETIC_NHS_NUMBERS) {
				Fail("--patients can be at most " + std::to_string(MAX_SYNTHETIC_NHS_NUMBERS) +
				     " (the size of the NHS number test range)");
			}
		} else if (name == "--seed") {
			options.seed = ParseCount(name, take_value());
		} else if (name == "--out") {
			options.out_dir = take_value();
			if (options.out_dir.empty()) {
				Fail("--out needs a directory");
			}
		} else if (name == "--format") {
			const std::string format = take_value();
			if (format == "bundles") {
				options.format = OutputFormat::Bundles;
			} else if (format == "ndjson") {
				options.format = OutputFormat::Ndjson;
			} else {
				Fail("--format must be bundles or ndjson, not \"" + format + "\"");
			}
		} else if (name == "--feeds") {
			options.feeds = ParseFeeds(take_value());
		} else if (name == "--as-of") {
			const std::string date = take_value();
			if (!ParseDate(date, options.as_of_day)) {
				Fail("--as-of needs a date written YYYY-MM-DD, not \"" + date + "\"");
			}
		} else if (name == "--progress-every") {
			options.progress_every = ParseCount(name, take_value());
		} else {
			Fail("unknown option \"" + args[i] + "\"");
		}
	}
	if (!options.help && options.out_dir.empty()) {
		Fail("--out DIR is required");
	}
	return options;
}

} // namespace hdl::synth::tool
