// The acute hospital trust: emergency department attendances, admissions and outpatient
// clinics, each with observations, a coded diagnosis, and often a procedure and medication.
#include <algorithm>

#include "clinical.hpp"
#include "core/synth/calendar.hpp"
#include "feed_content.hpp"

namespace hdl::synth::tool {

namespace {

enum class Setting { Emergency, Inpatient, Outpatient };

struct HospitalEpisode {
	Setting setting;
	Concept diagnosis;
	int min_age;
	bool resolves;
	const Concept *procedure;
	const Medication *medication;
};

const Concept CHEST_XRAY {"399208008", "Plain chest X-ray"};
const Concept IMMOBILISATION {"274474001", "Bone immobilization"};
const Concept ANKLE_XRAY {"19490002", "Ankle X-ray"};
const Concept APPENDICECTOMY {"80146002", "Appendectomy"};
const Concept PCI {"415070008", "Percutaneous coronary intervention"};
const Concept ECG {"29303009", "Electrocardiographic procedure"};
const Concept SUTURE {"288086009", "Suture open wound"};
const Concept URINE_CULTURE {"117010004", "Urine culture"};
const Concept COLONOSCOPY {"73761001", "Colonoscopy"};
const Concept ECHO {"433236007", "Transthoracic echocardiography"};
const Concept KNEE_MANIPULATION {"699253003", "Surgical manipulation of joint of knee"};

using namespace medications;

const HospitalEpisode EPISODES[] = {
    {Setting::Inpatient, {"233604007", "Pneumonia"}, 0, true, &CHEST_XRAY, &AMOXICILLIN},
    {Setting::Emergency, {"65966004", "Fracture of forearm"}, 3, true, &IMMOBILISATION, &PARACETAMOL},
    {Setting::Emergency, {"16114001", "Fracture of ankle"}, 8, true, &ANKLE_XRAY, &PARACETAMOL},
    {Setting::Inpatient, {"74400008", "Appendicitis"}, 5, true, &APPENDICECTOMY, &MORPHINE_MR},
    {Setting::Inpatient, {"22298006", "Myocardial infarction"}, 40, true, &PCI, &ASPIRIN},
    {Setting::Inpatient, {"230690007", "Stroke"}, 45, false, nullptr, &ASPIRIN},
    {Setting::Emergency, {"29857009", "Chest pain"}, 25, true, &ECG, &ASPIRIN},
    {Setting::Emergency,
     {"62106007", "Concussion with no loss of consciousness"},
     2,
     true,
     nullptr,
     &PARACETAMOL},
    {Setting::Emergency, {"284549007", "Laceration of hand"}, 3, true, &SUTURE, nullptr},
    {Setting::Inpatient, {"91302008", "Sepsis"}, 0, true, nullptr, &AMOXICILLIN},
    {Setting::Emergency,
     {"301011002", "Escherichia coli urinary tract infection"},
     16,
     true,
     &URINE_CULTURE,
     &AMOXICILLIN},
    {Setting::Emergency, {"44465007", "Sprain of ankle"}, 8, true, nullptr, &PARACETAMOL},
    {Setting::Outpatient, {"68496003", "Polyp of colon"}, 45, true, &COLONOSCOPY, nullptr},
    {Setting::Outpatient, {"48724000", "Mitral valve regurgitation"}, 50, false, &ECHO, nullptr},
    {Setting::Outpatient,
     {"239873007", "Osteoarthritis of knee"},
     50,
     false,
     &KNEE_MANIPULATION,
     &PARACETAMOL},
};

const Concept ED_ATTENDANCE {"50849002", "Emergency room admission"};
const Concept ADMISSION {"32485007", "Hospital admission"};
const Concept OUTPATIENT {"185347001", "Encounter for problem"};

const HospitalEpisode &
PickEpisode(PatientRecord &record) {
	for (;;) {
		const HospitalEpisode &episode = record.random.Pick(EPISODES);
		if (record.person.age >= episode.min_age) {
			return episode;
		}
	}
}

EncounterSpec
EncounterFor(PatientRecord &record, const HospitalEpisode &episode, int64_t start) {
	Random &random = record.random;
	switch (episode.setting) {
	case Setting::Emergency:
		return {"EMER",        "emergency",
		        ED_ATTENDANCE, "Emergency department attendance",
		        start,         random.Between(90, 360)};
	case Setting::Inpatient:
		return {"IMP",     "inpatient encounter",
		        ADMISSION, "Emergency admission",
		        start,     random.Between(1, 9) * 24 * 60 + random.Between(0, 480)};
	case Setting::Outpatient:
		break;
	}
	return {"AMB", "ambulatory", OUTPATIENT, "Outpatient clinic", start, random.Between(20, 60)};
}

} // namespace

void
BuildAcuteRecord(PatientRecord &record) {
	const Person &person = record.person;
	Random &random = record.random;
	const int episodes = 1 + (random.Chance(0.3) ? 1 : 0) + (person.age >= 70 && random.Chance(0.3) ? 1 : 0);
	// Leave room before the as-of day for the longest stay to end.
	const std::vector<int64_t> times =
	    PickTimes(random, episodes, record.as_of_day - 1095, record.as_of_day - 12, 0, 23);
	bool allergies_recorded = false;
	for (int i = 0; i < episodes; ++i) {
		const HospitalEpisode &episode = PickEpisode(record);
		const EncounterInfo encounter =
		    AddEncounter(record, EncounterFor(record, episode, times[static_cast<std::size_t>(i)]));
		const bool acute = episode.setting != Setting::Outpatient;
		const VitalSigns vitals = MeasureVitalSigns(record, acute && random.Chance(0.6));
		AddVitalSigns(record, encounter, vitals);
		if (person.age >= 16 && acute) {
			AddNews2Score(record, encounter, vitals);
		}
		if (episode.setting == Setting::Inpatient) {
			AddBodyMeasures(record, encounter, false);
		}

		ConditionSpec diagnosis;
		diagnosis.code = episode.diagnosis;
		diagnosis.onset_seconds = encounter.start - random.Between(1, 48) * 3600;
		diagnosis.abatement_seconds = episode.resolves ? encounter.end : 0;
		diagnosis.encounter = &encounter;
		const std::string reason = AddCondition(record, diagnosis);
		if (episode.procedure != nullptr) {
			AddProcedure(record, encounter, *episode.procedure, reason,
			             static_cast<int>(random.Between(15, 90)));
		}
		if (episode.medication != nullptr) {
			PrescriptionSpec prescription;
			prescription.medication = episode.medication;
			prescription.status = "completed";
			prescription.category = episode.setting == Setting::Inpatient ? "inpatient" : "outpatient";
			prescription.encounter = &encounter;
			prescription.reason_ref = reason;
			prescription.supply_days = episode.setting == Setting::Inpatient ? 5 : 3;
			AddMedicationRequest(record, prescription);
		}
		// Admissions record the patient's long-term conditions as comorbidities.
		if (episode.setting == Setting::Inpatient) {
			for (std::size_t c = 0; c < person.conditions.size() && c < 3; ++c) {
				if (person.conditions[c].onset_day * SECONDS_PER_DAY >= encounter.start) {
					continue;
				}
				ConditionSpec comorbidity;
				comorbidity.code = person.conditions[c].spec->condition;
				comorbidity.onset_day = person.conditions[c].onset_day;
				comorbidity.encounter = &encounter;
				AddCondition(record, comorbidity);
			}
		}
		if (!allergies_recorded && acute) {
			for (const PersonAllergy &allergy : person.allergies) {
				AddAllergy(record, allergy, &encounter, *encounter.clinician);
			}
			allergies_recorded = true;
		}
	}
}

} // namespace hdl::synth::tool
