# hdl: the PGXS build of record (make, make install, make installcheck).
# CMakeLists.txt builds the same core for unit tests; scripts/check-source-lists.sh keeps them in step.

EXTENSION_NAME = hdl
EXTVERSION := $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" control/hdl.control)

# Core areas compiled into the module (the same list as HDL_CORE_AREAS in CMakeLists.txt).
CORE_AREAS = calendar json fhir ingest pseudo etl fhirpath sof s3
# Capability folders, in the order their SQL fragments build the install script.
SQL_ORDER = base ingest pseudo audit catalog api sof etl fdw console governance backup

CORE_SRCS := $(foreach area,$(CORE_AREAS),$(shell find src/core/$(area) -name '*.cpp' 2>/dev/null | sort))
EXT_SRCS := $(shell find src -name '*.cpp' -not -path 'src/core/*' | sort)
SRCS = $(EXT_SRCS) $(CORE_SRCS)

MODULE_big = hdl
OBJS = $(SRCS:.cpp=.o)
MODULEDIR = extension
DATA = control/hdl.control $(wildcard control/hdl--*--*.sql)
DATA_built = hdl--$(EXTVERSION).sql
EXTRA_CLEAN = $(DATA_built) results regression.diffs regression.out tmp_check output_iso log

PG_CONFIG ?= pg_config
# clang-14 bitcode builds would ignore -std=c++17: no LLVM JIT bitcode for this module.
override with_llvm = no

PG_CPPFLAGS = -Isrc -DHDL_VERSION='"$(EXTVERSION)"'
PG_CXXFLAGS = -std=c++17 -Wall -Wextra -Wshadow -Wno-register -Wno-missing-field-initializers -Wno-clobbered -Wno-unused-parameter
# -O3 over the server's -O2: the JSONB walkers and the FHIRPath paths gain 5-8% (bench/marts).
PG_CXXFLAGS += -O3
ifeq ($(WERROR),1)
PG_CXXFLAGS += -Werror
endif
SHLIB_LINK = -lcurl -lcrypto -lz -lstdc++

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS compiles C++ with CXXFLAGS, which it derives from the server's CFLAGS; keep C-only flags out.
override CXXFLAGS := $(filter-out -Wmissing-prototypes -Wdeclaration-after-statement -Wno-format-truncation -Wno-stringop-truncation,$(CXXFLAGS))

# Header changes rebuild their dependants without make clean.
override CPPFLAGS += -MMD -MP
-include $(OBJS:.o=.d)

hdl--$(EXTVERSION).sql: $(foreach cap,$(SQL_ORDER),$(sort $(wildcard src/$(cap)/*.sql))) control/hdl.control
	cat $(foreach cap,$(SQL_ORDER),$(sort $(wildcard src/$(cap)/*.sql))) > $@

print-sources:
	@echo $(SRCS) | tr ' ' '\n' | sort

# The ingest_generator test runs the project's generator (tools/hdl-synth, a CMake target):
# $(HDL_SYNTH) when set, else build/tools/hdl-synth/hdl-synth, built here when it is missing and
# build/ is a CMake tree. Without it that test is skipped, and this says so.
HDL_SYNTH ?= $(CURDIR)/build/tools/hdl-synth/hdl-synth
export HDL_SYNTH
synth-for-tests:
	@if [ ! -x "$(HDL_SYNTH)" ] && [ -f build/CMakeCache.txt ] && command -v cmake >/dev/null; then \
		echo "building the generator for ingest_generator: cmake --build build --target hdl-synth"; \
		cmake --build build --target hdl-synth -j2 >/dev/null || echo "hdl-synth did not build"; \
	fi
	@[ -x "$(HDL_SYNTH)" ] || echo "NOTE: ingest_generator will be skipped: no generator at $(HDL_SYNTH) (build it: cmake -S . -B build && cmake --build build --target hdl-synth; or set HDL_SYNTH)"

# Tests: pg_regress against a temporary instance with hdl preloaded, then isolation specs.
REGRESS_OPTS = --temp-instance=./tmp_check --temp-config=test/regress.conf --load-extension=pgcrypto \
	--schedule=test/schedule --dlpath=$(CURDIR)
ISOLATION_SPECS = $(sort $(wildcard specs/*.spec))
# hdl refuses a key file others can read, and git checks files out 0644.
test-keys:
	chmod 0600 test/regress.keys
installcheck: all test-keys synth-for-tests
	$(pg_regress_installcheck) $(REGRESS_OPTS)
ifneq ($(ISOLATION_SPECS),)
	$(pg_isolation_regress_installcheck) --temp-instance=./tmp_check_iso --temp-config=test/regress.conf \
		--load-extension=pgcrypto --load-extension=hdl --inputdir=./ --outputdir=./output_iso \
		$(basename $(notdir $(ISOLATION_SPECS)))
endif

# Developers: a subset of the regress tests (names from test/schedule; list "extension" first),
# or the isolation specs alone: make installcheck-tests TESTS="extension ingest_api"; make isolationcheck.
installcheck-tests: all test-keys synth-for-tests
	$(pg_regress_installcheck) $(filter-out --schedule=%,$(REGRESS_OPTS)) $(TESTS)
SPECS ?= $(basename $(notdir $(ISOLATION_SPECS)))
isolationcheck: all test-keys
	$(pg_isolation_regress_installcheck) --temp-instance=./tmp_check_iso --temp-config=test/regress.conf \
		--load-extension=pgcrypto --load-extension=hdl --inputdir=./ --outputdir=./output_iso $(SPECS)

.PHONY: print-sources installcheck-tests isolationcheck test-keys synth-for-tests

# TAP tests (t/*.pl with PostgreSQL::Test::Cluster): the ETL launcher and workers on real
# clusters, and the console page in headless Chromium. Run after make install, not as root.
# (Not TAP_TESTS = 1: that would add prove to PGXS's installcheck, which this file defines.)
PROVE_FLAGS = --timer
prove-installcheck: all
	$(prove_installcheck)

.PHONY: prove-installcheck
