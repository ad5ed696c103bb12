#include "fhir_types.hpp"

namespace hdl::synth::tool {

Json
Coding(const char *system, const Concept &concept) {
	Json coding = Json::object();
	coding["system"] = system;
	coding["code"] = concept.code;
	coding["display"] = concept.display;
	return coding;
}

Json
CodeableConcept(const char *system, const Concept &concept) {
	Json cc = Json::object();
	cc["coding"] = Json::array({Coding(system, concept)});
	return cc;
}

Json
CodeableConcept(const char *system, const Concept &concept, const char *text) {
	Json cc = CodeableConcept(system, concept);
	cc["text"] = text;
	return cc;
}

Json
StatusConcept(const char *system, const char *code) {
	Json coding = Json::object();
	coding["system"] = system;
	coding["code"] = code;
	Json cc = Json::object();
	cc["coding"] = Json::array({std::move(coding)});
	return cc;
}

Json
UcumQuantity(double value, const char *unit, const char *code) {
	Json q = Json::object();
	q["value"] = value;
	q["unit"] = unit;
	q["system"] = UCUM_SYSTEM;
	q["code"] = code;
	return q;
}

Json
Reference(const std::string &ref) {
	Json r = Json::object();
	r["reference"] = ref;
	return r;
}

Json
Reference(const std::string &ref, const std::string &display) {
	Json r = Reference(ref);
	r["display"] = display;
	return r;
}

Json
ObservationCategory(const char *code) {
	static const char *const DISPLAYS[][2] = {{"vital-signs", "Vital Signs"},
	                                          {"survey", "Survey"},
	                                          {"social-history", "Social History"},
	                                          {"exam", "Exam"}};
	Json coding = Json::object();
	coding["system"] = OBSERVATION_CATEGORY_SYSTEM;
	coding["code"] = code;
	for (const auto &pair : DISPLAYS) {
		if (std::string(pair[0]) == code) {
			coding["display"] = pair[1];
		}
	}
	Json cc = Json::object();
	cc["coding"] = Json::array({std::move(coding)});
	return Json::array({std::move(cc)});
}

} // namespace hdl::synth::tool
