#include "writers.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/error.hpp"
#include "core/synth/calendar.hpp"

namespace hdl::synth::tool {

namespace {

namespace fs = std::filesystem;

// Types in the order the manifest lists them.
const char *const RESOURCE_TYPES[] = {"Organization",      "Practitioner", "Patient",
                                      "Encounter",         "Observation",  "Condition",
                                      "MedicationRequest", "Procedure",    "AllergyIntolerance"};
constexpr std::size_t TYPE_COUNT = sizeof RESOURCE_TYPES / sizeof RESOURCE_TYPES[0];

// A buffered output file that reports failures as hdl::Error.
class OutputFile {
public:
	explicit OutputFile(fs::path path) : path_(std::move(path)) {
		file_ = std::fopen(path_.c_str(), "wb");
		if (file_ == nullptr) {
			throw Error(ErrorKind::InvalidParameter,
			            "cannot create " + path_.string() + ": " + std::strerror(errno));
		}
		std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
	}
	~OutputFile() {
		if (file_ != nullptr) {
			std::fclose(file_);
		}
	}
	OutputFile(const OutputFile &) = delete;
	OutputFile &operator=(const OutputFile &) = delete;

	void
	WriteLine(const std::string &line) {
		if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() ||
		    std::fputc('\n', file_) == EOF) {
			Fail();
		}
	}
	void
	Close() {
		FILE *file = file_;
		file_ = nullptr;
		if (std::ferror(file) != 0 || std::fclose(file) != 0) {
			Fail();
		}
	}

private:
	[[noreturn]] void
	Fail() {
		throw Error(ErrorKind::ExternalService,
		            "cannot write " + path_.string() + ": " + std::strerror(errno));
	}

	fs::path path_;
	FILE *file_ = nullptr;
};

void
CreateDirectories(const fs::path &dir) {
	std::error_code error;
	fs::create_directories(dir, error);
	if (error) {
		throw Error(ErrorKind::InvalidParameter,
		            "cannot create directory " + dir.string() + ": " + error.message());
	}
}

class BundleWriter : public FeedWriter {
public:
	BundleWriter(const FeedInfo &feed, const std::string &out_dir) {
		CreateDirectories(out_dir);
		file_ =
		    std::make_unique<OutputFile>(fs::path(out_dir) / (std::string(feed.name) + ".bundles.ndjson"));
	}

	void
	WriteRecord(std::deque<Entry> &entries) override {
		Json bundle = Json::object();
		bundle["resourceType"] = "Bundle";
		bundle["type"] = "transaction";
		Json list = Json::array();
		for (Entry &entry : entries) {
			Json item = Json::object();
			item["fullUrl"] = "urn:uuid:" + entry.uuid;
			item["resource"] = std::move(entry.resource);
			Json request = Json::object();
			request["method"] = "POST";
			request["url"] = entry.type;
			if (!entry.if_none_exist.empty()) {
				request["ifNoneExist"] = std::move(entry.if_none_exist);
			}
			item["request"] = std::move(request);
			list.push_back(std::move(item));
		}
		resources_written_ += entries.size();
		bundle["entry"] = std::move(list);
		file_->WriteLine(bundle.dump());
	}

	void
	Finish() override {
		file_->Close();
	}

private:
	std::unique_ptr<OutputFile> file_;
};

class NdjsonWriter : public FeedWriter {
public:
	NdjsonWriter(const FeedInfo &feed, const std::string &out_dir, int64_t as_of_day)
	    : feed_(feed), dir_(fs::path(out_dir) / feed.name), as_of_day_(as_of_day) {
		CreateDirectories(dir_);
		// Remove files an earlier run may have left, so the directory matches the manifest.
		for (const char *type : RESOURCE_TYPES) {
			std::error_code ignored;
			fs::remove(dir_ / (std::string(type) + ".ndjson"), ignored);
		}
		Write("Organization", OrganizationResource(feed, true));
		if (feed.kind != FeedKind::Gp) {
			Write("Organization", OrganizationResource(Feed(FeedKind::Gp), true));
		}
		for (const Clinician &clinician : feed.clinicians) {
			Write("Practitioner", PractitionerResource(clinician, true));
		}
	}

	void
	WriteRecord(std::deque<Entry> &entries) override {
		for (const Entry &entry : entries) {
			if (!entry.shared) {
				Write(entry.type, entry.resource);
			}
		}
	}

	void
	Finish() override {
		Json output = Json::array();
		for (std::size_t i = 0; i < TYPE_COUNT; ++i) {
			if (files_[i] == nullptr) {
				continue;
			}
			files_[i]->Close();
			Json item = Json::object();
			item["type"] = RESOURCE_TYPES[i];
			item["url"] = std::string(RESOURCE_TYPES[i]) + ".ndjson";
			item["count"] = counts_[i];
			output.push_back(std::move(item));
		}
		Json manifest = Json::object();
		manifest["transactionTime"] = FormatUtcInstant(as_of_day_ * SECONDS_PER_DAY);
		manifest["request"] = std::string("https://") + feed_.name + ".example.nhs.uk/fhir/$export";
		manifest["requiresAccessToken"] = false;
		manifest["output"] = std::move(output);
		manifest["error"] = Json::array();
		OutputFile file(dir_ / "manifest.json");
		file.WriteLine(manifest.dump(2));
		file.Close();
	}

private:
	void
	Write(const char *type, const Json &resource) {
		std::size_t slot = 0;
		while (slot < TYPE_COUNT && std::strcmp(RESOURCE_TYPES[slot], type) != 0) {
			++slot;
		}
		if (slot == TYPE_COUNT) {
			throw Error(ErrorKind::Internal, std::string("no ndjson file for resource type ") + type);
		}
		if (files_[slot] == nullptr) {
			files_[slot] = std::make_unique<OutputFile>(dir_ / (std::string(type) + ".ndjson"));
		}
		files_[slot]->WriteLine(resource.dump());
		++counts_[slot];
		++resources_written_;
	}

	const FeedInfo &feed_;
	fs::path dir_;
	int64_t as_of_day_;
	std::unique_ptr<OutputFile> files_[TYPE_COUNT];
	uint64_t counts_[TYPE_COUNT] = {};
};

} // namespace

std::unique_ptr<FeedWriter>
MakeBundleWriter(const FeedInfo &feed, const std::string &out_dir) {
	return std::make_unique<BundleWriter>(feed, out_dir);
}

std::unique_ptr<FeedWriter>
MakeNdjsonWriter(const FeedInfo &feed, const std::string &out_dir, int64_t as_of_day) {
	return std::make_unique<NdjsonWriter>(feed, out_dir, as_of_day);
}

} // namespace hdl::synth::tool
