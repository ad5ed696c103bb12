// Output of finished patient records: transaction Bundles one per line, or FHIR Bulk Data
// ndjson files with a manifest. Records are written as they come, so memory stays flat.
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "options.hpp"
#include "record.hpp"

namespace hdl::synth::tool {

class FeedWriter {
public:
	virtual ~FeedWriter() = default;
	// Writes one patient's record; may move resources out of the entries.
	virtual void WriteRecord(std::deque<Entry> &entries) = 0;
	// Flushes and closes the files (and writes the manifest); throws hdl::Error on I/O failure.
	virtual void Finish() = 0;

	uint64_t
	ResourcesWritten() const {
		return resources_written_;
	}

protected:
	uint64_t resources_written_ = 0;
};

// DIR/<feed>.bundles.ndjson
std::unique_ptr<FeedWriter> MakeBundleWriter(const FeedInfo &feed, const std::string &out_dir);

// DIR/<feed>/<ResourceType>.ndjson and DIR/<feed>/manifest.json
std::unique_ptr<FeedWriter> MakeNdjsonWriter(const FeedInfo &feed, const std::string &out_dir,
                                             int64_t as_of_day);

} // namespace hdl::synth::tool
