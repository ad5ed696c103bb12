src/core/ingest/pipeline.o: src/core/ingest/pipeline.cpp \
 src/core/ingest/pipeline.hpp src/core/ingest/outcome.hpp \
 src/core/error.hpp src/core/cpp_only.hpp src/core/ingest/store.hpp \
 src/core/ingest/request.hpp src/core/json/node.hpp \
 src/core/ingest/transform.hpp src/core/json/jsonb_format.hpp \
 src/core/json/nlohmann_node.hpp
src/core/ingest/pipeline.hpp:
src/core/ingest/outcome.hpp:
src/core/error.hpp:
src/core/cpp_only.hpp:
src/core/ingest/store.hpp:
src/core/ingest/request.hpp:
src/core/json/node.hpp:
src/core/ingest/transform.hpp:
src/core/json/jsonb_format.hpp:
src/core/json/nlohmann_node.hpp:
