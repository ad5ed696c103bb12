#include "core/synth/uk_places.hpp"

#include <cstdio>

namespace hdl::synth {

namespace {

struct PostTown {
	const char *name;
	const char *county;
	const char *area;   // postcode area letters
	int first_district; // outward-code district numbers in use (simplified)
	int last_district;
	const char *phone_prefix; // Ofcom drama range; digits follow
	int weight;               // relative share of the population
	const char *localities[4];
};

const PostTown TOWNS[] = {
    {"Leeds",
     "West Yorkshire",
     "LS",
     1,
     29,
     "0113 496 0",
     40,
     {"Headingley", "Chapel Allerton", "Roundhay", "Armley"}},
    {"Bradford",
     "West Yorkshire",
     "BD",
     1,
     22,
     "01632 960",
     15,
     {"Manningham", "Shipley", "Idle", "Thornton"}},
    {"Wakefield", "West Yorkshire", "WF", 1, 17, "01632 960", 10, {"Horbury", "Ossett", "Sandal", "Outwood"}},
    {"Huddersfield",
     "West Yorkshire",
     "HD",
     1,
     9,
     "01632 960",
     8,
     {"Lindley", "Marsh", "Almondbury", "Honley"}},
    {"Halifax",
     "West Yorkshire",
     "HX",
     1,
     7,
     "01632 960",
     6,
     {"Sowerby Bridge", "Illingworth", "Elland", "Ovenden"}},
    {"Harrogate",
     "North Yorkshire",
     "HG",
     1,
     5,
     "01632 960",
     5,
     {"Starbeck", "Bilton", "Knaresborough", "Pannal"}},
    {"York", "North Yorkshire", "YO", 1, 32, "01632 960", 10, {"Acomb", "Heworth", "Clifton", "Fulford"}},
    {"Sheffield",
     "South Yorkshire",
     "S",
     1,
     36,
     "0114 496 0",
     6,
     {"Hillsborough", "Crookes", "Walkley", "Heeley"}},
};

const char *const STREET_STEMS[] = {
    "Church",   "Station", "Victoria", "Park",        "Mill",      "Manor",     "Grange",   "Highfield",
    "Queens",   "Kings",   "Albert",   "Moor",        "Beech",     "Oak",       "Elm",      "Ash",
    "Chestnut", "Willow",  "Meadow",   "Springfield", "Westfield", "Hawthorn",  "Rosemary", "Lister",
    "Aire",     "Wharfe",  "Calder",   "Pennine",     "Dale",      "Fountains", "Bronte",   "Ilkley",
    "Otley",    "Ripon",   "Skipton",  "Wetherby",    "Kirkstall", "Harewood",  "Temple",   "Priory",
};

const char *const STREET_SUFFIXES[] = {
    "Road",  "Street", "Lane",    "Avenue", "Close",   "Crescent",
    "Drive", "Way",    "Gardens", "Grove",  "Terrace", "View",
};

// Inward-code letters never use C, I, K, M, O or V.
const char INWARD_LETTERS[] = "ABDEFGHJLNPQRSTUWXYZ";

const PostTown &
PickTown(Random &random) {
	int total = 0;
	for (const PostTown &town : TOWNS) {
		total += town.weight;
	}
	int roll = static_cast<int>(random.Below(static_cast<uint64_t>(total)));
	for (const PostTown &town : TOWNS) {
		if (roll < town.weight) {
			return town;
		}
		roll -= town.weight;
	}
	return TOWNS[0];
}

} // namespace

UkAddress
MakeUkAddress(Random &random) {
	const PostTown &town = PickTown(random);
	UkAddress address;
	address.line1 = std::to_string(random.Between(1, 180)) + " " + random.Pick(STREET_STEMS) + " " +
	                random.Pick(STREET_SUFFIXES);
	if (random.Chance(0.6)) {
		address.line2 = town.localities[random.Below(4)];
	}
	address.city = town.name;
	address.district = town.county;
	const int letters = static_cast<int>(sizeof INWARD_LETTERS - 1);
	char postcode[16];
	std::snprintf(postcode, sizeof postcode, "%s%d %d%c%c", town.area,
	              static_cast<int>(random.Between(town.first_district, town.last_district)),
	              static_cast<int>(random.Between(1, 9)), INWARD_LETTERS[random.Below(letters)],
	              INWARD_LETTERS[random.Below(letters)]);
	address.postcode = postcode;
	char phone[24];
	std::snprintf(phone, sizeof phone, "%s%03d", town.phone_prefix, static_cast<int>(random.Below(1000)));
	address.landline = phone;
	return address;
}

std::string
MakeUkMobileNumber(Random &random) {
	char phone[24];
	std::snprintf(phone, sizeof phone, "07700 900%03d", static_cast<int>(random.Below(1000)));
	return phone;
}

} // namespace hdl::synth
