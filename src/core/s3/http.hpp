// One libcurl easy handle (kept for connection reuse) that performs a single HTTP exchange.
// Nothing here throws from inside a libcurl callback: failures are recorded and the callback
// returns libcurl's abort code; Perform reports them after curl_easy_perform has returned.
#pragma once
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <string_view>

#include "core/s3/sigv4.hpp"

namespace hdl::s3 {

// Receives a 2xx response body chunk by chunk. It may throw: the transfer stops and the
// exception is rethrown by the client once libcurl has returned.
using BodySink = std::function<void(const char *data, size_t size)>;
// Polled while a transfer runs (and between retries); returning true stops it.
using CancelHook = std::function<bool()>;

struct HttpRequest {
	std::string method; // GET, HEAD, PUT, POST, DELETE
	std::string url;    // fully encoded
	Params headers;     // sent as given
	std::string_view body;
};

struct HttpResponse {
	long status = 0;
	Params headers;   // names lower-cased, from the final response only
	std::string body; // the body when it was not given to a sink (error documents, listings)

	// Value of the first header with that (lower-case) name, or "".
	std::string Header(std::string_view name) const;
};

struct TransferOptions {
	std::chrono::milliseconds connect_timeout {10000};
	std::chrono::milliseconds request_timeout {0}; // 0: no limit on the whole exchange
	std::chrono::seconds low_speed_time {60};      // give up below 1 byte/s for this long
	bool verify_tls = true;
	CancelHook cancel;
};

enum class TransferStatus { Completed, CurlFailed, Cancelled, SinkFailed, BodyTooLarge };

struct TransferResult {
	TransferStatus status = TransferStatus::Completed;
	int curl_code = 0;      // CURLcode when status is CurlFailed
	std::string curl_error; // libcurl's message (host and port at most, never headers)
	std::exception_ptr sink_error;
	HttpResponse response;
	uint64_t delivered = 0; // body bytes handed to the sink
};

// Calls curl_global_init once per process (the only global state).
void EnsureCurlInitialized();

class HttpSession {
public:
	HttpSession();
	~HttpSession();
	HttpSession(const HttpSession &) = delete;
	HttpSession &operator=(const HttpSession &) = delete;

	// One exchange. A 2xx body goes to `sink` when one is given; any other body (and a 2xx body
	// without a sink) is kept in response.body, up to max_buffered bytes.
	TransferResult Perform(const HttpRequest &request, const TransferOptions &options, const BodySink *sink,
	                       size_t max_buffered = 64u << 20);

private:
	void *easy_; // CURL*
};

} // namespace hdl::s3

#include "core/cpp_only.hpp"
