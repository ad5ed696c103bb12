// The GP practice: registration for everyone, check-ups and problem consultations over the
// last two years, the long-term problem list with repeat prescriptions, and allergies.
#include <algorithm>

#include "clinical.hpp"
#include "core/synth/calendar.hpp"
#include "feed_content.hpp"

namespace hdl::synth::tool {

namespace {

struct MinorIllness {
	Concept condition;
	int min_age;
	int max_age;
	int days_to_resolve;
	const Medication *medication;
};

const MinorIllness MINOR_ILLNESSES[] = {
    {{"444814009", "Viral sinusitis"}, 5, 120, 10, nullptr},
    {{"10509002", "Acute bronchitis"}, 0, 120, 14, nullptr},
    {{"195662009", "Acute viral pharyngitis"}, 3, 120, 7, &medications::PARACETAMOL},
    {{"43878008", "Streptococcal sore throat"}, 3, 60, 10, &medications::AMOXICILLIN},
    {{"65363002", "Otitis media"}, 0, 12, 7, &medications::AMOXICILLIN},
    {{"307426000", "Acute infective cystitis"}, 16, 120, 5, &medications::AMOXICILLIN},
    {{"44465007", "Sprain of ankle"}, 8, 80, 21, &medications::PARACETAMOL},
    {{"57676002", "Joint pain"}, 30, 120, 30, &medications::PARACETAMOL},
};

const Concept CHECK_UP {"185349003", "Encounter for check up"};
const Concept PROBLEM {"185347001", "Encounter for problem"};
const Concept FOLLOW_UP {"390906007", "Follow-up encounter"};
const Concept MEDICATION_RECONCILIATION {"430193006", "Medication reconciliation"};
const Concept ECG {"29303009", "Electrocardiographic procedure"};
const Concept RESPIRATORY_FUNCTION {"23426006", "Measurement of respiratory function"};
const Concept DEPRESSION_SCREENING {"171207006", "Depression screening"};

const MinorIllness *
PickMinorIllness(PatientRecord &record) {
	for (int attempt = 0; attempt < 8; ++attempt) {
		const MinorIllness &illness = record.random.Pick(MINOR_ILLNESSES);
		if (record.person.age >= illness.min_age && record.person.age <= illness.max_age) {
			return &illness;
		}
	}
	return nullptr;
}

void
AddMinorIllness(PatientRecord &record, const EncounterInfo &encounter) {
	const MinorIllness *illness = PickMinorIllness(record);
	if (illness == nullptr) {
		return;
	}
	ConditionSpec spec;
	spec.code = illness->condition;
	spec.onset_seconds = encounter.start - record.random.Between(1, 5) * SECONDS_PER_DAY;
	const int64_t resolves = encounter.start + illness->days_to_resolve * SECONDS_PER_DAY;
	spec.abatement_seconds = resolves < record.as_of_seconds ? resolves : 0;
	spec.encounter = &encounter;
	const std::string reason = AddCondition(record, spec);
	if (illness->medication != nullptr) {
		PrescriptionSpec prescription;
		prescription.medication = illness->medication;
		prescription.status = spec.abatement_seconds != 0 ? "completed" : "active";
		prescription.encounter = &encounter;
		prescription.reason_ref = reason;
		prescription.supply_days = illness->medication->doses_per_day > 0 ? 7 : 14;
		AddMedicationRequest(record, prescription);
	}
}

} // namespace

void
BuildGpRecord(PatientRecord &record) {
	const Person &person = record.person;
	Random &random = record.random;
	const Clinician &usual_gp = record.feed.clinicians[person.index % record.feed.clinicians.size()];
	const int visits = 1 + static_cast<int>(random.Below(2)) +
	                   std::min<int>(3, static_cast<int>(person.conditions.size())) +
	                   (person.age >= 65 ? 1 : 0);
	const std::vector<int64_t> times =
	    PickTimes(random, visits, record.as_of_day - 730, record.as_of_day - 1, 8, 17);

	std::vector<EncounterInfo> encounters;
	for (int i = 0; i < visits; ++i) {
		const bool first = i == 0;
		const bool problem = !first && random.Chance(0.55);
		EncounterSpec spec {"AMB",
		                    "ambulatory",
		                    first     ? CHECK_UP
		                    : problem ? PROBLEM
		                              : FOLLOW_UP,
		                    first     ? "GP health check"
		                    : problem ? "GP consultation"
		                              : "GP review",
		                    times[static_cast<std::size_t>(i)],
		                    10 + random.Between(0, 2) * 5};
		encounters.push_back(AddEncounter(record, spec));
		const EncounterInfo &encounter = encounters.back();
		if (first || random.Chance(0.6)) {
			VitalSigns vitals = MeasureVitalSigns(record, problem);
			AddVitalSigns(record, encounter, vitals);
		}
		if (first || random.Chance(0.3)) {
			AddBodyMeasures(record, encounter, first);
		}
		if (first && person.age >= 16) {
			AddSmokingStatus(record, encounter);
			AddAlcoholIntake(record, encounter);
		}
		if (problem) {
			AddMinorIllness(record, encounter);
		}
	}

	// The problem list: long-term conditions with their repeat prescriptions, issued at the latest review.
	const EncounterInfo &latest = encounters.back();
	bool any_repeat = false;
	for (const LongTermCondition &condition : person.conditions) {
		ConditionSpec spec;
		spec.code = condition.spec->condition;
		spec.problem_list = true;
		spec.onset_day = condition.onset_day;
		spec.recorder = &usual_gp;
		const std::string reason = AddCondition(record, spec);
		if (condition.spec->medication != nullptr) {
			PrescriptionSpec prescription;
			prescription.medication = condition.spec->medication;
			prescription.encounter = &latest;
			prescription.reason_ref = reason;
			prescription.continuous = true;
			AddMedicationRequest(record, prescription);
			any_repeat = true;
		}
		const char *code = condition.spec->condition.code;
		if (std::string(code) == "49436004" || std::string(code) == "414545008") {
			AddProcedure(record, encounters.front(), ECG, reason, 10);
		} else if (std::string(code) == "195967001" || std::string(code) == "13645005") {
			AddProcedure(record, encounters.front(), RESPIRATORY_FUNCTION, reason, 10);
		} else if (std::string(code) == "35489007") {
			AddProcedure(record, encounters.front(), DEPRESSION_SCREENING, reason, 5);
		}
	}
	if (any_repeat) {
		AddProcedure(record, latest, MEDICATION_RECONCILIATION, {}, 5);
	}
	for (const PersonAllergy &allergy : person.allergies) {
		AddAllergy(record, allergy, nullptr, usual_gp);
	}
}

} // namespace hdl::synth::tool
