package legal

import (
	"errors"
	"strings"
	"testing"

	"ctip"
)

func TestTet2026DaysOff(t *testing.T) {
	cal := NewCalendar()
	for _, s := range []string{"2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20"} {
		if name, ok := cal.Holiday(d(s)); !ok || name != HolidayTet {
			t.Errorf("Holiday(%s) = %q %v, want Tết", s, name, ok)
		}
		if !cal.IsDayOff(d(s)) {
			t.Errorf("%s should be a day off", s)
		}
	}
	for _, s := range []string{"2026-02-13", "2026-02-23"} { // Fri before, Mon after
		if _, ok := cal.Holiday(d(s)); ok || cal.IsDayOff(d(s)) {
			t.Errorf("%s should be a working day", s)
		}
	}
	if _, ok := cal.Holiday(d("2026-02-15")); ok { // Sunday: a day off but no holiday
		t.Error("2026-02-15 is a weekend, not a holiday")
	}
	if got := cal.NextWorkingDay(d("2026-02-14")); got != d("2026-02-23") {
		t.Errorf("NextWorkingDay(2026-02-14) = %s, want 2026-02-23", got)
	}
}

func TestStatutoryHolidays(t *testing.T) {
	cal := NewCalendar()
	tests := []struct {
		date string
		name string // "" = not a holiday
		off  bool
	}{
		{"2026-01-01", HolidayNewYear, true},
		{"2026-04-30", HolidayVictory, true},
		{"2026-05-01", HolidayLabour, true},
		{"2026-09-02", HolidayNational, true},
		{"2026-09-01", "", false}, // adjacent day only via announcement
		{"2026-09-03", "", false},
		{"2026-04-26", HolidayHungKings, true}, // a Sunday too
		{"2025-04-07", HolidayHungKings, true},
		{"2025-01-28", HolidayTet, true}, // 29 Chạp Giáp Thìn
		{"2025-02-01", HolidayTet, true}, // 4 Tết
		{"2025-02-03", "", false},        // Monday after
		{"2030-02-01", HolidayTet, true}, // Tết 2030 is 2 Feb in Vietnam
		{"2030-02-05", HolidayTet, true},
		{"2030-02-06", "", false},
		{"2026-03-02", "", false}, // ordinary Monday
		{"2026-03-07", "", true},  // ordinary Saturday
		{"2026-03-08", "", true},  // ordinary Sunday
	}
	for _, tt := range tests {
		name, ok := cal.Holiday(d(tt.date))
		if name != tt.name || ok != (tt.name != "") {
			t.Errorf("Holiday(%s) = %q %v, want %q", tt.date, name, ok, tt.name)
		}
		if off := cal.IsDayOff(d(tt.date)); off != tt.off {
			t.Errorf("IsDayOff(%s) = %v, want %v", tt.date, off, tt.off)
		}
	}
}

func TestNilCalendar(t *testing.T) {
	var cal *Calendar
	if !cal.IsDayOff(d("2026-04-30")) || cal.NextWorkingDay(d("2026-04-30")) != d("2026-05-04") {
		t.Error("nil calendar should behave as NewCalendar()")
	}
	if len(cal.Announcements()) != 0 {
		t.Error("nil calendar has no announcements")
	}
}

