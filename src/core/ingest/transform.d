src/core/ingest/transform.o: src/core/ingest/transform.cpp \
 src/core/ingest/transform.hpp src/core/cpp_only.hpp
src/core/ingest/transform.hpp:
src/core/cpp_only.hpp:
