// The one place that includes Postgres's C headers into C++ files. Include it after every
// standard and third-party C++ header: Postgres's port.h redefines snprintf and friends and
// its c.h defines macros (Min, Max, _) that break libstdc++ headers included later.
#pragma once

extern "C" {
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/elog.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
}
