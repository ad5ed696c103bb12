src/core/fhir/validator_rules.o: src/core/fhir/validator_rules.cpp \
 src/core/fhir/reference.hpp src/core/cpp_only.hpp \
 src/core/fhir/validator_walk.hpp src/core/fhir/element_path.hpp \
 src/core/fhir/r4_schema.hpp src/core/fhir/validator.hpp \
 src/core/json/node.hpp
src/core/fhir/reference.hpp:
src/core/cpp_only.hpp:
src/core/fhir/validator_walk.hpp:
src/core/fhir/element_path.hpp:
src/core/fhir/r4_schema.hpp:
src/core/fhir/validator.hpp:
src/core/json/node.hpp:
