src/core/json/jsonb_format.o: src/core/json/jsonb_format.cpp \
 src/core/json/jsonb_format.hpp src/core/json/node.hpp \
 src/core/cpp_only.hpp src/core/error.hpp src/core/json/backends.hpp \
 src/core/json/nlohmann_node.hpp
src/core/json/jsonb_format.hpp:
src/core/json/node.hpp:
src/core/cpp_only.hpp:
src/core/error.hpp:
src/core/json/backends.hpp:
src/core/json/nlohmann_node.hpp:
