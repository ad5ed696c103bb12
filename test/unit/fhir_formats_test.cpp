// The hand-written checkers of R4 primitive formats, and Reference string parsing.
#include <gtest/gtest.h>

#include "core/fhir/formats.hpp"
#include "core/fhir/reference.hpp"

using namespace hdl::fhir;

TEST(FhirFormats, Dates) {
	for (const char *ok : {"2019", "2019-05", "2019-05-31", "2000-02-29", "0001", "1900-12-31"})
		EXPECT_TRUE(IsValidDate(ok)) << ok;
	for (const char *bad : {"", "0000", "19", "2019-5", "2019-00", "2019-13", "2019-02-29", "1900-02-29",
	                        "2019-04-31", "2019-05-31T10:00:00Z", "2019-05-31 ", "2019/05/31"})
		EXPECT_FALSE(IsValidDate(bad)) << bad;
}

TEST(FhirFormats, DateTimesAndInstants) {
	for (const char *ok :
	     {"2019", "2019-05", "2019-05-31", "2019-05-31T10:00:00Z", "2019-05-31T23:59:60.5+14:00",
	      "2019-05-31T10:00:00.123456-04:00", "2019-05-31T00:00:00-13:59"})
		EXPECT_TRUE(IsValidDateTime(ok)) << ok;
	for (const char *bad :
	     {"2019-05-31T10:00", "2019-05-31T10:00:00", "2019-05-31T24:00:00Z", "2019-05-31T10:60:00Z",
	      "2019-05-31T10:00:61Z", "2019-05-31T10:00:00.Z", "2019-05-31T10:00:00+14:01",
	      "2019-05-31T10:00:00+1400", "2019-05T10:00:00Z", "2019-05-31T10:00:00Zx"})
		EXPECT_FALSE(IsValidDateTime(bad)) << bad;
	EXPECT_TRUE(IsValidInstant("2019-05-31T10:00:00.000Z"));
	EXPECT_FALSE(IsValidInstant("2019-05-31"));
	EXPECT_TRUE(IsValidTime("23:59:59.999"));
	EXPECT_FALSE(IsValidTime("23:59"));
}

TEST(FhirFormats, Strings) {
	EXPECT_TRUE(IsValidId("a-B.9"));
	EXPECT_FALSE(IsValidId("a_b"));
	EXPECT_TRUE(IsValidCode("a b"));
	for (const char *bad : {"", " a", "a ", "a  b", "a\tb c\n"})
		EXPECT_FALSE(IsValidCode(bad)) << bad;
	EXPECT_TRUE(IsValidUri("http://hl7.org/fhir?x=1|2"));
	EXPECT_FALSE(IsValidUri("http://x y"));
	EXPECT_FALSE(IsValidUri(""));
	EXPECT_TRUE(IsValidOid("urn:oid:2.16.840.1.113883.6.238"));
	for (const char *bad : {"urn:oid:3.1", "urn:oid:1", "urn:oid:1.02", "urn:oid:1.", "oid:1.2"})
		EXPECT_FALSE(IsValidOid(bad)) << bad;
	EXPECT_TRUE(IsValidUuid("urn:uuid:7f1c1a30-2a36-4b0b-9b1e-2d5a1b9f0c11"));
	EXPECT_FALSE(IsValidUuid("urn:uuid:7F1C1A30-2a36-4b0b-9b1e-2d5a1b9f0c11"));
	EXPECT_TRUE(IsValidBase64("SGVsbG8="));
	EXPECT_TRUE(IsValidBase64("SGVs\nbG8="));
	EXPECT_FALSE(IsValidBase64("SGV sbG8="));
	EXPECT_FALSE(IsValidBase64("SGVsbG8"));
	EXPECT_FALSE(IsValidBase64(""));
	EXPECT_TRUE(IsValidString(" x\n"));
	EXPECT_FALSE(IsValidString(""));
	EXPECT_TRUE(IsValidXhtml("<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"));
	EXPECT_FALSE(IsValidXhtml("plain text"));
}

