src/core/fhir/references.o: src/core/fhir/references.cpp \
 src/core/fhir/references.hpp src/core/fhir/element_path.hpp \
 src/core/cpp_only.hpp src/core/json/node.hpp src/core/fhir/r4_schema.hpp
src/core/fhir/references.hpp:
src/core/fhir/element_path.hpp:
src/core/cpp_only.hpp:
src/core/json/node.hpp:
src/core/fhir/r4_schema.hpp:
