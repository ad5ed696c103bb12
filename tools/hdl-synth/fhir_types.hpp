// Small builders for FHIR R4 data types (Coding, CodeableConcept, Quantity, Reference).
#pragma once
#include <string>

#include "core/synth/catalog.hpp"
#include "record.hpp"

namespace hdl::synth::tool {

constexpr const char *OBSERVATION_CATEGORY_SYSTEM =
    "http://terminology.hl7.org/CodeSystem/observation-category";

Json Coding(const char *system, const Concept &concept);
// {coding: [{system, code, display}]}
Json CodeableConcept(const char *system, const Concept &concept);
// CodeableConcept with text, e.g. for Encounter.type.
Json CodeableConcept(const char *system, const Concept &concept, const char *text);
// A CodeableConcept holding one code of a FHIR code system, e.g. condition-clinical|active.
Json StatusConcept(const char *system, const char *code);
// A UCUM quantity; unit is the human-readable unit, code the UCUM code.
Json UcumQuantity(double value, const char *unit, const char *code);
Json Reference(const std::string &ref);
Json Reference(const std::string &ref, const std::string &display);
Json ObservationCategory(const char *code);

} // namespace hdl::synth::tool
