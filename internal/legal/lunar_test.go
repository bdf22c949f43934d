package legal

import (
	"testing"
	"time"

	"ctip"
)

func d(s string) ctip.Date {
	v, err := ctip.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

// vietnameseTet lists the published dates of Tết Nguyên Đán (1/1 lunar,
// Vietnamese calendar, UTC+7). Every year agrees with the published Chinese
// New Year date except 2030: the new moon of 2 Feb 2030 falls at about
// 23:07 in Hanoi but after midnight in Beijing, so Tết Canh Tuất is on
// 2 Feb 2030 in Vietnam and 3 Feb in China. Second sources for the 2030
// difference: scienceinfo.net ("Why is the Vietnamese and Chinese New Year a
// day different?", after Hoàng Xuân Hãn: "in 2030 and 2053, Vietnam will
// eat Tet sooner than China") and viet-jo.com (2006-07-06, a Vietnamese
// official: after 1925, 1968, 1969, 1984 and 2007, the next differences are
// 2030 and 2053). The remaining years are the widely published Chinese New
// Year dates, which the UTC+8 test below reproduces independently.
var vietnameseTet = map[int]string{
	2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01", 2023: "2023-01-22",
	2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06",
	2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-02", 2031: "2031-01-23",
	2032: "2032-02-11", 2033: "2033-01-31", 2034: "2034-02-19", 2035: "2035-02-08",
	2036: "2036-01-28", 2037: "2037-02-15", 2038: "2038-02-04", 2039: "2039-01-24",
	2040: "2040-02-12",
}

// chineseNewYear lists the published Chinese New Year dates (UTC+8).
var chineseNewYear = map[int]string{
	2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01", 2023: "2023-01-22",
	2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06",
	2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-03", 2031: "2031-01-23",
	2032: "2032-02-11", 2033: "2033-01-31", 2034: "2034-02-19", 2035: "2035-02-08",
	2036: "2036-01-28", 2037: "2037-02-15", 2038: "2038-02-04", 2039: "2039-01-24",
	2040: "2040-02-12",
}

func TestLunarNewYear2020To2040(t *testing.T) {
	for y := 2020; y <= 2040; y++ {
		want, ok := vietnameseTet[y]
		if !ok {
			t.Fatalf("no published date for %d", y)
		}
		if got := LunarNewYear(y); got != d(want) {
			t.Errorf("LunarNewYear(%d) = %s, want %s", y, got, want)
		}
	}
}

// The same algorithm evaluated at UTC+8 must give China's dates: this checks
// the astronomy independently of the Vietnamese list and shows that the time
// zone is what makes the difference.
func TestLunarNewYearAtUTC8IsChinese(t *testing.T) {
	for y := 2020; y <= 2040; y++ {
		got, _ := lunarToSolar(1, 1, y, false, 8.0/24)
		if got != d(chineseNewYear[y]) {
			t.Errorf("UTC+8 new year %d = %s, want %s", y, got, chineseNewYear[y])
		}
	}
}

func TestVietnamVersusChina(t *testing.T) {
	tests := []struct {
		year   int
		vn, cn string
	}{
		{1985, "1985-01-21", "1985-02-20"}, // leap month placed differently: a month apart
		{2007, "2007-02-17", "2007-02-18"}, // new moon before/after midnight
		{2030, "2030-02-02", "2030-02-03"},
	}
	for _, tt := range tests {
		if got := LunarNewYear(tt.year); got != d(tt.vn) {
			t.Errorf("Vietnam %d: %s, want %s", tt.year, got, tt.vn)
		}
		if got, _ := lunarToSolar(1, 1, tt.year, false, 8.0/24); got != d(tt.cn) {
			t.Errorf("China %d: %s, want %s", tt.year, got, tt.cn)
		}
	}
}

func TestHungKingsDay(t *testing.T) {
	tests := map[int]string{
		2023: "2023-04-29", // after the leap 2nd month of 2023
		2024: "2024-04-18",
		2025: "2025-04-07",
		2026: "2026-04-26",
	}
	cal := NewCalendar()
	for y, want := range tests {
		got, ok := LunarToSolar(10, 3, y, false)
		if !ok || got != d(want) {
			t.Errorf("10/3/%d = %s %v, want %s", y, got, ok, want)
		}
		if name, ok := cal.Holiday(d(want)); !ok || name != HolidayHungKings {
			t.Errorf("Holiday(%s) = %q %v", want, name, ok)
		}
	}
}

func TestSolarToLunar(t *testing.T) {
	tests := []struct {
		solar            string
		day, month, year int
		leap             bool
	}{
		{"2026-02-16", 29, 12, 2025, false}, // Tết eve 2026 is 29 Chạp (month 12 is short)
		{"2026-02-17", 1, 1, 2026, false},
		{"2024-02-09", 30, 12, 2023, false}, // a "real" 30 Tết in 2024
		{"2025-07-25", 1, 6, 2025, true},    // leap 6th month of 2025
		{"2025-10-06", 15, 8, 2025, false},  // Mid-autumn 2025
		{"2024-09-17", 15, 8, 2024, false},  // Mid-autumn 2024
		{"2023-03-22", 1, 2, 2023, true},    // leap 2nd month of 2023
		{"2025-12-31", 12, 11, 2025, false},
		{"2000-01-01", 25, 11, 1999, false},
	}
	for _, tt := range tests {
		day, month, year, leap := SolarToLunar(d(tt.solar))
		if day != tt.day || month != tt.month || year != tt.year || leap != tt.leap {
			t.Errorf("SolarToLunar(%s) = %d/%d/%d leap=%v, want %d/%d/%d leap=%v",
				tt.solar, day, month, year, leap, tt.day, tt.month, tt.year, tt.leap)
		}
		back, ok := LunarToSolar(tt.day, tt.month, tt.year, tt.leap)
		if !ok || back != d(tt.solar) {
			t.Errorf("LunarToSolar(%d/%d/%d %v) = %s %v, want %s", tt.day, tt.month, tt.year, tt.leap, back, ok, tt.solar)
		}
	}
}

func TestLunarToSolarRejects(t *testing.T) {
	tests := []struct {
		day, month, year int
		leap             bool
	}{
		{30, 12, 2025, false}, // month 12 of Ất Tỵ has 29 days
		{1, 0, 2026, false},
		{1, 13, 2026, false},
		{0, 1, 2026, false},
		{31, 1, 2026, false},
		{1, 6, 2026, true}, // 2026 has no leap month
	}
	for _, tt := range tests {
		if got, ok := LunarToSolar(tt.day, tt.month, tt.year, tt.leap); ok {
			t.Errorf("LunarToSolar(%d/%d/%d %v) = %s, want !ok", tt.day, tt.month, tt.year, tt.leap, got)
		}
	}
}

// Walk every day from 1900 to 2100: the lunar date must advance by one day
// or start a new month of 29/30 days, months must follow each other with at
// most one leap month per year, and the conversion must round-trip.
func TestLunarCalendarConsistency(t *testing.T) {
	start, end := d("1900-02-01"), d("2100-12-31")
	pd, pm, py, pl := SolarToLunar(start)
	monthLen := pd
	for x := start.AddDays(1); !x.After(end); x = x.AddDays(1) {
		day, month, year, leap := SolarToLunar(x)
		if day == pd+1 && month == pm && year == py && leap == pl {
			monthLen = day
		} else {
			if day != 1 {
				t.Fatalf("%s: %d/%d/%d after %d/%d/%d", x, day, month, year, pd, pm, py)
			}
			if monthLen != 29 && monthLen != 30 && x.Year > 1900 {
				t.Fatalf("%s: previous month had %d days", x, monthLen)
			}
			switch {
			case leap: // a leap month repeats the month before it
				if month != pm || year != py || pl {
					t.Fatalf("%s: leap %d/%d after %d/%d", x, month, year, pm, py)
				}
			case pm == 12:
				if month != 1 || year != py+1 {
					t.Fatalf("%s: %d/%d after 12/%d", x, month, year, py)
				}
			default:
				if month != pm+1 || year != py {
					t.Fatalf("%s: %d/%d after %d/%d", x, month, year, pm, py)
				}
			}
			monthLen = 1
		}
		back, ok := LunarToSolar(day, month, year, leap)
		if !ok || back != x {
			t.Fatalf("round trip %s → %d/%d/%d %v → %s %v", x, day, month, year, leap, back, ok)
		}
		pd, pm, py, pl = day, month, year, leap
	}
}

func TestLunarNewYearRange(t *testing.T) {
	for y := 1900; y <= 2200; y++ {
		got := LunarNewYear(y)
		if got.Year != y || got.Before(ctip.Date{Year: y, Month: time.January, Day: 19}) ||
			got.After(ctip.Date{Year: y, Month: time.February, Day: 21}) {
			t.Errorf("LunarNewYear(%d) = %s out of 19 Jan–21 Feb", y, got)
		}
	}
}
