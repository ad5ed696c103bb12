src/core/fhir/element_path.o: src/core/fhir/element_path.cpp \
 src/core/fhir/element_path.hpp src/core/cpp_only.hpp
src/core/fhir/element_path.hpp:
src/core/cpp_only.hpp:
