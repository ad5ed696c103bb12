// libcurl transport for the S3 client. Every callback is noexcept in effect: it catches everything,
// records it in the TransferState and returns the code that makes libcurl stop.
#include "core/s3/http.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>

#include <curl/curl.h>

#include "core/error.hpp"

namespace hdl::s3 {

namespace {

struct TransferState {
	const BodySink *sink = nullptr;
	const CancelHook *cancel = nullptr;
	CURL *easy = nullptr;
	size_t max_buffered = 0;
	std::string_view upload;
	size_t upload_offset = 0;
	TransferResult result;
	bool cancelled = false;
	bool too_large = false;
};

std::string
LowerCase(std::string_view text) {
	std::string out(text);
	std::transform(out.begin(), out.end(), out.begin(),
	               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
	return out;
}

std::string_view
Trim(std::string_view text) {
	while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
		text.remove_prefix(1);
	}
	while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
		text.remove_suffix(1);
	}
	return text;
}

size_t
OnHeader(char *data, size_t size, size_t count, void *user) {
	auto *state = static_cast<TransferState *>(user);
	size_t total = size * count;
	try {
		std::string_view line(data, total);
		if (line.substr(0, 5) == "HTTP/") {
			state->result.response.headers.clear(); // a new response (after 100 Continue)
			return total;
		}
		size_t colon = line.find(':');
		if (colon != std::string_view::npos) {
			state->result.response.headers.emplace_back(LowerCase(Trim(line.substr(0, colon))),
			                                            std::string(Trim(line.substr(colon + 1))));
		}
		return total;
	} catch (...) {
		state->result.sink_error = std::current_exception();
		return 0;
	}
}

size_t
OnBody(char *data, size_t size, size_t count, void *user) {
	auto *state = static_cast<TransferState *>(user);
	size_t total = size * count;
	try {
		long status = 0;
		curl_easy_getinfo(state->easy, CURLINFO_RESPONSE_CODE, &status);
		if (state->sink != nullptr && status >= 200 && status < 300) {
			(*state->sink)(data, total);
			state->result.delivered += total;
			return total;
		}
		std::string &body = state->result.response.body;
		if (body.size() + total > state->max_buffered) {
			state->too_large = true;
			return 0;
		}
		body.append(data, total);
		return total;
	} catch (...) {
		state->result.sink_error = std::current_exception();
		return 0;
	}
}

size_t
OnUpload(char *buffer, size_t size, size_t count, void *user) {
	auto *state = static_cast<TransferState *>(user);
	size_t n = std::min(size * count, state->upload.size() - state->upload_offset);
	std::copy_n(state->upload.data() + state->upload_offset, n, buffer);
	state->upload_offset += n;
	return n;
}

int
OnProgress(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
	auto *state = static_cast<TransferState *>(user);
	if (state->cancel == nullptr || !*state->cancel) {
		return 0;
	}
	try {
		state->cancelled = (*state->cancel)();
	} catch (...) {
		state->cancelled = true; // a hook that fails is taken as a request to stop
	}
	return state->cancelled ? 1 : 0;
}

} // namespace

std::string
HttpResponse::Header(std::string_view name) const {
	for (const auto &[key, value] : headers) {
		if (key == name) {
			return value;
		}
	}
	return {};
}

void
EnsureCurlInitialized() {
	static std::once_flag once;
	std::call_once(once, [] {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			throw Error(ErrorKind::Internal, "curl_global_init failed");
		}
	});
}

HttpSession::HttpSession() {
	EnsureCurlInitialized();
	easy_ = curl_easy_init();
	if (easy_ == nullptr) {
		throw Error(ErrorKind::Internal, "curl_easy_init failed");
	}
}

HttpSession::~HttpSession() {
	curl_easy_cleanup(static_cast<CURL *>(easy_));
}

TransferResult
HttpSession::Perform(const HttpRequest &request, const TransferOptions &options, const BodySink *sink,
                     size_t max_buffered) {
	CURL *easy = static_cast<CURL *>(easy_);
	curl_easy_reset(easy); // keeps the connection cache

	TransferState state;
	state.sink = sink;
	state.cancel = &options.cancel;
	state.easy = easy;
	state.max_buffered = max_buffered;
	state.upload = request.body;

	struct curl_slist *headers = nullptr;
	for (const auto &[name, value] : request.headers) {
		headers = curl_slist_append(headers, (name + ": " + value).c_str());
	}
	headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip
	char error_buffer[CURL_ERROR_SIZE] = {0};

	curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L); // Postgres owns SIGALRM
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L); // a redirect must be signed again
	curl_easy_setopt(easy, CURLOPT_PATH_AS_IS, 1L);     // keys such as "a/../b" are not paths to normalise
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
	curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
	curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.request_timeout.count()));
	curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()));
	curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, OnHeader);
	curl_easy_setopt(easy, CURLOPT_HEADERDATA, &state);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, OnBody);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, &state);
	curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, OnProgress);
	curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &state);

	if (request.method == "HEAD") {
		curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
	} else if (request.method == "PUT") {
		curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(easy, CURLOPT_READFUNCTION, OnUpload);
		curl_easy_setopt(easy, CURLOPT_READDATA, &state);
		curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
	} else if (request.method == "POST") {
		curl_easy_setopt(easy, CURLOPT_POST, 1L);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
	} else if (request.method != "GET") {
		curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
	}

	CURLcode code = curl_easy_perform(easy);
	curl_slist_free_all(headers);
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &state.result.response.status);

	TransferResult &result = state.result;
	if (result.sink_error) {
		result.status = TransferStatus::SinkFailed;
	} else if (state.cancelled) {
		result.status = TransferStatus::Cancelled;
	} else if (state.too_large) {
		result.status = TransferStatus::BodyTooLarge;
	} else if (code != CURLE_OK) {
		result.status = TransferStatus::CurlFailed;
		result.curl_code = static_cast<int>(code);
		result.curl_error = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
	}
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr); // error_buffer dies with this frame
	return std::move(state.result);
}

} // namespace hdl::s3
