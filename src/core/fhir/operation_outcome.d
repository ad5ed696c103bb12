src/core/fhir/operation_outcome.o: src/core/fhir/operation_outcome.cpp \
 src/core/fhir/operation_outcome.hpp src/core/fhir/validator.hpp \
 src/core/json/node.hpp src/core/cpp_only.hpp
src/core/fhir/operation_outcome.hpp:
src/core/fhir/validator.hpp:
src/core/json/node.hpp:
src/core/cpp_only.hpp:
