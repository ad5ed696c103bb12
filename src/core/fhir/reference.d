src/core/fhir/reference.o: src/core/fhir/reference.cpp \
 src/core/fhir/reference.hpp src/core/cpp_only.hpp \
 src/core/fhir/formats.hpp src/core/fhir/r4_schema.hpp
src/core/fhir/reference.hpp:
src/core/cpp_only.hpp:
src/core/fhir/formats.hpp:
src/core/fhir/r4_schema.hpp:
