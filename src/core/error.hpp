// The one exception type of hdl's C++ code. Each kind maps to exactly one SQLSTATE in
// src/pg/errors.cpp; core code throws, the boundary layer reports.
#pragma once
#include <stdexcept>
#include <string>

namespace hdl {

enum class ErrorKind {
	InvalidParameter,   // a caller passed a bad argument (22023)
	InvalidJson,        // not JSON, or the wrong JSON shape (22032)
	FhirInvalid,        // FHIR validation failed; detail holds an OperationOutcome (22P02 is not used: see docs/errors.md)
	NotFound,           // resource, mart, job or object does not exist (P0002)
	VersionConflict,    // ifMatch / version precondition failed (40001)
	Duplicate,          // something with that name already exists (42710)
	PermissionDenied,   // caller lacks a privilege (42501)
	NotSupported,       // an operation hdl refuses by design, e.g. DELETE entries (0A000)
	ExternalService,    // S3 or another remote answered with an error (58030)
	ConfigLimit,        // a configured limit was hit (53400)
	NotConfigured,      // a required setting (e.g. a key) is missing (55000)
	ConfigFile,         // a file or command the configuration names is unusable, e.g. the key file (F0000)
	TooDeep,            // input nests deeper than a recursion budget allows (54001, see core/depth.hpp)
	Internal            // a bug in hdl (XX000)
};

class Error : public std::runtime_error {
public:
	Error(ErrorKind kind, const std::string &message, std::string detail = {}, std::string hint = {})
	    : std::runtime_error(message), kind_(kind), detail_(std::move(detail)), hint_(std::move(hint)) {
	}

	ErrorKind
	kind() const noexcept {
		return kind_;
	}
	const std::string &
	detail() const noexcept {
		return detail_;
	}
	const std::string &
	hint() const noexcept {
		return hint_;
	}
	// The detail the server log gets instead of detail(), when that may quote submitted values
	// (an OperationOutcome's diagnostics); empty: the boundary decides (src/pg/errors.cpp).
	const std::string &
	log_detail() const noexcept {
		return log_detail_;
	}
	Error &
	WithLogDetail(std::string log_detail) {
		log_detail_ = std::move(log_detail);
		return *this;
	}

private:
	ErrorKind kind_;
	std::string detail_;
	std::string hint_;
	std::string log_detail_;
};

} // namespace hdl

#include "core/cpp_only.hpp"
