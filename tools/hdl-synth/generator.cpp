#include "generator.hpp"

#include <chrono>
#include <memory>

#include "core/error.hpp"
#include "core/synth/person.hpp"
#include "feed_content.hpp"
#include "writers.hpp"

namespace hdl::synth::tool {

GenerateStats
Generate(const Options &options, std::ostream *progress) {
	std::vector<std::unique_ptr<FeedWriter>> writers;
	for (FeedKind kind : options.feeds) {
		const FeedInfo &feed = Feed(kind);
		writers.push_back(options.format == OutputFormat::Bundles
		                      ? MakeBundleWriter(feed, options.out_dir)
		                      : MakeNdjsonWriter(feed, options.out_dir, options.as_of_day));
	}
	const bool bundles = options.format == OutputFormat::Bundles;
	GenerateStats stats;
	for (uint64_t index = 0; index < options.patients; ++index) {
		const Person person = MakePerson(options.seed, index, options.as_of_day);
		for (std::size_t f = 0; f < options.feeds.size(); ++f) {
			const FeedInfo &feed = Feed(options.feeds[f]);
			if (!FeedSeesPerson(feed.kind, person, options.seed)) {
				continue;
			}
			PatientRecord record(feed, person, options.seed, options.as_of_day, bundles);
			BuildFeedRecord(record);
			writers[f]->WriteRecord(record.Entries());
			++stats.records;
		}
		++stats.patients;
		if (progress != nullptr && options.progress_every > 0 &&
		    stats.patients % options.progress_every == 0 && stats.patients < options.patients) {
			uint64_t resources = 0;
			for (const auto &writer : writers) {
				resources += writer->ResourcesWritten();
			}
			*progress << "hdl-synth: " << stats.patients << " of " << options.patients << " patients, "
			          << resources << " resources" << std::endl;
		}
	}
	for (const auto &writer : writers) {
		writer->Finish();
		stats.resources += writer->ResourcesWritten();
	}
	return stats;
}

int
RunCli(const std::vector<std::string> &args, std::ostream &out, std::ostream &err) {
	Options options;
	try {
		options = ParseOptions(args);
	} catch (const Error &error) {
		err << "hdl-synth: " << error.what() << "\n" << error.hint() << "\n";
		return 2;
	}
	if (options.help) {
		out << UsageText();
		return 0;
	}
	try {
		const auto started = std::chrono::steady_clock::now();
		const GenerateStats stats = Generate(options, options.quiet ? nullptr : &err);
		const double seconds =
		    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
		if (!options.quiet) {
			err << "hdl-synth: wrote " << stats.resources << " resources (" << stats.records
			    << " patient records, " << stats.patients << " patients) to " << options.out_dir << " in "
			    << seconds << " s, "
			    << static_cast<uint64_t>(seconds > 0 ? static_cast<double>(stats.resources) / seconds : 0)
			    << " resources/s\n";
		}
		return 0;
	} catch (const std::exception &error) {
		err << "hdl-synth: " << error.what() << "\n";
		return 1;
	}
}

} // namespace hdl::synth::tool