TEST(FhirFormats, Integers) {
	using hdl::fhir::r4::Primitive;
	EXPECT_TRUE(IsValidIntegerValue(Primitive::Integer, -2147483648LL));
	EXPECT_FALSE(IsValidIntegerValue(Primitive::Integer, 2147483648LL));
	EXPECT_FALSE(IsValidIntegerValue(Primitive::PositiveInt, 0));
	EXPECT_TRUE(IsValidIntegerValue(Primitive::UnsignedInt, 0));
	EXPECT_FALSE(IsValidIntegerValue(Primitive::UnsignedInt, -1));
}

TEST(FhirReference, Forms) {
	auto r = ParseReference("Patient/123/_history/2");
	EXPECT_EQ(r.kind, ReferenceKind::Relative);
	EXPECT_EQ(r.type, "Patient");
	EXPECT_EQ(r.id, "123");
	EXPECT_EQ(r.version, "2");
	r = ParseReference("Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|999");
	EXPECT_EQ(r.kind, ReferenceKind::Conditional);
	EXPECT_EQ(r.type, "Practitioner");
	EXPECT_EQ(r.query, "identifier=http://hl7.org/fhir/sid/us-npi|999");
	r = ParseReference("https://example.org/fhir/Observation/7");
	EXPECT_EQ(r.kind, ReferenceKind::Absolute);
	EXPECT_EQ(r.type, "Observation");
	EXPECT_EQ(r.id, "7");
	EXPECT_EQ(ParseReference("#p1").kind, ReferenceKind::Local);
	EXPECT_EQ(ParseReference("#").kind, ReferenceKind::Local);
	EXPECT_EQ(ParseReference("urn:uuid:7f1c1a30-2a36-4b0b-9b1e-2d5a1b9f0c11").kind, ReferenceKind::UrnUuid);
	EXPECT_EQ(ParseReference("urn:oid:1.2.3").kind, ReferenceKind::UrnOid);
	// urn:uuid: needs a value, not a UUID (issue #17; see ParseReference)
	EXPECT_EQ(ParseReference("urn:uuid:x").kind, ReferenceKind::UrnUuid);
	EXPECT_EQ(ParseReference("urn:uuid:x").id, "urn:uuid:x");
	EXPECT_EQ(ParseReference("urn:uuid:23ac0bc6-0959-4181-8af0-6db5e2ef8176-X").kind, ReferenceKind::UrnUuid);
	for (const char *bad : {"", "Patient", "Patient/", "Patinet/1", "Patient/1 2", "Patient/a/b",
	                        "urn:uuid:", "urn:uuid:a b", "urn:uuid:a\t", "#a b", "Foo?x=1", "Patient?",
	                        "http://"})
		EXPECT_EQ(ParseReference(bad).kind, ReferenceKind::Invalid) << bad;
}

// The R4 string limit counts code points (issue #17).
TEST(FhirFormats, StringLength) {
	using hdl::fhir::r4::Primitive;
	EXPECT_EQ(kMaxStringCharacters, 1048576u);
	EXPECT_EQ(CountCodePoints(""), 0u);
	EXPECT_EQ(CountCodePoints("abc"), 3u);
	EXPECT_EQ(CountCodePoints("\u00e9t\u00e9"), 3u);      // 2-byte characters
	EXPECT_EQ(CountCodePoints("\u20ac\U0001F600"), 2u);   // 3 and 4 bytes
	for (auto kind : {Primitive::String, Primitive::Code, Primitive::Id, Primitive::Markdown})
		EXPECT_TRUE(IsStringDerived(kind)) << PrimitiveName(kind);
	for (auto kind : {Primitive::Base64Binary, Primitive::Uri, Primitive::Url, Primitive::Canonical, Primitive::Oid,
	                  Primitive::Uuid, Primitive::Xhtml, Primitive::Date, Primitive::DateTime, Primitive::Instant,
	                  Primitive::Time, Primitive::Boolean, Primitive::Integer, Primitive::Decimal})
		EXPECT_FALSE(IsStringDerived(kind)) << PrimitiveName(kind);
}
