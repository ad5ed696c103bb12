// Job kinds and retry backoff.
#include <gtest/gtest.h>

#include <climits>
#include <string>

#include "core/error.hpp"
#include "core/etl/job_kind.hpp"
#include "core/etl/retry.hpp"

using hdl::etl::JobKind;
using hdl::etl::JobKindName;
using hdl::etl::RetryDelaySeconds;
using hdl::etl::ValidateJobKind;

TEST(EtlJobKind, ValidKindsRoundTrip) {
	EXPECT_EQ(ValidateJobKind("refresh_mart"), JobKind::RefreshMart);
	EXPECT_EQ(ValidateJobKind("import_s3"), JobKind::ImportS3);
	EXPECT_EQ(ValidateJobKind("export_s3"), JobKind::ExportS3);
	EXPECT_EQ(ValidateJobKind("export_lake"), JobKind::ExportLake);
	EXPECT_EQ(ValidateJobKind("retention"), JobKind::Retention);
	EXPECT_EQ(ValidateJobKind("sql"), JobKind::Sql);
	for (JobKind kind : {JobKind::RefreshMart, JobKind::ImportS3, JobKind::ExportS3, JobKind::ExportLake, JobKind::Retention, JobKind::Sql})
		EXPECT_EQ(ValidateJobKind(JobKindName(kind)), kind);
}

TEST(EtlJobKind, UnknownKindListsTheValidOnes) {
	for (const char *bad : {"", "refresh", "import-s3", "sql ", "copy", "refresh_marts"}) {
		SCOPED_TRACE(bad);
		try {
			ValidateJobKind(bad);
			FAIL() << "accepted";
		} catch (const hdl::Error &e) {
			EXPECT_EQ(e.kind(), hdl::ErrorKind::InvalidParameter);
			EXPECT_EQ(std::string(e.what()), std::string("invalid ETL job kind: \"") + bad + "\"");
			EXPECT_EQ(e.detail(), "Valid kinds are refresh_mart, import_s3, export_s3, export_lake, retention and sql.");
			EXPECT_EQ(e.hint(), "");
		}
	}
}

TEST(EtlJobKind, WrongCaseGetsAHint) {
	try {
		ValidateJobKind("Import_S3");
		FAIL() << "accepted";
	} catch (const hdl::Error &e) {
		EXPECT_EQ(std::string(e.what()), "invalid ETL job kind: \"Import_S3\"");
		EXPECT_EQ(e.hint(), "Job kinds are lower case: perhaps you meant \"import_s3\".");
	}
}

TEST(EtlRetry, DoublesFromTheBase) {
	EXPECT_EQ(RetryDelaySeconds(1, 10, 3600), 10);
	EXPECT_EQ(RetryDelaySeconds(2, 10, 3600), 20);
	EXPECT_EQ(RetryDelaySeconds(3, 10, 3600), 40);
	EXPECT_EQ(RetryDelaySeconds(4, 10, 3600), 80);
	EXPECT_EQ(RetryDelaySeconds(9, 10, 3600), 2560);
	EXPECT_EQ(RetryDelaySeconds(1, 1, 1000), 1);
	EXPECT_EQ(RetryDelaySeconds(10, 1, 1000), 512);
}

TEST(EtlRetry, CappedAtTheMaximum) {
	EXPECT_EQ(RetryDelaySeconds(10, 10, 3600), 3600);
	EXPECT_EQ(RetryDelaySeconds(11, 10, 3600), 3600);
	EXPECT_EQ(RetryDelaySeconds(1000, 10, 3600), 3600);
	EXPECT_EQ(RetryDelaySeconds(INT_MAX, 10, 3600), 3600);
	EXPECT_EQ(RetryDelaySeconds(INT_MAX, INT_MAX, INT_MAX), INT_MAX);
	EXPECT_EQ(RetryDelaySeconds(40, 1, INT_MAX), INT_MAX);
	EXPECT_EQ(RetryDelaySeconds(31, 1, INT_MAX), int64_t {1} << 30);
	EXPECT_EQ(RetryDelaySeconds(1, 600, 60), 60); // a base above the cap is capped too
}

TEST(EtlRetry, NoDelayForMeaninglessInput) {
	EXPECT_EQ(RetryDelaySeconds(0, 10, 3600), 0);
	EXPECT_EQ(RetryDelaySeconds(-3, 10, 3600), 0);
	EXPECT_EQ(RetryDelaySeconds(INT_MIN, 10, 3600), 0);
	EXPECT_EQ(RetryDelaySeconds(3, 0, 3600), 0);
	EXPECT_EQ(RetryDelaySeconds(3, -5, 3600), 0);
	EXPECT_EQ(RetryDelaySeconds(3, 10, 0), 0);
	EXPECT_EQ(RetryDelaySeconds(3, 10, -1), 0);
}
