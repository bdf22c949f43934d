package legal

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"ctip"
)

// Kinds of Announcement.
const (
	// AnnouncedDayOff — ngày nghỉ theo thông báo: an extra day off announced
	// for the year (e.g. the day adjacent to 2 Sep, swapped bridge days,
	// compensatory days off (nghỉ bù) for a holiday falling on a weekend).
	AnnouncedDayOff = "day_off"
	// AnnouncedWorkingDay — ngày làm bù: a weekend day that becomes a working
	// day in exchange for a swapped day off.
	AnnouncedWorkingDay = "working_day"
)

// Announcement is one day of the yearly official announcement of days off
// (thông báo nghỉ lễ, Tết of the Prime Minister / Ministry of Home Affairs
// for public bodies) that the statutory rules cannot derive.
type Announcement struct {
	Date ctip.Date
	Kind string // AnnouncedDayOff or AnnouncedWorkingDay
	Note string // free text, e.g. "National Day (adjacent day)"; shown by Holiday
}

// Calendar is a working-day calendar for Vietnam's public bodies: the weekly
// rest days (Saturday, Sunday), the public holidays of Labour Code 2019
// Art. 112(1) (Bộ luật Lao động 2019 Điều 112 khoản 1) and the yearly
// announced days off and make-up working days. It is used by Art. 134 CPC to
// move a time limit that ends on a day off (ngày nghỉ) to the next working
// day.
//
// Statutory holidays (ngày nghỉ lễ, Tết), computed for every year:
//
//   - New Year's Day (Tết Dương lịch): 1 January — Art. 112(1)(a);
//   - Tết (Tết Âm lịch): 5 days, modelled as the last day of the lunar year
//     (30/12, or 29/12 when month 12 is short) and days 1–4 of lunar month 1
//     — Art. 112(1)(b); the actual five days are fixed yearly by the Prime
//     Minister, so any extra or shifted days come in as announcements;
//   - Victory Day (Ngày Chiến thắng): 30 April — Art. 112(1)(c);
//   - International Labour Day (Ngày Quốc tế lao động): 1 May — Art. 112(1)(d);
//   - National Day (Quốc khánh): 2 September — Art. 112(1)(đ). The law gives
//     2 days: 2 Sep and one adjacent day (1 Sep or 3 Sep) chosen in the
//     yearly announcement. Only 2 Sep is built in; the adjacent day must be
//     supplied as an AnnouncedDayOff;
//   - Hùng Kings' Commemoration Day (Giỗ Tổ Hùng Vương): 10th day of the 3rd
//     lunar month (of the ordinary, not the leap, 3rd month) — Art. 112(1)(e).
//
// Lunar dates come from the Vietnamese lunar calendar computed at UTC+7 (see
// SolarToLunar). Compensatory days off (nghỉ bù, Art. 112(3)) are not derived:
// for public bodies they are part of the yearly announcement.
//
// A Calendar is immutable and safe for concurrent use. A nil *Calendar
// behaves as NewCalendar().
type Calendar struct {
	ann map[ctip.Date]Announcement
}

// NewCalendar returns the statutory calendar without announcements.
func NewCalendar() *Calendar { return &Calendar{} }

// WithAnnouncements returns a copy of c with the announcements added. A later
// announcement for the same date replaces an earlier one. An announcement
// overrides the statutory rules for its date: an AnnouncedWorkingDay is a
// working day even on a weekend, an AnnouncedDayOff is a day off. Entries
// with another Kind are ignored (ParseAnnouncements never returns them).
func (c *Calendar) WithAnnouncements(a []Announcement) *Calendar {
	out := &Calendar{ann: make(map[ctip.Date]Announcement, len(c.announcements())+len(a))}
	for d, x := range c.announcements() {
		out.ann[d] = x
	}
	for _, x := range a {
		if x.Kind != AnnouncedDayOff && x.Kind != AnnouncedWorkingDay {
			continue
		}
		x.Date = norm(x.Date)
		out.ann[x.Date] = x
	}
	return out
}

// Announcements returns the calendar's announcements in date order.
func (c *Calendar) Announcements() []Announcement {
	out := make([]Announcement, 0, len(c.announcements()))
	for _, x := range c.announcements() {
		out = append(out, x)
	}
	for i := 1; i < len(out); i++ { // insertion sort: the lists are short
		for j := i; j > 0 && out[j].Date.Before(out[j-1].Date); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func (c *Calendar) announcements() map[ctip.Date]Announcement {
	if c == nil {
		return nil
	}
	return c.ann
}

// IsDayOff reports whether d is not a working day: a weekend day that is not
// an announced working day, a statutory holiday, or an announced day off.
func (c *Calendar) IsDayOff(d ctip.Date) bool {
	d = norm(d)
	if a, ok := c.announcements()[d]; ok {
		return a.Kind == AnnouncedDayOff
	}
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return true
	}
	_, ok := statutoryHoliday(d)
	return ok
}

// Holiday returns the English name of the holiday on d: a statutory holiday,
// or an announced day off (its Note, or "Announced day off"). Weekends are
// not holidays; an announced working day never is.
func (c *Calendar) Holiday(d ctip.Date) (name string, ok bool) {
	d = norm(d)
	a, announced := c.announcements()[d]
	if announced && a.Kind == AnnouncedWorkingDay {
		return "", false
	}
	if name, ok := statutoryHoliday(d); ok {
		return name, true
	}
	if announced {
		if a.Note != "" {
			return a.Note, true
		}
		return "Announced day off", true
	}
	return "", false
}

// NextWorkingDay returns d itself when d is a working day, otherwise the
// first working day after d.
func (c *Calendar) NextWorkingDay(d ctip.Date) ctip.Date {
	d = norm(d)
	for c.IsDayOff(d) {
		d = d.AddDays(1)
	}
	return d
}

// Holiday names (English).
const (
	HolidayNewYear   = "New Year's Day"
	HolidayTet       = "Lunar New Year (Tết)"
	HolidayHungKings = "Hùng Kings' Commemoration Day"
	HolidayVictory   = "Victory Day (Reunification Day)"
	HolidayLabour    = "International Labour Day"
	HolidayNational  = "National Day"
)

// statutoryHoliday reports whether d is a Labour Code 2019 Art. 112(1)
// holiday and names it.
func statutoryHoliday(d ctip.Date) (string, bool) {
	switch {
	case d.Month == time.January && d.Day == 1:
		return HolidayNewYear, true
	case d.Month == time.April && d.Day == 30:
		return HolidayVictory, true
	case d.Month == time.May && d.Day == 1:
		return HolidayLabour, true
	case d.Month == time.September && d.Day == 2:
		return HolidayNational, true
	}
	if d.Month > time.May {
		return "", false // no lunar holiday after May
	}
	h := lunarHolidays(d.Year)
	if k := h.tet.DaysUntil(d); k >= -1 && k <= 3 {
		return HolidayTet, true
	}
	if d == h.hungKings {
		return HolidayHungKings, true
	}
	return "", false
}

type yearLunarHolidays struct {
	tet       ctip.Date // 1/1 lunar
	hungKings ctip.Date // 10/3 lunar
}

var lunarHolidayCache sync.Map // int → yearLunarHolidays

func lunarHolidays(y int) yearLunarHolidays {
	if v, ok := lunarHolidayCache.Load(y); ok {
		return v.(yearLunarHolidays)
	}
	h := yearLunarHolidays{tet: LunarNewYear(y)}
	h.hungKings, _ = LunarToSolar(10, 3, y, false)
	if y >= 1800 && y <= 2300 {
		lunarHolidayCache.Store(y, h)
	}
	return h
}

// Years accepted in an announcements file.
const (
	MinAnnouncementYear = 1900
	MaxAnnouncementYear = 2199
)

// ParseAnnouncements reads announcements from CSV with the header
// "date,kind,note": date as YYYY-MM-DD (or dd/mm/yyyy), kind "day_off" or
// "working_day", note optional; years MinAnnouncementYear–MaxAnnouncementYear. Blank lines and lines starting with '#' are
// skipped. A working_day must be a Saturday or Sunday that is not a
// statutory holiday; a date may appear only once. Every error is a
// *ctip.Error (Invalid, key "legal.announcement_invalid", args: line number,
// reason) whose message names the line.
func ParseAnnouncements(r io.Reader) ([]Announcement, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	fail := func(line int, format string, args ...any) error {
		reason := fmt.Sprintf(format, args...)
		e := invalid(KeyAnnouncementInvalid, line, reason)
		e.Err = fmt.Errorf("announcements line %d: %s", line, reason)
		return e
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fail(1, "missing header \"date,kind,note\"")
	}
	if err != nil {
		return nil, fail(csvLine(err, 1), "%v", csvCause(err))
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\uFEFF")
	}
	if len(header) < 2 || len(header) > 3 || !strings.EqualFold(strings.TrimSpace(header[0]), "date") ||
		!strings.EqualFold(strings.TrimSpace(header[1]), "kind") ||
		(len(header) == 3 && !strings.EqualFold(strings.TrimSpace(header[2]), "note")) {
		line, _ := cr.FieldPos(0)
		return nil, fail(line, "header must be \"date,kind,note\"")
	}
	var out []Announcement
	seen := map[ctip.Date]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fail(csvLine(err, 0), "%v", csvCause(err))
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < 2 || len(rec) > 3 {
			return nil, fail(line, "want 2 or 3 fields (date,kind,note), got %d", len(rec))
		}
		d, err := parseAnnouncementDate(strings.TrimSpace(rec[0]))
		if err != nil {
			return nil, fail(line, "bad date %q (want YYYY-MM-DD)", rec[0])
		}
		if d.Year < MinAnnouncementYear || d.Year > MaxAnnouncementYear {
			return nil, fail(line, "date %s outside %d–%d", d, MinAnnouncementYear, MaxAnnouncementYear)
		}
		kind := strings.ToLower(strings.TrimSpace(rec[1]))
		if kind != AnnouncedDayOff && kind != AnnouncedWorkingDay {
			return nil, fail(line, "bad kind %q (want %s or %s)", rec[1], AnnouncedDayOff, AnnouncedWorkingDay)
		}
		if kind == AnnouncedWorkingDay {
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				return nil, fail(line, "working_day %s is a %s, not a weekend day", d, wd)
			}
			if name, ok := statutoryHoliday(d); ok {
				return nil, fail(line, "working_day %s is a public holiday (%s)", d, name)
			}
		}
		if prev, dup := seen[d]; dup {
			return nil, fail(line, "date %s already given on line %d", d, prev)
		}
		seen[d] = line
		note := ""
		if len(rec) == 3 {
			note = strings.TrimSpace(rec[2])
		}
		out = append(out, Announcement{Date: d, Kind: kind, Note: note})
	}
	return out, nil
}

func parseAnnouncementDate(s string) (ctip.Date, error) {
	if d, err := ctip.ParseDate(s); err == nil {
		return d, nil
	}
	t, err := time.ParseInLocation("02/01/2006", s, ctip.Vietnam)
	if err != nil {
		return ctip.Date{}, err
	}
	return ctip.DateOf(t), nil
}

func csvLine(err error, def int) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return def
}

func csvCause(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
