#include "core/synth/uk_names.hpp"

namespace hdl::synth {

namespace {

const char *const MALE_GIVEN_NAMES[] = {
    "Oliver",   "George",    "Harry",    "Jack",   "Jacob",   "Noah",      "Charlie", "Thomas",  "Oscar",
    "William",  "James",     "Joshua",   "Alfie",  "Henry",   "Leo",       "Freddie", "Archie",  "Ethan",
    "Isaac",    "Alexander", "Joseph",   "Edward", "Samuel",  "Max",       "Daniel",  "Arthur",  "Lucas",
    "Mohammed", "Harrison",  "Benjamin", "Theo",   "Finley",  "Sebastian", "Adam",    "Dylan",   "Zachary",
    "Riley",    "Toby",      "Louis",    "Luke",   "Matthew", "David",     "Peter",   "Michael", "John",
    "Richard",  "Paul",      "Mark",     "Andrew", "Stephen", "Ian",       "Gareth",  "Rhys",    "Callum",
    "Jamie",    "Ravi",      "Amir",     "Kwame",  "Tomasz",  "Declan",
};

const char *const FEMALE_GIVEN_NAMES[] = {
    "Olivia",    "Amelia",  "Isla",      "Ava",      "Emily",   "Sophia",  "Grace",   "Mia",      "Poppy",
    "Ella",      "Lily",    "Evie",      "Isabella", "Sophie",  "Ivy",     "Freya",   "Harper",   "Willow",
    "Charlotte", "Jessica", "Daisy",     "Florence", "Ruby",    "Alice",   "Matilda", "Phoebe",   "Evelyn",
    "Chloe",     "Esme",    "Sienna",    "Isabelle", "Eleanor", "Lucy",    "Hannah",  "Rosie",    "Megan",
    "Sarah",     "Emma",    "Rebecca",   "Laura",    "Claire",  "Helen",   "Susan",   "Margaret", "Elizabeth",
    "Jennifer",  "Karen",   "Deborah",   "Joanne",   "Nicola",  "Siobhan", "Bethan",  "Aisha",    "Priya",
    "Fatima",    "Zara",    "Agnieszka", "Niamh",    "Catrin",  "Imogen",
};

const char *const FAMILY_NAMES[] = {
    "Smith",      "Jones",     "Williams", "Taylor",     "Brown",     "Davies",     "Evans",      "Wilson",
    "Thomas",     "Johnson",   "Roberts",  "Robinson",   "Thompson",  "Wright",     "Walker",     "White",
    "Edwards",    "Hughes",    "Green",    "Hall",       "Lewis",     "Harris",     "Clarke",     "Patel",
    "Jackson",    "Wood",      "Turner",   "Martin",     "Cooper",    "Hill",       "Ward",       "Morris",
    "Moore",      "Clark",     "Lee",      "King",       "Baker",     "Harrison",   "Morgan",     "Allen",
    "James",      "Scott",     "Phillips", "Watson",     "Davis",     "Parker",     "Price",      "Bennett",
    "Young",      "Griffiths", "Mitchell", "Kelly",      "Cook",      "Carter",     "Richardson", "Bailey",
    "Collins",    "Bell",      "Shaw",     "Murphy",     "Miller",    "Cox",        "Richards",   "Khan",
    "Marshall",   "Anderson",  "Simpson",  "Ellis",      "Adams",     "Singh",      "Begum",      "Wilkinson",
    "Foster",     "Chapman",   "Powell",   "Webb",       "Rogers",    "Gray",       "Mason",      "Ali",
    "Hunt",       "Hussain",   "Campbell", "Matthews",   "Owen",      "Palmer",     "Holmes",     "Mills",
    "Barnes",     "Knight",    "Lloyd",    "Butler",     "Russell",   "Barker",     "Fisher",     "Stevens",
    "Jenkins",    "Murray",    "Dixon",    "Harvey",     "Graham",    "Pearson",    "Ahmed",      "Fletcher",
    "Walsh",      "Kaur",      "Gibson",   "Howard",     "Andrews",   "Stewart",    "Elliott",    "Reynolds",
    "Saunders",   "Payne",     "Fox",      "Ford",       "Pearce",    "Day",        "Brooks",     "West",
    "Lawrence",   "Cole",      "Atkinson", "Bradley",    "Spencer",   "Gill",       "Dawson",     "Ball",
    "Burton",     "O'Brien",   "Watts",    "Rose",       "Booth",     "Perry",      "Ryan",       "Grant",
    "Wells",      "Armstrong", "Francis",  "Rees",       "Hayes",     "Hart",       "Hudson",     "Newman",
    "Barrett",    "Webster",   "Hunter",   "Gregory",    "Carr",      "Lowe",       "Page",       "Marsh",
    "Riley",      "Dunn",      "Woods",    "Parsons",    "Berry",     "Stone",      "Reid",       "Holland",
    "Hawkins",    "Harding",   "Porter",   "Robertson",  "Newton",    "Oliver",     "Reed",       "Kennedy",
    "Williamson", "Bird",      "Gardner",  "Shah",       "Dean",      "Lane",       "Cooke",      "Bates",
    "Henderson",  "Parry",     "Burgess",  "Bishop",     "Walton",    "Burns",      "Nicholson",  "Shepherd",
    "Ross",       "Cross",     "Long",     "Freeman",    "Warren",    "Nicholls",   "Hamilton",   "Byrne",
    "Sutton",     "McDonald",  "Yates",    "Hodgson",    "Robson",    "Curtis",     "Hopkins",    "O'Connor",
    "Harper",     "Coleman",   "Watkins",  "Moss",       "McCarthy",  "Chambers",   "O'Neill",    "Griffin",
    "Sharp",      "Hardy",     "Wheeler",  "Potter",     "Osborne",   "Johnston",   "Gordon",     "Doyle",
    "Wallace",    "George",    "Jordan",   "Hutchinson", "Rowe",      "Burke",      "May",        "Pritchard",
    "Gilbert",    "Willis",    "Higgins",  "Read",       "Miles",     "Stevenson",  "Stephenson", "Hammond",
    "Arnold",     "Buckley",   "Walters",  "Hewitt",     "Barber",    "Nelson",     "Slater",     "Austin",
    "Sullivan",   "Whitehead", "Mann",     "Frost",      "Lambert",   "Stephens",   "Blake",      "Akhtar",
    "Lynch",      "Goodwin",   "Barton",   "Woodward",   "Thomson",   "Cunningham", "Quinn",      "Barnett",
    "Baxter",     "Bibi",      "Clayton",  "Nash",       "Greenwood", "Jennings",   "Holt",       "Kemp",
    "Poole",      "Gallagher", "Bond",     "Stokes",     "Tucker",    "Davidson",   "Fowler",     "Heath",
    "Norman",     "Middleton", "Lawson",   "Banks",      "French",    "Stanley",    "Jarvis",     "Gibbs",
    "Ferguson",   "Hayward",   "Carroll",  "Nowak",      "Kowalski",  "Okafor",     "Mensah",     "Mistry",
};

} // namespace

const char *
PickMaleGivenName(Random &random) {
	return random.Pick(MALE_GIVEN_NAMES);
}

const char *
PickFemaleGivenName(Random &random) {
	return random.Pick(FEMALE_GIVEN_NAMES);
}

const char *
PickFamilyName(Random &random) {
	return random.Pick(FAMILY_NAMES);
}

} // namespace hdl::synth
