src/core/fhir/formats.o: src/core/fhir/formats.cpp \
 src/core/fhir/formats.hpp src/core/fhir/r4_schema.hpp \
 src/core/cpp_only.hpp
src/core/fhir/formats.hpp:
src/core/fhir/r4_schema.hpp:
src/core/cpp_only.hpp:
