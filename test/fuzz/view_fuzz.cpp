// SQL-on-FHIR ViewDefinitions: compiled, then run over a small Patient (cells to JSON too).
#include "core/sof/view.hpp"
#include "fuzz_json.hpp"

namespace {

class Rows : public hdl::sof::RowSink {
public:
	explicit Rows(const hdl::sof::CompiledView &view) : view_(view) {
	}
	void
	OnRow(const hdl::sof::Row &row) override {
		(void)hdl::sof::RowToValue(view_, row).dump();
	}

private:
	const hdl::sof::CompiledView &view_;
};

const char PATIENT[] = R"({"resourceType":"Patient","id":"p1","active":true,"gender":"female",
"birthDate":"1961-07-23","name":[{"family":"Quill","given":["Ada","B"]},{"text":"x"}],
"extension":[{"url":"http://e","valueInteger":3,"extension":[{"url":"n","valueString":"y"}]}],
"contact":[{"name":{"family":"K"}}],"link":[{"other":{"reference":"Patient/p2"}}]})";

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	std::string view_bytes, patient_bytes;
	if (!hdl::fuzz::JsonbOf(reinterpret_cast<const char *>(data), size, view_bytes) ||
	    !hdl::fuzz::JsonbOf(PATIENT, sizeof PATIENT - 1, patient_bytes))
		return 0;
	try {
		hdl::sof::CompiledView view = hdl::sof::Compile(hdl::fuzz::NodeOf(view_bytes));
		Rows rows(view);
		hdl::sof::Evaluate(view, hdl::fuzz::NodeOf(patient_bytes), rows);
	} catch (const hdl::Error &) {
	}
	return 0;
}
