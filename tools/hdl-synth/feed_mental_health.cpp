// The mental health trust: an assessment and follow-up contacts (clinic or home visits) with
// questionnaire scores, the working diagnosis, risk assessment and short-term medication.
#include <algorithm>

#include "clinical.hpp"
#include "core/synth/calendar.hpp"
#include "feed_content.hpp"

namespace hdl::synth::tool {

namespace {

struct Diagnosis {
	Concept code;
	bool depressive;
	const Medication *medication;
};

const Diagnosis DEPRESSION {{"35489007", "Depressive disorder"}, true, &medications::TEMAZEPAM};
const Diagnosis ANXIETY {{"197480006", "Anxiety disorder"}, false, &medications::DIAZEPAM};
const Diagnosis OTHER_DIAGNOSES[] = {
    {{"80583007", "Severe anxiety (panic)"}, false, &medications::DIAZEPAM},
    {{"47505003", "Posttraumatic stress disorder"}, false, nullptr},
    {{"13746004", "Bipolar disorder"}, true, nullptr},
    {{"58214004", "Schizophrenia"}, false, nullptr},
    {{"35489007", "Depressive disorder"}, true, &medications::TEMAZEPAM},
};

const Concept ASSESSMENT {"698314001", "Consultation for treatment"};
const Concept FOLLOW_UP {"390906007", "Follow-up encounter"};
const Concept HOME_VISIT {"439708006", "Home visit"};
const Concept PHQ9 {"44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"};
const Concept GAD7 {"70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"};
const Concept PHQ9_SCREENING {"715252007",
                              "Depression screening using Patient Health Questionnaire Nine Item score"};
const Concept ANXIETY_ASSESSMENT {"710841007", "Assessment of anxiety"};
const Concept RISK_ASSESSMENT {"225338004", "Risk assessment"};

const Diagnosis &
PickDiagnosis(PatientRecord &record) {
	if (record.person.Has("35489007")) {
		return DEPRESSION;
	}
	if (record.person.Has("197480006")) {
		return ANXIETY;
	}
	return record.random.Pick(OTHER_DIAGNOSES);
}

} // namespace

void
BuildMentalHealthRecord(PatientRecord &record) {
	Random &random = record.random;
	const Diagnosis &diagnosis = PickDiagnosis(record);
	const int contacts = static_cast<int>(random.Between(2, 5));
	const std::vector<int64_t> times =
	    PickTimes(random, contacts, record.as_of_day - 400, record.as_of_day - 1, 9, 16);
	// Scores improve over the course of care.
	int severity = static_cast<int>(random.Between(12, 22));
	std::string reason;
	for (int i = 0; i < contacts; ++i) {
		const bool first = i == 0;
		const bool home = !first && random.Chance(0.3);
		const EncounterInfo encounter =
		    AddEncounter(record, {home ? "HH" : "AMB", home ? "home health" : "ambulatory",
		                          first  ? ASSESSMENT
		                          : home ? HOME_VISIT
		                                 : FOLLOW_UP,
		                          first  ? "Mental health assessment"
		                          : home ? "Community mental health home visit"
		                                 : "Mental health follow-up",
		                          times[static_cast<std::size_t>(i)], first ? 60 : 45});
		if (diagnosis.depressive) {
			AddLoincScore(record, encounter, PHQ9, std::clamp(severity, 0, 27));
		} else {
			AddLoincScore(record, encounter, GAD7, std::clamp(severity - 3, 0, 21));
		}
		severity -= static_cast<int>(random.Between(0, 4));
		if (!first) {
			continue;
		}
		if (record.person.age >= 16) {
			AddSmokingStatus(record, encounter);
			AddAlcoholIntake(record, encounter);
		}
		ConditionSpec spec;
		spec.code = diagnosis.code;
		spec.problem_list = true;
		spec.onset_seconds = encounter.start - random.Between(30, 720) * SECONDS_PER_DAY;
		spec.encounter = &encounter;
		reason = AddCondition(record, spec);
		AddProcedure(record, encounter, diagnosis.depressive ? PHQ9_SCREENING : ANXIETY_ASSESSMENT, reason,
		             20);
		AddProcedure(record, encounter, RISK_ASSESSMENT, reason, 15);
		for (const PersonAllergy &allergy : record.person.allergies) {
			AddAllergy(record, allergy, &encounter, *encounter.clinician);
		}
		if (diagnosis.medication != nullptr && random.Chance(0.5)) {
			PrescriptionSpec prescription;
			prescription.medication = diagnosis.medication;
			prescription.status = "completed";
			prescription.category = "outpatient";
			prescription.encounter = &encounter;
			prescription.reason_ref = reason;
			prescription.supply_days = 7;
			AddMedicationRequest(record, prescription);
		}
	}
}

} // namespace hdl::synth::tool