func TestAnnouncements(t *testing.T) {
	base := NewCalendar()
	cal := base.WithAnnouncements([]Announcement{
		{Date: d("2026-09-01"), Kind: AnnouncedDayOff, Note: "National Day (adjacent day)"},
		{Date: d("2026-01-02"), Kind: AnnouncedDayOff},
		{Date: d("2026-01-10"), Kind: AnnouncedWorkingDay, Note: "make-up for 2 Jan"},
		{Date: d("2026-03-03"), Kind: "holiday?"}, // ignored
	})
	if base.IsDayOff(d("2026-09-01")) {
		t.Error("WithAnnouncements must not modify the receiver")
	}
	if name, ok := cal.Holiday(d("2026-09-01")); !ok || name != "National Day (adjacent day)" {
		t.Errorf("Holiday(2026-09-01) = %q %v", name, ok)
	}
	if name, ok := cal.Holiday(d("2026-01-02")); !ok || name != "Announced day off" {
		t.Errorf("Holiday(2026-01-02) = %q %v", name, ok)
	}
	if cal.IsDayOff(d("2026-01-10")) { // a Saturday made a working day
		t.Error("2026-01-10 should be a working day")
	}
	if _, ok := cal.Holiday(d("2026-01-10")); ok {
		t.Error("a working day is no holiday")
	}
	if cal.IsDayOff(d("2026-03-03")) {
		t.Error("unknown kinds are ignored")
	}
	if got := cal.NextWorkingDay(d("2026-09-01")); got != d("2026-09-03") {
		t.Errorf("NextWorkingDay(2026-09-01) = %s, want 2026-09-03", got)
	}
	if got := cal.NextWorkingDay(d("2026-01-01")); got != d("2026-01-05") {
		t.Errorf("NextWorkingDay(2026-01-01) = %s, want 2026-01-05", got)
	}
	// Layering: a later announcement replaces an earlier one for the same date.
	cal2 := cal.WithAnnouncements([]Announcement{{Date: d("2026-01-02"), Kind: AnnouncedWorkingDay}})
	if cal2.IsDayOff(d("2026-01-02")) || !cal.IsDayOff(d("2026-01-02")) {
		t.Error("layered announcement should replace the earlier one only in the copy")
	}
	got := cal.Announcements()
	if len(got) != 3 || got[0].Date != d("2026-01-02") || got[2].Date != d("2026-09-01") {
		t.Errorf("Announcements() = %v", got)
	}
}

func TestParseAnnouncements(t *testing.T) {
	in := "\uFEFFdate,kind,note\n" +
		"# National Day 2026\n" +
		"2026-09-01,day_off,National Day (adjacent day)\n" +
		"\n" +
		"02/01/2026, DAY_OFF ,\"bridge, swapped\"\n" +
		"2026-01-10,working_day\n"
	got, err := ParseAnnouncements(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Announcement{
		{Date: d("2026-09-01"), Kind: AnnouncedDayOff, Note: "National Day (adjacent day)"},
		{Date: d("2026-01-02"), Kind: AnnouncedDayOff, Note: "bridge, swapped"},
		{Date: d("2026-01-10"), Kind: AnnouncedWorkingDay},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestParseAnnouncementsErrors(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
	}{
		{"empty", "", 1},
		{"bad header", "day,kind,note\n", 1},
		{"bad date", "date,kind,note\n2026-09-01,day_off,x\n2026-13-01,day_off,x\n", 3},
		{"bad kind", "date,kind,note\n2026-09-01,holiday,x\n", 2},
		{"weekday working day", "date,kind,note\n2026-01-12,working_day,x\n", 2},
		{"holiday working day", "date,kind,note\n2028-01-01,working_day,x\n", 2}, // a Saturday and New Year
		{"duplicate", "date,kind,note\n2026-09-01,day_off\n# c\n2026-09-01,day_off\n", 4},
		{"too many fields", "date,kind,note\n2026-09-01,day_off,x,y\n", 2},
		{"too few fields", "date,kind,note\n2026-09-01\n", 2},
		{"bad quoting", "date,kind,note\n2026-09-01,day_off,\"x\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAnnouncements(strings.NewReader(tt.in))
			var e *ctip.Error
			if !errors.As(err, &e) || e.Kind != ctip.Invalid || e.Key != KeyAnnouncementInvalid {
				t.Fatalf("err = %v, want Invalid %s", err, KeyAnnouncementInvalid)
			}
			if len(e.Args) < 1 || e.Args[0] != tt.line {
				t.Errorf("line = %v, want %d (%v)", e.Args, tt.line, err)
			}
			if !strings.Contains(err.Error(), "line ") {
				t.Errorf("error %q does not name the line", err)
			}
		})
	}
}
