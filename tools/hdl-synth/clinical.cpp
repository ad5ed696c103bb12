#include "clinical.hpp"

#include <algorithm>
#include <cmath>

#include "core/synth/calendar.hpp"
#include "fhir_types.hpp"

namespace hdl::synth::tool {

namespace {

constexpr const char *ACT_CODE_SYSTEM_URL = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
constexpr const char *CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
constexpr const char *CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
constexpr const char *CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";
constexpr const char *MEDREQ_CATEGORY = "http://terminology.hl7.org/CodeSystem/medicationrequest-category";
constexpr const char *MEDREQ_COURSE =
    "http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy";
constexpr const char *ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
constexpr const char *ALLERGY_VERIFICATION =
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";

const Concept HEART_RATE {"8867-4", "Heart rate"};
const Concept RESPIRATORY_RATE {"9279-1", "Respiratory rate"};
const Concept BODY_TEMPERATURE {"8310-5", "Body temperature"};
const Concept SPO2_PULSE_OXIMETRY {"59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"};
const Concept SPO2 {"2708-6", "Oxygen saturation in Arterial blood"};
const Concept BLOOD_PRESSURE_PANEL {"85354-9", "Blood pressure panel with all children optional"};
const Concept SYSTOLIC {"8480-6", "Systolic blood pressure"};
const Concept DIASTOLIC {"8462-4", "Diastolic blood pressure"};
const Concept BODY_WEIGHT {"29463-7", "Body weight"};
const Concept BODY_HEIGHT {"8302-2", "Body height"};
const Concept BMI {"39156-5", "Body mass index (BMI) [Ratio]"};
const Concept GLASGOW_COMA_SCORE {"9269-2", "Glasgow coma score total"};
const Concept NEWS2 {"1104051000000101",
                     "Royal College of Physicians NEWS2 (National Early Warning Score 2) total score"};
const Concept TOBACCO_USE {"229819007", "Tobacco use and exposure"};
const Concept ALCOHOL_INTAKE {"160573003", "Alcohol intake"};
const Concept NEVER_SMOKED {"266919005", "Never smoked tobacco"};
const Concept EX_SMOKER {"8517006", "Ex-smoker"};
const Concept SMOKER {"77176002", "Smoker"};
const Concept ORAL_ROUTE {"26643006", "Oral route"};

double
OneDecimal(double value) {
	return static_cast<double>(std::lround(value * 10.0)) / 10.0;
}

int
Rounded(double value) {
	return static_cast<int>(std::lround(value));
}

// Starts an Observation with the elements every observation here shares.
Json &
StartObservation(PatientRecord &record, const EncounterInfo &encounter, const char *category,
                 const Json &code, int64_t offset_minutes) {
	Json &obs = record.Add("Observation");
	obs["status"] = "final";
	obs["category"] = ObservationCategory(category);
	obs["code"] = std::move(code);
	obs["subject"] = Reference(record.PatientRef());
	obs["encounter"] = Reference(encounter.ref);
	const int64_t when = std::min(encounter.start + offset_minutes * 60, encounter.end);
	obs["effectiveDateTime"] = FormatUkDateTime(when);
	obs["issued"] = FormatUtcInstant(when + 120);
	obs["performer"] = Json::array({Reference(encounter.clinician_ref)});
	return obs;
}

void
AddQuantity(PatientRecord &record, const EncounterInfo &encounter, Json code, double value, const char *unit,
            const char *ucum) {
	Json &obs = StartObservation(record, encounter, "vital-signs", std::move(code), 5);
	obs["valueQuantity"] = UcumQuantity(value, unit, ucum);
}

int
News2Part(int value, const int (&limits)[6], const int (&points)[7]) {
	int band = 0;
	while (band < 6 && value > limits[band]) {
		++band;
	}
	return points[band];
}

} // namespace

EncounterInfo
AddEncounter(PatientRecord &record, const EncounterSpec &spec) {
	EncounterInfo info;
	info.start = spec.start;
	info.end = spec.start + spec.minutes * 60;
	info.clinician = &record.PickClinician();
	info.clinician_ref = record.ClinicianRef(*info.clinician);
	Json &encounter = record.Add("Encounter", &info.ref);
	info.resource = &encounter;
	encounter["status"] = "finished";
	Json class_coding = Json::object();
	class_coding["system"] = ACT_CODE_SYSTEM_URL;
	class_coding["code"] = spec.class_code;
	class_coding["display"] = spec.class_display;
	encounter["class"] = std::move(class_coding);
	encounter["type"] = Json::array({CodeableConcept(SNOMED_SYSTEM, spec.type, spec.type_text)});
	encounter["subject"] = Reference(record.PatientRef());
	Json participant = Json::object();
	participant["individual"] = Reference(info.clinician_ref);
	encounter["participant"] = Json::array({std::move(participant)});
	Json period = Json::object();
	period["start"] = FormatUkDateTime(info.start);
	period["end"] = FormatUkDateTime(info.end);
	encounter["period"] = std::move(period);
	encounter["serviceProvider"] = Reference(record.OrganizationRef());
	return info;
}

VitalSigns
MeasureVitalSigns(PatientRecord &record, bool unwell) {
	Random &random = record.random;
	const Person &person = record.person;
	const bool child = person.age < 12;
	const double ill = unwell ? 1.0 : 0.0;
	VitalSigns v;
	v.heart_rate = Rounded(random.Bell((child ? 95.0 : 74.0) + 18.0 * ill, 9.0 + 4.0 * ill));
	v.respiratory_rate = Rounded(random.Bell((child ? 22.0 : 15.0) + 4.0 * ill, 2.0 + 1.5 * ill));
	const double hypertensive = person.Has("59621000") ? 12.0 : 0.0;
	v.systolic = Rounded(random.Bell(112.0 + 0.35 * person.age + hypertensive - 6.0 * ill, 10.0));
	v.diastolic = Rounded(random.Bell(70.0 + 0.12 * person.age + hypertensive / 2.0, 7.0));
	v.diastolic = std::min(v.diastolic, v.systolic - 20);
	v.temperature = OneDecimal(random.Bell(36.8 + 1.0 * ill, 0.3 + 0.3 * ill));
	const double lungs = person.Has("13645005") ? 4.0 : 0.0;
	v.oxygen_saturation = std::min(100, Rounded(random.Bell(97.5 - lungs - 1.5 * ill, 1.0 + ill)));
	return v;
}

void
AddVitalSigns(PatientRecord &record, const EncounterInfo &encounter, const VitalSigns &v) {
	AddQuantity(record, encounter, CodeableConcept(LOINC_SYSTEM, HEART_RATE), v.heart_rate, "beats/minute",
	            "/min");
	AddQuantity(record, encounter, CodeableConcept(LOINC_SYSTEM, RESPIRATORY_RATE), v.respiratory_rate,
	            "breaths/minute", "/min");
	if (record.person.age >= 12) {
		Json &bp = StartObservation(record, encounter, "vital-signs",
		                            CodeableConcept(LOINC_SYSTEM, BLOOD_PRESSURE_PANEL), 6);
		Json systolic = Json::object();
		systolic["code"] = CodeableConcept(LOINC_SYSTEM, SYSTOLIC);
		systolic["valueQuantity"] = UcumQuantity(v.systolic, "mmHg", "mm[Hg]");
		Json diastolic = Json::object();
		diastolic["code"] = CodeableConcept(LOINC_SYSTEM, DIASTOLIC);
		diastolic["valueQuantity"] = UcumQuantity(v.diastolic, "mmHg", "mm[Hg]");
		bp["component"] = Json::array({std::move(systolic), std::move(diastolic)});
	}
	AddQuantity(record, encounter, CodeableConcept(LOINC_SYSTEM, BODY_TEMPERATURE), v.temperature,
	            "degrees C", "Cel");
	Json spo2_code = CodeableConcept(LOINC_SYSTEM, SPO2_PULSE_OXIMETRY);
	spo2_code["coding"].push_back(Coding(LOINC_SYSTEM, SPO2));
	AddQuantity(record, encounter, std::move(spo2_code), v.oxygen_saturation, "%", "%");
}

void
AddBodyMeasures(PatientRecord &record, const EncounterInfo &encounter, bool with_height) {
	const Person &person = record.person;
	const double weight =
	    OneDecimal(person.weight_kg + record.random.Bell(0.0, person.age >= 18 ? 1.2 : 0.3));
	AddQuantity(record, encounter, CodeableConcept(LOINC_SYSTEM, BODY_WEIGHT), weight, "kg", "kg");
	if (!with_height) {
		return;
	}
	AddQuantity(record, encounter, CodeableConcept(LOINC_SYSTEM, BODY_HEIGHT), person.height_cm, "cm", "cm");
	if (person.age >= 18) {
		const double metres = person.height_cm / 100.0;
		AddQuantity(record, encounter, CodeableConcept(LOINC_SYSTEM, BMI),
		            OneDecimal(weight / (metres * metres)), "kg/m2", "kg/m2");
	}
}

void
AddNews2Score(PatientRecord &record, const EncounterInfo &encounter, const VitalSigns &v) {
	// NEWS2 (Royal College of Physicians 2017), SpO2 scale 1, patient alert and on air.
	int score = News2Part(v.respiratory_rate, {8, 11, 20, 24, 1000, 1000}, {3, 1, 0, 2, 3, 3, 3});
	score += News2Part(v.oxygen_saturation, {91, 93, 95, 1000, 1000, 1000}, {3, 2, 1, 0, 0, 0, 0});
	score += News2Part(v.systolic, {90, 100, 110, 219, 1000, 1000}, {3, 2, 1, 0, 3, 3, 3});
	score += News2Part(v.heart_rate, {40, 50, 90, 110, 130, 1000}, {3, 1, 0, 1, 2, 3, 3});
	score += News2Part(Rounded(v.temperature * 10), {350, 360, 380, 390, 1000, 1000}, {3, 1, 0, 1, 2, 2, 2});
	Json &obs = StartObservation(record, encounter, "survey", CodeableConcept(SNOMED_SYSTEM, NEWS2), 8);
	obs["valueInteger"] = score;
}

void
AddGlasgowComaScore(PatientRecord &record, const EncounterInfo &encounter, int score) {
	Json &obs =
	    StartObservation(record, encounter, "exam", CodeableConcept(LOINC_SYSTEM, GLASGOW_COMA_SCORE), 4);
	obs["valueInteger"] = score;
}

void
AddSmokingStatus(PatientRecord &record, const EncounterInfo &encounter) {
	Json &obs =
	    StartObservation(record, encounter, "social-history", CodeableConcept(SNOMED_SYSTEM, TOBACCO_USE), 2);
	const Smoking smoking = record.person.smoking;
	const Concept &value = smoking == Smoking::Current ? SMOKER
	                       : smoking == Smoking::Ex    ? EX_SMOKER
	                                                   : NEVER_SMOKED;
	obs["valueCodeableConcept"] = CodeableConcept(SNOMED_SYSTEM, value);
}

void
AddAlcoholIntake(PatientRecord &record, const EncounterInfo &encounter) {
	Json &obs = StartObservation(record, encounter, "social-history",
	                             CodeableConcept(SNOMED_SYSTEM, ALCOHOL_INTAKE), 3);
	obs["valueQuantity"] = UcumQuantity(record.person.alcohol_units_per_week, "units per week", "{units}/wk");
}

void
AddLoincScore(PatientRecord &record, const EncounterInfo &encounter, const Concept &code, int score) {
	Json &obs = StartObservation(record, encounter, "survey", CodeableConcept(LOINC_SYSTEM, code), 10);
	obs["valueInteger"] = score;
}

std::string
AddCondition(PatientRecord &record, const ConditionSpec &spec) {
	const Clinician *recorder = spec.recorder != nullptr    ? spec.recorder
	                            : spec.encounter != nullptr ? spec.encounter->clinician
	                                                        : &record.PickClinician();
	const std::string recorder_ref = record.ClinicianRef(*recorder);
	std::string ref;
	Json &condition = record.Add("Condition", &ref);
	const bool resolved = spec.abatement_seconds != 0;
	condition["clinicalStatus"] = StatusConcept(CONDITION_CLINICAL, resolved ? "resolved" : "active");
	condition["verificationStatus"] = StatusConcept(CONDITION_VERIFICATION, spec.verification);
	condition["category"] = Json::array(
	    {StatusConcept(CONDITION_CATEGORY, spec.problem_list ? "problem-list-item" : "encounter-diagnosis")});
	condition["code"] = CodeableConcept(SNOMED_SYSTEM, spec.code);
	condition["subject"] = Reference(record.PatientRef());
	if (spec.encounter != nullptr) {
		condition["encounter"] = Reference(spec.encounter->ref);
	}
	if (spec.onset_day >= 0) {
		condition["onsetDateTime"] = FormatDate(spec.onset_day);
	} else {
		condition["onsetDateTime"] = FormatUkDateTime(spec.onset_seconds);
	}
	if (resolved) {
		condition["abatementDateTime"] = FormatUkDateTime(spec.abatement_seconds);
	}
	if (spec.encounter != nullptr) {
		condition["recordedDate"] = FormatUkDateTime(spec.encounter->start + 300);
	} else {
		condition["recordedDate"] = condition["onsetDateTime"];
	}
	condition["recorder"] = Reference(recorder_ref);
	if (spec.encounter != nullptr && spec.encounter->resource != nullptr) {
		Json diagnosis = Json::object();
		diagnosis["condition"] = Reference(ref);
		Json &list = (*spec.encounter->resource)["diagnosis"];
		diagnosis["rank"] = list.is_array() ? list.size() + 1 : 1;
		list.push_back(std::move(diagnosis));
	}
	return ref;
}

void
AddMedicationRequest(PatientRecord &record, const PrescriptionSpec &spec) {
	const Medication &med = *spec.medication;
	const EncounterInfo &encounter = *spec.encounter;
	Json &request = record.Add("MedicationRequest");
	request["status"] = spec.status;
	request["intent"] = spec.intent;
	if (spec.category != nullptr) {
		request["category"] = Json::array({StatusConcept(MEDREQ_CATEGORY, spec.category)});
	}
	request["medicationCodeableConcept"] = CodeableConcept(SNOMED_SYSTEM, med.product);
	request["subject"] = Reference(record.PatientRef());
	request["encounter"] = Reference(encounter.ref);
	request["authoredOn"] = FormatUkDateTime(encounter.end - 120);
	request["requester"] = Reference(encounter.clinician_ref);
	if (!spec.reason_ref.empty()) {
		request["reasonReference"] = Json::array({Reference(spec.reason_ref)});
	}
	request["courseOfTherapyType"] = StatusConcept(MEDREQ_COURSE, spec.continuous ? "continuous" : "acute");

	Json dosage = Json::object();
	dosage["sequence"] = 1;
	dosage["text"] = med.dose_text;
	Json repeat = Json::object();
	repeat["frequency"] = med.doses_per_day > 0 ? med.doses_per_day : 4;
	repeat["period"] = 1;
	repeat["periodUnit"] = "d";
	dosage["timing"]["repeat"] = std::move(repeat);
	if (med.doses_per_day == 0) {
		dosage["asNeededBoolean"] = true;
	}
	if (med.oral) {
		dosage["route"] = CodeableConcept(SNOMED_SYSTEM, ORAL_ROUTE);
	}
	Json dose = Json::object();
	dose["doseQuantity"]["value"] = med.dose_amount;
	dose["doseQuantity"]["unit"] = med.dose_unit;
	dosage["doseAndRate"] = Json::array({std::move(dose)});
	request["dosageInstruction"] = Json::array({std::move(dosage)});

	const int per_day = med.doses_per_day > 0 ? med.doses_per_day * med.dose_amount : med.dose_amount * 2;
	Json dispense = Json::object();
	dispense["quantity"]["value"] = med.doses_per_day > 0 ? per_day * spec.supply_days : med.pack_size;
	dispense["quantity"]["unit"] = med.dose_unit;
	dispense["expectedSupplyDuration"] = UcumQuantity(spec.supply_days, "days", "d");
	request["dispenseRequest"] = std::move(dispense);
}

void
AddProcedure(PatientRecord &record, const EncounterInfo &encounter, const Concept &code,
             const std::string &reason_ref, int minutes) {
	Json &procedure = record.Add("Procedure");
	procedure["status"] = "completed";
	procedure["code"] = CodeableConcept(SNOMED_SYSTEM, code);
	procedure["subject"] = Reference(record.PatientRef());
	procedure["encounter"] = Reference(encounter.ref);
	const int64_t start = std::min(encounter.start + 10 * 60, encounter.end);
	Json period = Json::object();
	period["start"] = FormatUkDateTime(start);
	period["end"] = FormatUkDateTime(std::min(start + minutes * 60, std::max(encounter.end, start)));
	procedure["performedPeriod"] = std::move(period);
	procedure["recorder"] = Reference(encounter.clinician_ref);
	Json performer = Json::object();
	performer["actor"] = Reference(encounter.clinician_ref);
	performer["onBehalfOf"] = Reference(record.OrganizationRef());
	procedure["performer"] = Json::array({std::move(performer)});
	if (!reason_ref.empty()) {
		procedure["reasonReference"] = Json::array({Reference(reason_ref)});
	}
}

void
AddAllergy(PatientRecord &record, const PersonAllergy &allergy, const EncounterInfo *encounter,
           const Clinician &recorder) {
	const std::string recorder_ref = record.ClinicianRef(recorder);
	Json &resource = record.Add("AllergyIntolerance");
	resource["clinicalStatus"] = StatusConcept(ALLERGY_CLINICAL, "active");
	resource["verificationStatus"] = StatusConcept(ALLERGY_VERIFICATION, "confirmed");
	resource["type"] = "allergy";
	resource["category"] = Json::array({AllergyCategoryCode(allergy.spec->category)});
	resource["criticality"] = allergy.spec->criticality;
	resource["code"] = CodeableConcept(SNOMED_SYSTEM, allergy.spec->code);
	resource["patient"] = Reference(record.PatientRef());
	if (encounter != nullptr) {
		resource["encounter"] = Reference(encounter->ref);
		resource["recordedDate"] = FormatUkDateTime(encounter->start + 240);
	} else {
		resource["recordedDate"] = FormatDate(allergy.onset_day);
	}
	resource["onsetDateTime"] = FormatDate(allergy.onset_day);
	resource["recorder"] = Reference(recorder_ref);
	Json reaction = Json::object();
	reaction["manifestation"] = Json::array({CodeableConcept(SNOMED_SYSTEM, allergy.spec->reaction)});
	reaction["severity"] = allergy.severe_reaction ? "severe" : "moderate";
	resource["reaction"] = Json::array({std::move(reaction)});
}

} // namespace hdl::synth::tool
