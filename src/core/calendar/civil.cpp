// Calendar arithmetic: day numbers are counted in 400-year eras of 146097 days, in which the
// Gregorian leap-year pattern repeats exactly; years are shifted to start in March so that the
// leap day is the last day of the shifted year.
#include "core/calendar/civil.hpp"

namespace hdl::calendar {

namespace {

constexpr int64_t DAYS_PER_ERA = 146097;
// Days from 0000-03-01 to 1970-01-01.
constexpr int64_t EPOCH_SHIFT = 719468;

} // namespace

int64_t
DaysFromCivil(int64_t year, int month, int day) noexcept {
	// Shift the year to start on March 1st.
	int64_t y = month <= 2 ? year - 1 : year;
	int64_t era = FloorDiv(y, 400);
	int64_t year_of_era = y - era * 400;                       // 0-399
	int64_t shifted_month = month > 2 ? month - 3 : month + 9; // March = 0
	int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
	int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	return era * DAYS_PER_ERA + day_of_era - EPOCH_SHIFT;
}

CivilDate
CivilFromDays(int64_t days) noexcept {
	int64_t shifted = days + EPOCH_SHIFT;
	int64_t era = FloorDiv(shifted, DAYS_PER_ERA);
	int64_t day_of_era = shifted - era * DAYS_PER_ERA; // 0-146096
	int64_t year_of_era =
	    (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365; // 0-399
	int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int64_t shifted_month = (5 * day_of_year + 2) / 153; // March = 0
	int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
	int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
	int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
	return CivilDate {year, month, day};
}

int
WeekdayFromDays(int64_t days) noexcept {
	// 1970-01-01 was a Thursday.
	return static_cast<int>(FloorMod(days + 4, 7));
}

} // namespace hdl::calendar
