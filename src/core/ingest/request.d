src/core/ingest/request.o: src/core/ingest/request.cpp \
 src/core/ingest/request.hpp src/core/cpp_only.hpp src/core/error.hpp
src/core/ingest/request.hpp:
src/core/cpp_only.hpp:
src/core/error.hpp:
