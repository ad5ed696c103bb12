// Provider isolation in the core pipeline (docs/ingest.md, "Ownership", "Patients"): a source's
// Patient record id is its organisation and the pseudonym's prefix, always a valid FHIR id; a
// write to another source's record is a permission error (42501), whatever else is wrong with it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/ingest/outcome.hpp"
#include "core/ingest/patients.hpp"

namespace {

using hdl::ingest::PatientRecordId;
using hdl::ingest::Problem;

const std::string Pseudonym = "3f2a9c0d4b5e6f708192a3b4c5d6e7f80912a3b4c5d6e7f8091a2b3c4d5e6f70"; // 64 hex

Problem
Issue(const std::string &code) {
	Problem p;
	p.code = code;
	p.message = code + " problem";
	p.expression = "Observation.id";
	return p;
}

TEST(PatientRecordId, OrganisationDotPseudonymPrefixWithinSixtyFourCharacters) {
	EXPECT_EQ(PatientRecordId("B86001", Pseudonym), "B86001." + Pseudonym.substr(0, 57));
	EXPECT_EQ(PatientRecordId("B86001", Pseudonym).size(), 64u);
	// the longest org code hdl.source allows (20 characters) still keeps 43 hex digits (172 bits)
	std::string longest(20, 'X');
	EXPECT_EQ(PatientRecordId(longest, Pseudonym), longest + "." + Pseudonym.substr(0, 43));
	EXPECT_EQ(PatientRecordId(longest, Pseudonym).size(), 64u);
}

TEST(PatientRecordId, DeterministicPerSourceAndPerson) {
	EXPECT_EQ(PatientRecordId("RXX", Pseudonym), PatientRecordId("RXX", Pseudonym));
	EXPECT_NE(PatientRecordId("RXX", Pseudonym), PatientRecordId("RYY", Pseudonym));
	std::string other = Pseudonym;
	other[0] = 'a';
	EXPECT_NE(PatientRecordId("RXX", Pseudonym), PatientRecordId("RXX", other));
	// a short (or empty) pseudonym is kept whole: nothing is invented
	EXPECT_EQ(PatientRecordId("RXX", "abc"), "RXX.abc");
	EXPECT_EQ(PatientRecordId("RXX", ""), "RXX.");
}

TEST(OwnershipRefusal, ForbiddenIsPermissionDeniedBeforeAnyOtherKind) {
	EXPECT_EQ(hdl::ingest::KindOf({Issue("forbidden")}), hdl::ErrorKind::PermissionDenied);
	EXPECT_EQ(hdl::ingest::KindOf({Issue("conflict"), Issue("forbidden")}), hdl::ErrorKind::PermissionDenied);
	EXPECT_EQ(hdl::ingest::KindOf({Issue("not-supported"), Issue("forbidden")}), hdl::ErrorKind::PermissionDenied);
	EXPECT_EQ(hdl::ingest::KindOf({Issue("conflict")}), hdl::ErrorKind::VersionConflict);
}

TEST(OwnershipRefusal, FailCarriesTheOperationOutcome) {
	try {
		hdl::ingest::Fail({Issue("forbidden")});
		FAIL() << "Fail returned";
	} catch (const hdl::Error &e) {
		EXPECT_EQ(e.kind(), hdl::ErrorKind::PermissionDenied);
		EXPECT_EQ(std::string(e.what()), "FHIR write refused: at Observation.id: forbidden problem");
		EXPECT_NE(std::string(e.detail()).find("\"code\":\"forbidden\""), std::string::npos);
	}
}

} // namespace
