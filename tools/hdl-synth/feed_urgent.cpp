// Urgent care feeds: the ambulance trust (999 attendances with full observations) and NHS 111
// (telephone assessments with provisional, symptom-level coding).
#include <algorithm>

#include "clinical.hpp"
#include "core/synth/calendar.hpp"
#include "feed_content.hpp"

namespace hdl::synth::tool {

namespace {

using namespace medications;

struct Presentation {
	Concept complaint;
	int min_age;
	const Concept *procedure;
	const Medication *medication;
	bool unwell;
};

const Concept ECG {"29303009", "Electrocardiographic procedure"};
const Concept OXYGEN_BY_MASK {"371908008", "Oxygen administration by mask"};
const Concept IMMOBILISATION {"274474001", "Bone immobilization"};
const Concept RISK_ASSESSMENT {"225338004", "Risk assessment"};
const Concept SYMPTOM_DISCUSSION {"223470000", "Discussion about signs and symptoms"};
const Concept ATTENDANCE {"185347001", "Encounter for problem"};
const Concept PAIN_SCORE {"72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"};

const Presentation AMBULANCE_CALLS[] = {
    {{"29857009", "Chest pain"}, 25, &ECG, &ASPIRIN, true},
    {{"267036007", "Dyspnea"}, 0, &OXYGEN_BY_MASK, &SALBUTAMOL, true},
    {{"65966004", "Fracture of forearm"}, 3, &IMMOBILISATION, &PARACETAMOL, false},
    {{"62106007", "Concussion with no loss of consciousness"}, 2, nullptr, nullptr, false},
    {{"128613002", "Seizure disorder"}, 1, nullptr, nullptr, true},
    {{"386661006", "Fever"}, 0, nullptr, &PARACETAMOL, true},
    {{"55680006", "Drug overdose"}, 14, &ECG, nullptr, true},
    {{"230690007", "Stroke"}, 45, &ECG, nullptr, true},
};

const Presentation NHS111_CALLS[] = {
    {{"386661006", "Fever"}, 0, nullptr, nullptr, true},
    {{"49727002", "Cough"}, 0, nullptr, nullptr, false},
    {{"267036007", "Dyspnea"}, 0, nullptr, nullptr, true},
    {{"84229001", "Fatigue"}, 12, nullptr, nullptr, false},
    {{"57676002", "Joint pain"}, 16, nullptr, nullptr, false},
    {{"68962001", "Muscle pain"}, 12, nullptr, nullptr, false},
    {{"195662009", "Acute viral pharyngitis"}, 3, nullptr, nullptr, false},
    {{"62315008", "Diarrhea"}, 0, nullptr, nullptr, false},
    {{"56018004", "Wheezing"}, 0, nullptr, nullptr, true},
    {{"840544004", "Suspected disease caused by severe acute respiratory coronavirus 2"},
     0,
     nullptr,
     nullptr,
     true},
};

template <std::size_t N>
const Presentation &
PickPresentation(PatientRecord &record, const Presentation (&calls)[N]) {
	for (;;) {
		const Presentation &call = record.random.Pick(calls);
		if (record.person.age >= call.min_age) {
			return call;
		}
	}
}

std::string
AddComplaint(PatientRecord &record, const EncounterInfo &encounter, const Concept &complaint) {
	ConditionSpec spec;
	spec.code = complaint;
	spec.verification = "provisional";
	spec.onset_seconds = encounter.start - record.random.Between(1, 72) * 3600;
	spec.encounter = &encounter;
	return AddCondition(record, spec);
}

void
AddMedicationAllergies(PatientRecord &record, const EncounterInfo &encounter) {
	for (const PersonAllergy &allergy : record.person.allergies) {
		if (allergy.spec->category == AllergyCategory::Medication) {
			AddAllergy(record, allergy, &encounter, *encounter.clinician);
		}
	}
}

} // namespace

void
BuildAmbulanceRecord(PatientRecord &record) {
	Random &random = record.random;
	const int calls = random.Chance(0.2) ? 2 : 1;
	const std::vector<int64_t> times =
	    PickTimes(random, calls, record.as_of_day - 730, record.as_of_day - 2, 0, 22);
	for (int i = 0; i < calls; ++i) {
		const Presentation &call = PickPresentation(record, AMBULANCE_CALLS);
		const EncounterInfo encounter =
		    AddEncounter(record, {"FLD", "field", ATTENDANCE, "Emergency ambulance attendance",
		                          times[static_cast<std::size_t>(i)], random.Between(35, 120)});
		const VitalSigns vitals = MeasureVitalSigns(record, call.unwell);
		AddVitalSigns(record, encounter, vitals);
		AddGlasgowComaScore(record, encounter,
		                    random.Chance(0.85) ? 15 : static_cast<int>(random.Between(9, 14)));
		if (record.person.age >= 16) {
			AddNews2Score(record, encounter, vitals);
		}
		const std::string reason = AddComplaint(record, encounter, call.complaint);
		if (call.procedure != nullptr) {
			AddProcedure(record, encounter, *call.procedure, reason, 10);
		}
		if (i == 0) {
			AddMedicationAllergies(record, encounter);
		}
		if (call.medication != nullptr) {
			PrescriptionSpec prescription;
			prescription.medication = call.medication;
			prescription.status = "completed";
			prescription.category = nullptr; // given at the scene, not a hospital or community issue
			prescription.encounter = &encounter;
			prescription.reason_ref = reason;
			prescription.supply_days = 1;
			AddMedicationRequest(record, prescription);
		}
	}
}

void
BuildNhs111Record(PatientRecord &record) {
	Random &random = record.random;
	const Person &person = record.person;
	const int calls = 1 + (random.Chance(0.3) ? 1 : 0);
	const std::vector<int64_t> times =
	    PickTimes(random, calls, record.as_of_day - 730, record.as_of_day - 1, 0, 23);
	for (int i = 0; i < calls; ++i) {
		const Presentation &call = PickPresentation(record, NHS111_CALLS);
		const EncounterInfo encounter =
		    AddEncounter(record, {"VR", "virtual", ATTENDANCE, "NHS 111 telephone assessment",
		                          times[static_cast<std::size_t>(i)], random.Between(8, 30)});
		const std::string reason = AddComplaint(record, encounter, call.complaint);
		if (person.age >= 8 && random.Chance(0.5)) {
			AddLoincScore(record, encounter, PAIN_SCORE,
			              static_cast<int>(random.Between(0, call.unwell ? 9 : 6)));
		}
		AddProcedure(record, encounter, call.unwell ? RISK_ASSESSMENT : SYMPTOM_DISCUSSION, reason, 5);
		if (i == 0) {
			AddMedicationAllergies(record, encounter);
		}
		// Callers who have run out of a repeat medicine get an emergency supply.
		for (const LongTermCondition &condition : person.conditions) {
			if (condition.spec->medication != nullptr && random.Chance(0.15)) {
				PrescriptionSpec prescription;
				prescription.medication = condition.spec->medication;
				prescription.status = "completed";
				prescription.encounter = &encounter;
				prescription.supply_days = 7;
				AddMedicationRequest(record, prescription);
				break;
			}
		}
	}
}

} // namespace hdl::synth::tool
