src/core/fhir/r4_schema.o: src/core/fhir/r4_schema.cpp \
 src/core/fhir/r4_schema.hpp src/core/cpp_only.hpp \
 src/core/fhir/r4_tables.inc
src/core/fhir/r4_schema.hpp:
src/core/cpp_only.hpp:
src/core/fhir/r4_tables.inc:
