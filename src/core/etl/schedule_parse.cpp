// ParseSchedule: cron fields, @macros and intervals into a Schedule (rules in schedule.hpp).
#include "core/etl/schedule.hpp"
#include "core/error.hpp"

#include <cctype>
#include <vector>

namespace hdl::etl {

namespace {

constexpr const char *SCHEDULE_HINT =
    "Use cron format (e.g. \"5 4 * * *\") or an interval (e.g. \"30 seconds\").";
// Longer schedule texts are cut in the message; the detail says what is wrong.
constexpr size_t MAX_QUOTED_TEXT = 200;

// Thrown by the helpers with the detail sentence; ParseSchedule turns it into hdl::Error.
struct BadSchedule {
	std::string detail;
};

struct FieldSpec {
	const char *name; // capitalised, starts the detail sentence
	int min;
	int max;
	const char *const *names; // value names (index 0 = value `names_base`), or nullptr
	int names_count;
	int names_base;
	const char *names_text; // e.g. "a month name (jan-dec)"
};

constexpr const char *MONTH_NAMES[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char *DAY_NAMES[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

constexpr FieldSpec MINUTE_FIELD {"Minute", 0, 59, nullptr, 0, 0, nullptr};
constexpr FieldSpec HOUR_FIELD {"Hour", 0, 23, nullptr, 0, 0, nullptr};
constexpr FieldSpec DAY_OF_MONTH_FIELD {"Day-of-month", 1, 31, nullptr, 0, 0, nullptr};
constexpr FieldSpec MONTH_FIELD {"Month", 1, 12, MONTH_NAMES, 12, 1, "a month name (jan-dec)"};
constexpr FieldSpec DAY_OF_WEEK_FIELD {"Day-of-week", 0, 7, DAY_NAMES, 7, 0, "a day name (sun-sat)"};

std::string
Lower(std::string_view s) {
	std::string out(s);
	for (char &c : out)
		c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
	return out;
}

bool
IsSpace(char c) {
	return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool
IsDigit(char c) {
	return c >= '0' && c <= '9';
}

bool
IsAllDigits(std::string_view s) {
	if (s.empty())
		return false;
	for (char c : s)
		if (!IsDigit(c))
			return false;
	return true;
}

std::vector<std::string_view>
SplitWords(std::string_view s) {
	std::vector<std::string_view> words;
	size_t i = 0;
	while (i < s.size()) {
		while (i < s.size() && IsSpace(s[i]))
			++i;
		size_t start = i;
		while (i < s.size() && !IsSpace(s[i]))
			++i;
		if (i > start)
			words.push_back(s.substr(start, i - start));
	}
	return words;
}

// Digits to a number; values too large for any field or interval saturate at one billion.
int64_t
DigitsValue(std::string_view digits) {
	int64_t v = 0;
	for (char c : digits) {
		v = v * 10 + (c - '0');
		if (v > 1000000000)
			return 1000000000 + 1;
	}
	return v;
}

std::string
Quoted(std::string_view s) {
	return "\"" + std::string(s) + "\"";
}

[[noreturn]] void
FieldFail(const FieldSpec &field, const std::string &what) {
	throw BadSchedule {std::string(field.name) + " field: " + what + "."};
}

int
ParseValue(std::string_view token, std::string_view item, const FieldSpec &field) {
	if (token.empty())
		FieldFail(field, Quoted(item) + " is missing a value");
	if (IsAllDigits(token)) {
		int64_t v = DigitsValue(token);
		if (v < field.min || v > field.max)
			FieldFail(field, std::string(token) + " is out of range " + std::to_string(field.min) + "-" +
			                     std::to_string(field.max));
		return static_cast<int>(v);
	}
	std::string lower = Lower(token);
	for (int i = 0; i < field.names_count; ++i)
		if (lower == field.names[i])
			return field.names_base + i;
	if (field.names)
		FieldFail(field, Quoted(token) + " is not a number or " + field.names_text);
	FieldFail(field, Quoted(token) + " is not a number");
}

// One list item: "*", "v", "a-b", each with an optional "/step". Returns the matching bits.
uint64_t
ParseItem(std::string_view item, const FieldSpec &field) {
	if (item.empty())
		FieldFail(field, "empty list item");
	std::string_view base = item;
	int step = 1;
	bool has_step = false;
	size_t slash = item.find('/');
	if (slash != std::string_view::npos) {
		has_step = true;
		base = item.substr(0, slash);
		std::string_view step_text = item.substr(slash + 1);
		if (step_text.empty())
			FieldFail(field, Quoted(item) + " is missing the step after \"/\"");
		if (!IsAllDigits(step_text))
			FieldFail(field, "step " + Quoted(step_text) + " is not a number");
		// "*" of the day of week is 0-6, so its span is 7 like the other fields' max-min+1.
		int max_step = (field.max == 7 ? 6 : field.max) - field.min + 1;
		int64_t v = DigitsValue(step_text);
		if (v < 1 || v > max_step)
			FieldFail(field,
			          "step " + std::string(step_text) + " is out of range 1-" + std::to_string(max_step));
		step = static_cast<int>(v);
	}
	bool is_day_of_week = field.names == DAY_NAMES;
	int lo = 0;
	int hi = 0;
	if (base == "*") {
		lo = field.min;
		hi = is_day_of_week ? 6 : field.max;
	} else {
		size_t dash = base.find('-');
		if (dash != std::string_view::npos) {
			lo = ParseValue(base.substr(0, dash), item, field);
			hi = ParseValue(base.substr(dash + 1), item, field);
			// "fri-sun" and "5-0" mean Friday to Sunday.
			if (is_day_of_week && hi == 0 && lo > 0)
				hi = 7;
			if (lo > hi)
				FieldFail(field, "range " + Quoted(base) + " runs backwards");
		} else {
			lo = ParseValue(base, item, field);
			// "5/15" starts at 5 and runs to the end of the field (cronie, Quartz).
			hi = has_step ? field.max : lo;
		}
	}
	uint64_t bits = 0;
	for (int v = lo; v <= hi; v += step)
		bits |= uint64_t {1} << v;
	return bits;
}

uint64_t
ParseField(std::string_view text, const FieldSpec &field) {
	uint64_t bits = 0;
	size_t start = 0;
	while (true) {
		size_t comma = text.find(',', start);
		std::string_view item =
		    text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
		bits |= ParseItem(item, field);
		if (comma == std::string_view::npos)
			break;
		start = comma + 1;
	}
	if (field.names == DAY_NAMES && (bits & (uint64_t {1} << 7))) // 7 is Sunday too
		bits = (bits & ~(uint64_t {1} << 7)) | 1;
	return bits;
}

Schedule
ParseCron(const std::vector<std::string_view> &fields) {
	if (fields.size() != 5)
		throw BadSchedule {"Expected 5 fields (minute hour day-of-month month day-of-week) but found " +
		                   std::to_string(fields.size()) + "."};
	Schedule s;
	s.kind = ScheduleKind::Cron;
	s.minutes = ParseField(fields[0], MINUTE_FIELD);
	s.hours = static_cast<uint32_t>(ParseField(fields[1], HOUR_FIELD));
	s.days_of_month = static_cast<uint32_t>(ParseField(fields[2], DAY_OF_MONTH_FIELD));
	s.months = static_cast<uint16_t>(ParseField(fields[3], MONTH_FIELD));
	s.days_of_week = static_cast<uint8_t>(ParseField(fields[4], DAY_OF_WEEK_FIELD));
	s.day_of_month_star = fields[2].front() == '*';
	s.day_of_week_star = fields[4].front() == '*';
	for (size_t i = 0; i < fields.size(); ++i)
		s.text += (i ? " " : "") + Lower(fields[i]);
	return s;
}

Schedule
ParseMacro(std::string_view trimmed) {
	struct Macro {
		const char *name;
		const char *cron;
	};
	static constexpr Macro MACROS[] = {{"@hourly", "0 * * * *"},   {"@daily", "0 0 * * *"},
	                                   {"@midnight", "0 0 * * *"}, {"@weekly", "0 0 * * 0"},
	                                   {"@monthly", "0 0 1 * *"},  {"@yearly", "0 0 1 1 *"},
	                                   {"@annually", "0 0 1 1 *"}};
	std::string name = Lower(trimmed);
	for (const Macro &m : MACROS) {
		if (name == m.name) {
			Schedule s = ParseCron(SplitWords(m.cron));
			s.text = name;
			return s;
		}
	}
	if (name == "@reboot")
		throw BadSchedule {"@reboot is not supported: ETL jobs run on a schedule, not at server start."};
	throw BadSchedule {"Unknown macro " + Quoted(trimmed) +
	                   "; use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually."};
}

struct IntervalUnit {
	const char *spellings[4];
	const char *singular;
	int64_t seconds;
};

constexpr IntervalUnit INTERVAL_UNITS[] = {
    {{"second", "seconds", "sec", "secs"}, "second", 1},
    {{"minute", "minutes", "min", "mins"}, "minute", 60},
    {{"hour", "hours", "hr", "hrs"}, "hour", 3600},
    {{"day", "days", nullptr, nullptr}, "day", 86400},
    {{"week", "weeks", nullptr, nullptr}, "week", 7 * 86400},
};

const IntervalUnit *
FindUnit(std::string_view word) {
	std::string lower = Lower(word);
	for (const IntervalUnit &unit : INTERVAL_UNITS)
		for (const char *spelling : unit.spellings)
			if (spelling && lower == spelling)
				return &unit;
	return nullptr;
}

[[noreturn]] void
IntervalFail(const std::string &what) {
	throw BadSchedule {"Interval: " + what + "."};
}

// words: what follows an optional "every": {"30", "seconds"}, {"30seconds"} or, after "every",
// a bare singular unit {"minute"}.
Schedule
ParseInterval(const std::vector<std::string_view> &words, bool after_every) {
	if (words.empty())
		IntervalFail("a number and a unit must follow \"every\"");
	if (words.size() > 2)
		IntervalFail("expected a number and a unit, e.g. \"every 30 seconds\"");
	std::string_view number = words[0];
	std::string_view unit_word;
	if (words.size() == 2) {
		unit_word = words[1];
	} else {
		size_t digits = 0;
		while (digits < number.size() && IsDigit(number[digits]))
			++digits;
		unit_word = number.substr(digits);
		number = number.substr(0, digits);
		if (number.empty() && after_every) // "every minute"
			number = "1";
		if (unit_word.empty())
			IntervalFail(Quoted(words[0]) + " has no unit; use seconds, minutes, hours, days or weeks");
	}
	if (!IsAllDigits(number))
		IntervalFail(Quoted(number) + " is not a whole number");
	const IntervalUnit *unit = FindUnit(unit_word);
	if (!unit)
		IntervalFail("unknown unit " + Quoted(unit_word) + "; use seconds, minutes, hours, days or weeks");
	int64_t count = DigitsValue(number);
	std::string normalised = std::to_string(count) + " " + unit->singular + (count == 1 ? "" : "s");
	int64_t seconds = count * unit->seconds; // count saturates at 1e9+1: no overflow
	if (seconds < MIN_INTERVAL_SECONDS)
		IntervalFail(Quoted(normalised) + " is shorter than 1 second");
	if (seconds > MAX_INTERVAL_SECONDS)
		IntervalFail(Quoted(std::string(number) + " " + Lower(unit_word)) +
		             " is longer than 1 year (365 days)");
	Schedule s;
	s.kind = ScheduleKind::Interval;
	s.interval_seconds = seconds;
	s.text = normalised;
	return s;
}

bool
ContainsLetter(std::string_view s) {
	for (char c : s)
		if (std::isalpha(static_cast<unsigned char>(c)))
			return true;
	return false;
}

Schedule
ParseText(std::string_view text) {
	std::vector<std::string_view> words = SplitWords(text);
	if (words.empty())
		throw BadSchedule {"The schedule is empty."};
	if (words[0].front() == '@') {
		size_t first = text.find('@');
		size_t last = text.find_last_not_of(" \t\n\r\f\v");
		return ParseMacro(text.substr(first, last - first + 1));
	}
	if (Lower(words[0]) == "every")
		return ParseInterval(std::vector<std::string_view>(words.begin() + 1, words.end()), true);
	// "30 seconds", "30seconds", "5 jan": a number and a word is meant as an interval.
	char first = words[0].front();
	bool numeric_start = IsDigit(first) || first == '-' || first == '+' || first == '.';
	if (words.size() <= 2 && numeric_start && ContainsLetter(words.back()))
		return ParseInterval(words, false);
	return ParseCron(words);
}

} // namespace

Schedule
ParseSchedule(std::string_view text) {
	try {
		return ParseText(text);
	} catch (const BadSchedule &bad) {
		std::string quoted(text.substr(0, MAX_QUOTED_TEXT));
		if (text.size() > MAX_QUOTED_TEXT)
			quoted += "...";
		throw Error(ErrorKind::InvalidParameter, "invalid schedule: \"" + quoted + "\"", bad.detail,
		            SCHEDULE_HINT);
	}
}

} // namespace hdl::etl
