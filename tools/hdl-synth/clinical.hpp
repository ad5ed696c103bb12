// Builders for the clinical resources of a patient record: Encounter, Observation, Condition,
// MedicationRequest, Procedure and AllergyIntolerance, each valid FHIR R4 on its own.
#pragma once
#include <string>

#include "core/synth/catalog.hpp"
#include "core/synth/person.hpp"
#include "record.hpp"

namespace hdl::synth::tool {

struct EncounterSpec {
	const char *class_code; // v3 ActCode: AMB, EMER, IMP, FLD, VR, HH
	const char *class_display;
	Concept type; // SNOMED CT
	const char *type_text;
	int64_t start = 0; // UTC seconds
	int64_t minutes = 15;
};

EncounterInfo AddEncounter(PatientRecord &record, const EncounterSpec &spec);

// Vital signs measured together; values feed the NEWS2 score.
struct VitalSigns {
	int heart_rate = 0;
	int respiratory_rate = 0;
	int systolic = 0;
	int diastolic = 0;
	double temperature = 0;
	int oxygen_saturation = 0;
};

// Plausible observations for the person; unwell raises pulse, breathing rate and temperature.
VitalSigns MeasureVitalSigns(PatientRecord &record, bool unwell);
// Adds heart rate, respiratory rate, blood pressure (from age 12), temperature and SpO2.
void AddVitalSigns(PatientRecord &record, const EncounterInfo &encounter, const VitalSigns &vitals);
// Weight, and for the first measurement height and (adults) BMI.
void AddBodyMeasures(PatientRecord &record, const EncounterInfo &encounter, bool with_height);
void AddNews2Score(PatientRecord &record, const EncounterInfo &encounter, const VitalSigns &vitals);
void AddGlasgowComaScore(PatientRecord &record, const EncounterInfo &encounter, int score);
// SNOMED-coded social history: tobacco use (coded value) and alcohol intake.
void AddSmokingStatus(PatientRecord &record, const EncounterInfo &encounter);
void AddAlcoholIntake(PatientRecord &record, const EncounterInfo &encounter);
// A questionnaire or rating score with a LOINC code (PHQ-9, GAD-7, pain).
void AddLoincScore(PatientRecord &record, const EncounterInfo &encounter, const Concept &code, int score);

struct ConditionSpec {
	Concept code;
	bool problem_list = false; // problem-list-item, else encounter-diagnosis
	const char *verification = "confirmed";
	int64_t onset_day = -1;        // a date only (long-term conditions) ...
	int64_t onset_seconds = 0;     // ... or a dateTime (used when onset_day < 0)
	int64_t abatement_seconds = 0; // 0: still active
	const EncounterInfo *encounter = nullptr;
	const Clinician *recorder = nullptr; // defaults to the encounter's clinician
};

// Returns the Condition's reference; links it into the encounter's diagnosis list.
std::string AddCondition(PatientRecord &record, const ConditionSpec &spec);

struct PrescriptionSpec {
	const Medication *medication = nullptr;
	const char *status = "active";
	const char *intent = "order";
	const char *category = "community"; // medicationrequest-category, or nullptr
	const EncounterInfo *encounter = nullptr;
	std::string reason_ref;
	int supply_days = 28;
	bool continuous = false;
};

void AddMedicationRequest(PatientRecord &record, const PrescriptionSpec &spec);

void AddProcedure(PatientRecord &record, const EncounterInfo &encounter, const Concept &code,
                  const std::string &reason_ref, int minutes);

void AddAllergy(PatientRecord &record, const PersonAllergy &allergy, const EncounterInfo *encounter,
                const Clinician &recorder);

} // namespace hdl::synth::tool
