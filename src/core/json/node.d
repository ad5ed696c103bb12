src/core/json/node.o: src/core/json/node.cpp src/core/json/node.hpp \
 src/core/cpp_only.hpp src/core/json/backends.hpp
src/core/json/node.hpp:
src/core/cpp_only.hpp:
src/core/json/backends.hpp:
