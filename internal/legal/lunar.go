package legal

import (
	"math"
	"sync"

	"ctip"
)

// The Vietnamese lunisolar calendar (âm lịch).
//
// Vietnam's lunar calendar follows the same rules as the Chinese one, but its
// astronomical events are reckoned in Vietnam's standard time (UTC+7, since
// 8 Aug 1967 in the North and 1975 in the South) instead of China's UTC+8:
//
//   - a lunar month begins on the local calendar day of a new moon (sóc);
//   - month 11 is the month that contains the winter solstice (đông chí);
//   - when 13 new moons start between two consecutive months 11, the first
//     month after month 11 that contains no major solar term (trung khí, the
//     sun's ecliptic longitude crossing a multiple of 30°) is the leap month
//     (tháng nhuận) and repeats the number of the month before it.
//
// The method is Hồ Ngọc Đức's: mean-lunation new moons corrected by the main
// periodic terms, the sun's apparent longitude from a low-precision solar
// theory, both evaluated in local time at UTC+7. Because the day boundary is
// an hour earlier than in China, some new moons fall on a different civil day
// (e.g. Tết 2007: 17 Feb in Vietnam, 18 Feb in China) and once in a while the
// leap month moves (Tết 1985: 21 Jan in Vietnam, 20 Feb in China).
//
// Accuracy: the formulas are good to well within a day for 1800–2199; the
// calendar is only meaningful in that range.

const (
	// vnOffsetDays is UTC+7 as a fraction of a day.
	vnOffsetDays = 7.0 / 24.0
	// synodicMonth is the mean length of a lunation, in days.
	synodicMonth = 29.530588853
	// newMoonEpoch is the Julian Date of the new moon of 1900-01-01 13:52 UT
	// (lunation number k = 0 of the series below).
	newMoonEpoch = 2415021.076998695
	deg          = math.Pi / 180
)

// newMoon returns the Julian Date (UT) of new moon number k counted from
// newMoonEpoch: mean phase plus the principal periodic corrections, minus ΔT.
func newMoon(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85 // Julian centuries from 1900.0
	t2 := t * t
	t3 := t2 * t
	mean := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3 +
		0.00033*math.Sin((166.56+132.87*t-0.009173*t2)*deg)
	sunAnomaly := 359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3
	moonAnomaly := 306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3
	moonLatitude := 21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3
	s := func(x float64) float64 { return math.Sin(x * deg) }
	corr := (0.1734-0.000393*t)*s(sunAnomaly) + 0.0021*s(2*sunAnomaly) -
		0.4068*s(moonAnomaly) + 0.0161*s(2*moonAnomaly) - 0.0004*s(3*moonAnomaly) +
		0.0104*s(2*moonLatitude) - 0.0051*s(sunAnomaly+moonAnomaly) -
		0.0074*s(sunAnomaly-moonAnomaly) + 0.0004*s(2*moonLatitude+sunAnomaly) -
		0.0004*s(2*moonLatitude-sunAnomaly) - 0.0006*s(2*moonLatitude+moonAnomaly) +
		0.0010*s(2*moonLatitude-moonAnomaly) + 0.0005*s(2*moonAnomaly+sunAnomaly)
	var deltaT float64 // ΔT = TT − UT, in days
	if t < -11 {
		deltaT = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltaT = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return mean + corr - deltaT
}

// newMoonDay returns the Julian Day Number of the civil day on which new
// moon k occurs, in the time zone tz (a fraction of a day east of UTC).
func newMoonDay(k int, tz float64) int {
	return int(math.Floor(newMoon(k) + 0.5 + tz))
}

// sunLongitude returns the sun's apparent ecliptic longitude in degrees,
// in [0, 360), at Julian Date jd (UT).
func sunLongitude(jd float64) float64 {
	t := (jd - 2451545.0) / 36525 // Julian centuries from J2000.0
	t2 := t * t
	anomaly := 357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2
	meanLong := 280.46645 + 36000.76983*t + 0.0003032*t2
	centre := (1.914600-0.004817*t-0.000014*t2)*math.Sin(anomaly*deg) +
		(0.019993-0.000101*t)*math.Sin(2*anomaly*deg) +
		0.000290*math.Sin(3*anomaly*deg)
	l := math.Mod(meanLong+centre, 360)
	if l < 0 {
		l += 360
	}
	return l
}

// sunSector returns which 30° sector (0–11) of the ecliptic the sun is in at
// local midnight (time zone tz) at the start of day jdn. A month contains a major
// solar term exactly when the sector changes between its first day and the
// first day of the next month.
func sunSector(jdn int, tz float64) int {
	return int(sunLongitude(float64(jdn)-0.5-tz) / 30)
}

// lunationOf returns the lunation number k whose new moon is nearest to the
// day jdn.
func lunationOf(jdn int) int {
	return int(math.Floor((float64(jdn)-newMoonEpoch)/synodicMonth + 0.5))
}

// month11Start returns the first day (JDN) of lunar month 11 — the month
// containing the winter solstice — that begins in November or December of
// solar year y.
func month11Start(y int, tz float64) int {
	k := int(math.Floor((float64(jdnOf(ctip.Date{Year: y, Month: 12, Day: 31})) - newMoonEpoch) / synodicMonth))
	nm := newMoonDay(k, tz)
	if sunSector(nm, tz) >= 9 { // the sun passed 270° before this month began
		nm = newMoonDay(k-1, tz)
	}
	return nm
}

// lunarMonth is one month of the lunar calendar.
type lunarMonth struct {
	start  int // JDN of day 1
	length int // 29 or 30
	number int // 1–12
	year   int // lunar year number (the solar year in which its month 1 begins)
	leap   bool
}

// suiMonths returns, for the time zone tz, the months from month 11 of lunar year y−1 up to, not
// including, month 11 of lunar year y (a "suì": 12 or 13 months). Results
// for Vietnam and common years are cached; the calendar is pure, so the
// cache is safe to share.
func suiMonths(y int, tz float64) []lunarMonth {
	cacheable := y >= 1800 && y <= 2300 && tz == vnOffsetDays
	if cacheable {
		if v, ok := suiCache.Load(y); ok {
			return v.([]lunarMonth)
		}
	}
	a, b := month11Start(y-1, tz), month11Start(y, tz)
	n := int(math.Round(float64(b-a) / synodicMonth)) // 12 or 13
	k0 := lunationOf(a)
	starts := make([]int, n+1)
	starts[0], starts[n] = a, b
	for i := 1; i < n; i++ {
		starts[i] = newMoonDay(k0+i, tz)
	}
	leapAt := -1
	if n == 13 {
		for i := 1; i < n; i++ {
			if sunSector(starts[i], tz) == sunSector(starts[i+1], tz) {
				leapAt = i
				break
			}
		}
	}
	months := make([]lunarMonth, n)
	num, year := 11, y-1
	for i := 0; i < n; i++ {
		leap := i == leapAt
		if i > 0 && !leap {
			num++
			if num > 12 {
				num, year = 1, y
			}
		}
		months[i] = lunarMonth{start: starts[i], length: starts[i+1] - starts[i], number: num, year: year, leap: leap}
	}
	if cacheable {
		suiCache.Store(y, months)
	}
	return months
}

var suiCache sync.Map // int → []lunarMonth

// SolarToLunar converts a solar (Gregorian) date to the Vietnamese lunar
// calendar (UTC+7): day 1–30, month 1–12, the lunar year (the solar year in
// which that lunar year's month 1 begins) and whether the month is a leap
// month (tháng nhuận).
func SolarToLunar(d ctip.Date) (day, month, year int, leap bool) {
	return solarToLunar(d, vnOffsetDays)
}

func solarToLunar(d ctip.Date, tz float64) (day, month, year int, leap bool) {
	d = norm(d)
	j := jdnOf(d)
	y := d.Year
	if j >= month11Start(y, tz) {
		y++
	}
	months := suiMonths(y, tz)
	m := months[0]
	for _, cand := range months {
		if cand.start > j {
			break
		}
		m = cand
	}
	return j - m.start + 1, m.number, m.year, m.leap
}

// LunarToSolar converts a Vietnamese lunar date to the solar calendar. ok is
// false when no such lunar day exists (month out of 1–12, day out of the
// month's 29 or 30 days, or no such leap month that year).
func LunarToSolar(day, month, year int, leap bool) (ctip.Date, bool) {
	return lunarToSolar(day, month, year, leap, vnOffsetDays)
}

func lunarToSolar(day, month, year int, leap bool, tz float64) (ctip.Date, bool) {
	if month < 1 || month > 12 || day < 1 || day > 30 {
		return ctip.Date{}, false
	}
	sui := year
	if month >= 11 {
		sui = year + 1
	}
	for _, m := range suiMonths(sui, tz) {
		if m.number == month && m.year == year && m.leap == leap {
			if day > m.length {
				return ctip.Date{}, false
			}
			return dateOfJDN(m.start + day - 1), true
		}
	}
	return ctip.Date{}, false
}

// LunarNewYear returns the solar date of Tết Nguyên Đán (day 1 of month 1 of
// the Vietnamese lunar calendar) in solar year year.
func LunarNewYear(year int) ctip.Date {
	d, _ := LunarToSolar(1, 1, year, false)
	return d
}

// jdnOf returns the Julian Day Number of a (normalised) proleptic Gregorian date.
func jdnOf(d ctip.Date) int {
	a := floorDiv(14-int(d.Month), 12)
	y := d.Year + 4800 - a
	m := int(d.Month) + 12*a - 3
	return d.Day + floorDiv(153*m+2, 5) + 365*y + floorDiv(y, 4) - floorDiv(y, 100) + floorDiv(y, 400) - 32045
}

// unixEpochJDN is the Julian Day Number of 1970-01-01.
const unixEpochJDN = 2440588

// dateOfJDN is the inverse of jdnOf.
func dateOfJDN(j int) ctip.Date {
	return ctip.NewDate(1970, 1, 1+j-unixEpochJDN)
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// norm normalises a Date built as a literal (e.g. 31 Feb → 3 Mar).
func norm(d ctip.Date) ctip.Date {
	if d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= 28 {
		return d
	}
	return ctip.NewDate(d.Year, d.Month, d.Day)
}
