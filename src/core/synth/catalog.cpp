#include "core/synth/catalog.hpp"

namespace hdl::synth {

namespace medications {
const Medication PARACETAMOL {{"322236009", "Paracetamol 500mg tablets"},
                              "Two tablets up to four times a day when required",
                              "tablet",
                              2,
                              0,
                              100,
                              true};
const Medication AMOXICILLIN {
    {"323509004", "Amoxicillin 250mg capsules"}, "One capsule three times a day", "capsule", 1, 3, 21, true};
const Medication ASPIRIN {
    {"319773006", "Aspirin 75mg dispersible tablets"}, "One tablet once a day", "tablet", 1, 1, 28, true};
const Medication AMLODIPINE {
    {"319283006", "Amlodipine 5mg tablets"}, "One tablet once a day", "tablet", 1, 1, 28, true};
const Medication SALBUTAMOL {{"39113611000001102", "Salbutamol 100micrograms/dose inhaler CFC free"},
                             "Two puffs up to four times a day when required",
                             "puff",
                             2,
                             0,
                             200,
                             false};
const Medication DIAZEPAM {
    {"321196004", "Diazepam 2mg tablets"}, "One tablet three times a day", "tablet", 1, 3, 15, true};
const Medication METFORMIN {
    {"325278007", "Metformin 500mg tablets"}, "One tablet twice a day with food", "tablet", 1, 2, 56, true};
const Medication MORPHINE_MR {{"36126511000001106", "Morphine 10mg modified-release tablets"},
                              "One tablet twice a day",
                              "tablet",
                              1,
                              2,
                              14,
                              true};
const Medication TEMAZEPAM {
    {"321152004", "Temazepam 10mg tablets"}, "One tablet at night", "tablet", 1, 1, 7, true};
} // namespace medications

namespace {

using namespace medications;

const ChronicConditionSpec CHRONIC_CONDITIONS[] = {
    {{"59621000", "Essential hypertension"}, 30, 0.10, &AMLODIPINE},
    {{"44054006", "Diabetes mellitus type 2"}, 35, 0.04, &METFORMIN},
    {{"195967001", "Asthma"}, 4, 0.08, &SALBUTAMOL},
    {{"13645005", "Chronic obstructive lung disease"}, 45, 0.02, &SALBUTAMOL},
    {{"414545008", "Ischemic heart disease"}, 45, 0.02, &ASPIRIN},
    {{"49436004", "Atrial fibrillation"}, 55, 0.02, nullptr},
    {{"55822004", "Hyperlipidemia"}, 35, 0.05, nullptr},
    {{"239873007", "Osteoarthritis of knee"}, 50, 0.05, &PARACETAMOL},
    {{"278860009", "Chronic low back pain"}, 25, 0.04, &PARACETAMOL},
    {{"35489007", "Depressive disorder"}, 16, 0.06, nullptr},
    {{"197480006", "Anxiety disorder"}, 16, 0.05, nullptr},
    {{"64859006", "Osteoporosis"}, 60, 0.03, nullptr},
    {{"433144002", "Chronic kidney disease stage 3"}, 60, 0.03, nullptr},
    {{"271737000", "Anemia"}, 0, 0.02, nullptr},
    {{"24079001", "Atopic dermatitis"}, 0, 0.04, nullptr},
    {{"367498001", "Seasonal allergic rhinitis"}, 5, 0.06, nullptr},
    {{"78275009", "Obstructive sleep apnea syndrome"}, 40, 0.02, nullptr},
};

const AllergySpec ALLERGIES[] = {
    {{"91936005", "Allergy to penicillin"},
     AllergyCategory::Medication,
     "high",
     {"271807003", "Eruption of skin"}},
    {{"91935009", "Allergy to peanuts"}, AllergyCategory::Food, "high", {"39579001", "Anaphylaxis"}},
    {{"417532002", "Allergy to fish"}, AllergyCategory::Food, "low", {"62315008", "Diarrhea"}},
    {{"714035009", "Allergy to soya"}, AllergyCategory::Food, "low", {"271807003", "Eruption of skin"}},
    {{"300916003", "Latex allergy"}, AllergyCategory::Environment, "high", {"271807003", "Eruption of skin"}},
    {{"418689008", "Allergy to grass pollen"}, AllergyCategory::Environment, "low", {"49727002", "Cough"}},
    {{"232350006", "House dust mite allergy"}, AllergyCategory::Environment, "low", {"56018004", "Wheezing"}},
    {{"232347008", "Dander (animal) allergy"}, AllergyCategory::Environment, "low", {"267036007", "Dyspnea"}},
    {{"424213003", "Allergy to bee venom"},
     AllergyCategory::Environment,
     "high",
     {"39579001", "Anaphylaxis"}},
};

} // namespace

Table<ChronicConditionSpec>
ChronicConditions() {
	return {CHRONIC_CONDITIONS, sizeof CHRONIC_CONDITIONS / sizeof CHRONIC_CONDITIONS[0]};
}

Table<AllergySpec>
Allergies() {
	return {ALLERGIES, sizeof ALLERGIES / sizeof ALLERGIES[0]};
}

const char *
AllergyCategoryCode(AllergyCategory category) {
	switch (category) {
	case AllergyCategory::Food:
		return "food";
	case AllergyCategory::Medication:
		return "medication";
	case AllergyCategory::Environment:
		return "environment";
	}
	return "environment";
}

} // namespace hdl::synth
