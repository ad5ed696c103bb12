src/core/json/nlohmann_node.o: src/core/json/nlohmann_node.cpp \
 src/core/json/nlohmann_node.hpp src/core/json/node.hpp \
 src/core/cpp_only.hpp src/core/json/backends.hpp
src/core/json/nlohmann_node.hpp:
src/core/json/node.hpp:
src/core/cpp_only.hpp:
src/core/json/backends.hpp:
