// Dates and times with partial precision (see temporal.hpp).
#include "core/calendar/civil.hpp"
#include "core/fhirpath/temporal.hpp"

namespace hdl::fhirpath {

using calendar::DaysFromCivil;
using calendar::DaysInMonth;
using calendar::ReadDigits;

namespace {

// The civil date of a day number into a temporal's fields.
void
CivilFromDays(int64_t days, int &y, int &m, int &d) noexcept {
	calendar::CivilDate c = calendar::CivilFromDays(days);
	y = static_cast<int>(c.year);
	m = c.month;
	d = c.day;
}

// Parses "hh[:mm[:ss[.fff]]]" into t starting at pos; returns the position after it.
bool
ParseClock(std::string_view s, size_t &pos, Temporal &t) noexcept {
	if (!ReadDigits(s, pos, 2, t.hour) || t.hour > 23)
		return false;
	pos += 2;
	t.precision = HOUR;
	if (pos < s.size() && s[pos] == ':') {
		if (!ReadDigits(s, pos + 1, 2, t.minute) || t.minute > 59)
			return false;
		pos += 3;
		t.precision = MINUTE;
		if (pos < s.size() && s[pos] == ':') {
			if (!ReadDigits(s, pos + 1, 2, t.second) || t.second > 60)
				return false;
			pos += 3;
			t.precision = SECOND;
			if (pos < s.size() && s[pos] == '.') {
				pos++;
				int ms = 0, n = 0;
				while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
					if (n < 3)
						ms = ms * 10 + (s[pos] - '0');
					n++;
					pos++;
				}
				if (n == 0)
					return false;
				for (int i = n; i < 3; i++)
					ms *= 10;
				t.millis = ms;
				t.precision = MILLISECOND;
			}
		}
	}
	return true;
}

bool
ParseTz(std::string_view s, size_t &pos, Temporal &t) noexcept {
	if (pos >= s.size())
		return true;
	if (s[pos] == 'Z') {
		t.hasTz = true;
		t.tzZulu = true;
		t.tzMinutes = 0;
		pos++;
		return true;
	}
	if (s[pos] != '+' && s[pos] != '-')
		return false;
	int h, m;
	if (!ReadDigits(s, pos + 1, 2, h) || pos + 3 >= s.size() || s[pos + 3] != ':' || !ReadDigits(s, pos + 4, 2, m))
		return false;
	t.hasTz = true;
	t.tzMinutes = (h * 60 + m) * (s[pos] == '-' ? -1 : 1);
	pos += 6;
	return true;
}

bool
ParseDatePart(std::string_view s, size_t &pos, Temporal &t) noexcept {
	if (!ReadDigits(s, 0, 4, t.year))
		return false;
	pos = 4;
	t.precision = YEAR;
	if (pos < s.size() && s[pos] == '-') {
		if (!ReadDigits(s, pos + 1, 2, t.month) || t.month < 1 || t.month > 12)
			return false;
		pos += 3;
		t.precision = MONTH;
		if (pos < s.size() && s[pos] == '-') {
			if (!ReadDigits(s, pos + 1, 2, t.day) || t.day < 1 || t.day > DaysInMonth(t.year, t.month))
				return false;
			pos += 3;
			t.precision = DAY;
		}
	}
	return true;
}

void
Append2(std::string &out, int v) {
	out.push_back(static_cast<char>('0' + v / 10 % 10));
	out.push_back(static_cast<char>('0' + v % 10));
}

// Shifts a value with a time and an offset to UTC, for comparison.
Temporal
ToUtc(const Temporal &t) noexcept {
	if (!t.hasTz || t.precision < HOUR || t.tzMinutes == 0 || t.kind == TemporalKind::Time)
		return t;
	Temporal u = t;
	int64_t minutes = DaysFromCivil(t.year, t.month, t.day) * 1440 + t.hour * 60 + t.minute - t.tzMinutes;
	int64_t days = minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440);
	int64_t rest = minutes - days * 1440;
	CivilFromDays(days, u.year, u.month, u.day);
	u.hour = static_cast<int>(rest / 60);
	u.minute = static_cast<int>(rest % 60);
	u.tzMinutes = 0;
	return u;
}

} // namespace

bool
ParseDate(std::string_view s, Temporal &out) noexcept {
	Temporal t;
	t.kind = TemporalKind::Date;
	size_t pos = 0;
	if (!ParseDatePart(s, pos, t) || pos != s.size())
		return false;
	out = t;
	return true;
}

bool
ParseDateTime(std::string_view s, Temporal &out) noexcept {
	Temporal t;
	t.kind = TemporalKind::DateTime;
	size_t pos = 0;
	if (!ParseDatePart(s, pos, t))
		return false;
	if (pos < s.size() && s[pos] == 'T') {
		pos++;
		if (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
			if (t.precision != DAY || !ParseClock(s, pos, t))
				return false;
		}
		if (!ParseTz(s, pos, t))
			return false;
	}
	if (pos != s.size())
		return false;
	out = t;
	return true;
}

bool
ParseTime(std::string_view s, Temporal &out) noexcept {
	Temporal t;
	t.kind = TemporalKind::Time;
	size_t pos = 0;
	if (!s.empty() && s[0] == 'T')
		pos = 1;
	if (!ParseClock(s, pos, t) || pos != s.size())
		return false;
	out = t;
	return true;
}

std::string
ToString(const Temporal &t) {
	std::string out;
	if (t.kind != TemporalKind::Time) {
		out = std::to_string(t.year);
		while (out.size() < 4)
			out.insert(out.begin(), '0');
		if (t.precision >= MONTH) {
			out.push_back('-');
			Append2(out, t.month);
		}
		if (t.precision >= DAY) {
			out.push_back('-');
			Append2(out, t.day);
		}
		if (t.kind == TemporalKind::Date || t.precision < HOUR)
			return out;
		out.push_back('T');
	}
	Append2(out, t.hour);
	if (t.precision >= MINUTE) {
		out.push_back(':');
		Append2(out, t.minute);
	}
	if (t.precision >= SECOND) {
		out.push_back(':');
		Append2(out, t.second);
	}
	if (t.precision >= MILLISECOND) {
		out.push_back('.');
		out.push_back(static_cast<char>('0' + t.millis / 100));
		Append2(out, t.millis % 100);
	}
	if (t.kind == TemporalKind::DateTime && t.hasTz) {
		if (t.tzZulu) {
			out.push_back('Z');
		} else {
			int m = t.tzMinutes < 0 ? -t.tzMinutes : t.tzMinutes;
			out.push_back(t.tzMinutes < 0 ? '-' : '+');
			Append2(out, m / 60);
			out.push_back(':');
			Append2(out, m % 60);
		}
	}
	return out;
}

namespace {

int
CompareAsGiven(const Temporal &a0, const Temporal &b0) noexcept;

} // namespace

// A dateTime with a time but no offset may be in any zone (-12:00 to +14:00): against one with an
// offset the order is known only if it is the same at both extremes.
int
CompareTemporal(const Temporal &a, const Temporal &b) noexcept {
	if (a.kind == TemporalKind::DateTime && b.kind == TemporalKind::DateTime && a.precision >= HOUR &&
	    b.precision >= HOUR && a.hasTz != b.hasTz) {
		Temporal early = a.hasTz ? b : a, late = early;
		early.hasTz = late.hasTz = true;
		early.tzZulu = late.tzZulu = false;
		early.tzMinutes = 14 * 60; // the earliest instant it may stand for
		late.tzMinutes = -12 * 60;
		int c1 = a.hasTz ? CompareAsGiven(a, early) : CompareAsGiven(early, b);
		int c2 = a.hasTz ? CompareAsGiven(a, late) : CompareAsGiven(late, b);
		return c1 == c2 ? c1 : TEMPORAL_UNKNOWN;
	}
	return CompareAsGiven(a, b);
}

namespace {

int
CompareAsGiven(const Temporal &a0, const Temporal &b0) noexcept {
	if ((a0.kind == TemporalKind::Time) != (b0.kind == TemporalKind::Time))
		return TEMPORAL_UNKNOWN;
	Temporal a = ToUtc(a0), b = ToUtc(b0);
	// Seconds and milliseconds count as one precision.
	int pa = a.precision == MILLISECOND ? SECOND : a.precision;
	int pb = b.precision == MILLISECOND ? SECOND : b.precision;
	int common = pa < pb ? pa : pb;
	const int fa[] = {a.year, a.month, a.day, a.hour, a.minute, a.second * 1000 + a.millis};
	const int fb[] = {b.year, b.month, b.day, b.hour, b.minute, b.second * 1000 + b.millis};
	int first = a.kind == TemporalKind::Time ? HOUR : YEAR;
	for (int level = first; level <= common; level++) {
		if (fa[level - 1] != fb[level - 1])
			return fa[level - 1] < fb[level - 1] ? -1 : 1;
	}
	return pa == pb ? 0 : TEMPORAL_UNKNOWN;
}

} // namespace

bool
TemporalBoundary(const Temporal &t, int precision, bool high, Temporal &out) noexcept {
	int finest = t.kind == TemporalKind::Date ? DAY : MILLISECOND;
	if (precision == 0)
		precision = finest;
	if (precision > finest || precision < (t.kind == TemporalKind::Time ? HOUR : YEAR))
		return false;
	Temporal r = t;
	if (t.precision < MONTH)
		r.month = high ? 12 : 1;
	if (t.precision < DAY)
		r.day = high ? DaysInMonth(r.year, r.month) : 1;
	if (t.precision < HOUR)
		r.hour = high ? 23 : 0;
	if (t.precision < MINUTE)
		r.minute = high ? 59 : 0;
	if (t.precision < SECOND)
		r.second = high ? 59 : 0;
	if (t.precision < MILLISECOND)
		r.millis = high ? 999 : 0;
	if (t.kind == TemporalKind::DateTime && !t.hasTz && precision >= HOUR) {
		// Without an offset the value may be in any zone: widen to the extreme offsets.
		r.hasTz = true;
		r.tzZulu = false;
		r.tzMinutes = high ? -12 * 60 : 14 * 60;
	}
	r.precision = precision;
	out = r;
	return true;
}

bool
AddToTemporal(const Temporal &t, int64_t amount, std::string_view unit, Temporal &out) noexcept {
	if (!unit.empty() && unit.back() == 's' && unit != "ms" && unit != "s")
		unit.remove_suffix(1);
	Temporal r = t;
	if (unit == "year") {
		r.year += static_cast<int>(amount);
	} else if (unit == "month") {
		int64_t m = (r.year * 12 + (r.month - 1)) + amount;
		r.year = static_cast<int>(m / 12);
		r.month = static_cast<int>(m % 12) + 1;
	} else if (unit == "week" || unit == "wk" || unit == "day" || unit == "d") {
		int64_t days = (unit == "week" || unit == "wk") ? amount * 7 : amount;
		if (t.precision < DAY)
			return false;
		CivilFromDays(DaysFromCivil(r.year, r.month, r.day) + days, r.year, r.month, r.day);
		out = r;
		return true;
	} else {
		int64_t ms;
		if (unit == "hour" || unit == "h")
			ms = amount * 3600000;
		else if (unit == "minute" || unit == "min")
			ms = amount * 60000;
		else if (unit == "second" || unit == "s")
			ms = amount * 1000;
		else if (unit == "millisecond" || unit == "ms")
			ms = amount;
		else
			return false;
		int64_t day = t.kind == TemporalKind::Time ? 0 : DaysFromCivil(r.year, r.month, r.day);
		int64_t total = day * 86400000 + ((r.hour * 60 + r.minute) * 60 + r.second) * 1000LL + r.millis + ms;
		int64_t days = total >= 0 ? total / 86400000 : -((-total + 86399999) / 86400000);
		int64_t rest = total - days * 86400000;
		if (t.kind != TemporalKind::Time)
			CivilFromDays(days, r.year, r.month, r.day);
		r.hour = static_cast<int>(rest / 3600000);
		r.minute = static_cast<int>(rest / 60000 % 60);
		r.second = static_cast<int>(rest / 1000 % 60);
		r.millis = static_cast<int>(rest % 1000);
		out = r;
		return true;
	}
	if (r.precision >= DAY && r.day > DaysInMonth(r.year, r.month))
		r.day = DaysInMonth(r.year, r.month);
	out = r;
	return true;
}

bool
InstantToUnixMicros(std::string_view s, int64_t &micros) noexcept {
	int year, month, day, hour, minute, second;
	if (s.size() < 20 || !ReadDigits(s, 0, 4, year) || s[4] != '-' || !ReadDigits(s, 5, 2, month) || s[7] != '-' ||
	    !ReadDigits(s, 8, 2, day) || s[10] != 'T' || !ReadDigits(s, 11, 2, hour) || s[13] != ':' ||
	    !ReadDigits(s, 14, 2, minute) || s[16] != ':' || !ReadDigits(s, 17, 2, second))
		return false;
	if (year < 1 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
	    minute > 59 || second > 59)
		return false;
	size_t at = 19;
	int64_t fraction = 0;
	if (at < s.size() && s[at] == '.') {
		size_t start = ++at;
		while (at < s.size() && s[at] >= '0' && s[at] <= '9')
			at++;
		size_t n = at - start;
		if (n == 0 || n > 6)
			return false;
		int f;
		if (!ReadDigits(s, start, n, f))
			return false;
		fraction = f;
		for (size_t i = n; i < 6; i++)
			fraction *= 10;
	}
	int offset_minutes = 0;
	if (at + 1 == s.size() && s[at] == 'Z') {
		offset_minutes = 0;
	} else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && s[at + 3] == ':') {
		int oh, om;
		if (!ReadDigits(s, at + 1, 2, oh) || !ReadDigits(s, at + 4, 2, om) || oh > 14 || om > 59)
			return false;
		offset_minutes = (s[at] == '-' ? -1 : 1) * (oh * 60 + om);
	} else {
		return false;
	}
	int64_t seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second -
	                  static_cast<int64_t>(offset_minutes) * 60;
	micros = seconds * 1000000 + fraction;
	return true;
}

} // namespace hdl::fhirpath
