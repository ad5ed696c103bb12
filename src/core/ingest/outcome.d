src/core/ingest/outcome.o: src/core/ingest/outcome.cpp \
 src/core/ingest/outcome.hpp src/core/error.hpp src/core/cpp_only.hpp
src/core/ingest/outcome.hpp:
src/core/error.hpp:
src/core/cpp_only.hpp:
