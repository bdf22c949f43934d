package person

import (
	"strings"
	"testing"

	"ctip"
)

type fakePlaces struct{}

func (fakePlaces) CommuneProvince(code string) (string, bool) { return "11", code == "03160" }
func (fakePlaces) CountryExists(code string) bool {
	return code == "VN" || code == "CN" || code == "LA"
}
func (fakePlaces) EthnicExists(code string) bool { return code == "01" || code == "06" }

func TestParseCitizenID(t *testing.T) {
	for _, c := range []struct {
		in, key string
		year    int
		sex     Sex
	}{
		{"011090012345", "", 1990, Male},   // Điện Biên, male born 1990
		{"011301012345", "", 2001, Female}, // female born 2001
		{"079205000001", "", 2005, Male},   // TP HCM
		{"01119001234", "person.cccd_length", 0, ""},
		{"01119001234X", "person.cccd_digits", 0, ""},
		{"999190012345", "person.cccd_province", 0, ""},
		{"003190012345", "person.cccd_province", 0, ""}, // 003 is not a province code
		{"011890012345", "person.cccd_century", 0, ""},  // 8: 2300s
	} {
		info, key := ParseCitizenID(c.in)
		if key != c.key {
			t.Errorf("%s: key %q, want %q", c.in, key, c.key)
			continue
		}
		if key == "" && (info.BirthYearOf() != c.year || info.Sex != c.sex) {
			t.Errorf("%s: %d %s", c.in, info.BirthYearOf(), info.Sex)
		}
	}
}

func TestValidate(t *testing.T) {
	today := ctip.NewDate(2026, 3, 2)
	cases := []struct {
		in     Input
		fields []string
	}{
		{Input{FullName: "Giàng A Páo", IDNumber: "011090012345", Sex: "male", DateOfBirth: "1990-06-01"}, nil},
		{Input{Aliases: []string{"Páo Lùn"}}, nil},
		{Input{}, []string{"full_name"}},
		{Input{FullName: "A", DateOfBirth: "2026-03-03"}, []string{"date_of_birth"}},
		{Input{FullName: "A", DateOfBirth: "2026-02-30"}, []string{"date_of_birth"}},
		{Input{FullName: "A", BirthYear: 1800}, []string{"birth_year"}},
		{Input{FullName: "A", IDNumber: "011090012345", Sex: "female"}, []string{"id_number"}},
		{Input{FullName: "A", IDNumber: "011090012345", DateOfBirth: "1991-01-01"}, []string{"id_number"}},
		{Input{FullName: "A", Phone: "12ab"}, []string{"phone"}},
		{Input{FullName: "A", Nationality: "ZZ"}, []string{"nationality"}},
		{Input{FullName: "A", EthnicCode: "99"}, []string{"ethnic_code"}},
		{Input{FullName: "A", Current: Address{CommuneCode: "99999"}}, []string{"current_address"}},
		{Input{FullName: "A", Role: "chief"}, []string{"role"}},
		{Input{FullName: strings.Repeat("x", 201)}, []string{"full_name"}},
		// id_number is a citizen ID and nothing else (review finding 3).
		{Input{FullName: "A", IDNumber: "12345"}, []string{"id_number"}},
		{Input{FullName: "A", IDNumber: "00130500123X"}, []string{"id_number"}},
		{Input{FullName: "A", IDNumber: "abc-not-an-id"}, []string{"id_number"}},
		{Input{FullName: "A", IDNumber: "011090123"}, []string{"id_number"}}, // an old CMND is not a CCCD
		// Other documents, each kind with its format.
		{Input{FullName: "A", Documents: []Document{{Kind: "cmnd", Number: "011 090 123"}}}, nil},
		{Input{FullName: "A", Documents: []Document{{Kind: "cmnd", Number: "0110901234"}}}, []string{"documents"}},
		{Input{FullName: "A", Documents: []Document{{Kind: "passport", Number: "C1234567", Country: "VN"}}}, nil},
		{Input{FullName: "A", Documents: []Document{{Kind: "passport", Number: "1234567", Country: "VN"}}}, []string{"documents"}},
		{Input{FullName: "A", Nationality: "VN", Documents: []Document{{Kind: "passport", Number: "CC123456"}}}, []string{"documents"}},
		{Input{FullName: "A", Documents: []Document{{Kind: "passport", Number: "E12345678", Country: "CN"}}}, nil},
		{Input{FullName: "A", Documents: []Document{{Kind: "passport", Number: "12AB", Country: "CN"}}}, []string{"documents"}},
		{Input{FullName: "A", Documents: []Document{{Kind: "foreign_id", Number: "ບັດ 12/ລາວ"}}}, nil},
		{Input{FullName: "A", Documents: []Document{{Kind: "foreign_id", Number: strings.Repeat("9", 31)}}}, []string{"documents"}},
		{Input{FullName: "A", Documents: []Document{{Kind: "", Number: "12345"}}}, []string{"documents"}},
	}
	for i, c := range cases {
		_, p := Validate(&c.in, fakePlaces{}, today)
		for _, f := range c.fields {
			if !p.Has(f) {
				t.Errorf("case %d: no problem with %s (%v)", i, f, p)
			}
		}
		if len(c.fields) == 0 && len(p) > 0 {
			t.Errorf("case %d: unexpected %v", i, p)
		}
	}
}

func TestAgeBandAndRetention(t *testing.T) {
	today := ctip.NewDate(2026, 3, 2)
	for y, want := range map[int]string{0: "unknown", 2020: "0-11", 2012: "12-15", 2009: "16-17", 2001: "18-25", 1995: "26-35", 1980: "36-50", 1950: "51+"} {
		if got := AgeBand(y, today); got != want {
			t.Errorf("AgeBand(%d) = %s, want %s", y, got, want)
		}
	}
	r := DefaultRetention
	if d := r.RetainUntil([]string{RoleRecruiter}, today, false); !d.IsZero() {
		t.Error("a police record has a retention date")
	}
	if d := r.RetainUntil([]string{RoleWitness}, today, false); d != ctip.NewDate(2031, 3, 2) {
		t.Errorf("witness: %v", d)
	}
	if d := r.RetainUntil([]string{RoleVictim}, today, true); !d.IsZero() {
		t.Error("an open victim file has a retention date")
	}
}

func TestWhoMayReveal(t *testing.T) {
	syt, pc02 := ctip.NewID(), ctip.NewID()
	p := &Person{Protected: true, OwnerUnitID: syt, Team: []TeamUnit{{UnitID: syt, Reason: TeamReceiving}}}
	actor := func(unit ctip.ID, perms ...ctip.Permission) *ctip.Actor {
		a := &ctip.Actor{UserID: ctip.NewID(), UnitID: unit, Perms: map[ctip.Permission]bool{}}
		for _, x := range perms {
			a.Perms[x] = true
		}
		return a
	}
	support := actor(syt, ctip.PermVictimRead, ctip.PermVictimIdentity)
	inv := actor(pc02, ctip.PermVictimRead, ctip.PermVictimIdentity)
	leader := actor(pc02, ctip.PermBreakGlass)
	if !CanReveal(support, p) || CanReveal(inv, p) || CanReveal(leader, p) {
		t.Error("reveal: only the team's identity holders")
	}
	if CanBreakGlass(support, p) || CanBreakGlass(inv, p) || !CanBreakGlass(leader, p) {
		t.Error("break the glass: only leaders outside the team")
	}
	// An investigating unit that joins the team may reveal.
	p.Team = append(p.Team, TeamUnit{UnitID: pc02, Reason: TeamInvestigating})
	if !CanReveal(inv, p) {
		t.Error("the investigating unit is on the team")
	}
	// A unit that only shares the record (linked as a witness elsewhere) is not on the team.
	q := &Person{Protected: true, OwnerUnitID: syt, Team: []TeamUnit{{UnitID: pc02, Reason: TeamShare}}}
	if CanReveal(inv, q) {
		t.Error("a share is not a place on the team")
	}
}

// A person protected only as a reporter follows the intake rule: the
// leaders (reporter.view) of the receiving unit or above reveal, nobody else
// (not the unit's investigators with victim.identity), and nobody breaks the
// glass. A victim keeps the victim rule even when also a reporter.
func TestReporterOnlyReveal(t *testing.T) {
	top, unit, other := ctip.NewID(), ctip.NewID(), ctip.NewID()
	topPath := "/" + top.String() + "/"
	unitPath := topPath + unit.String() + "/"
	otherPath := topPath + other.String() + "/"
	actor := func(id ctip.ID, path string, perms ...ctip.Permission) *ctip.Actor {
		a := &ctip.Actor{UserID: ctip.NewID(), UnitID: id, UnitPath: path, Perms: map[ctip.Permission]bool{}}
		for _, p := range perms {
			a.Perms[p] = true
		}
		return a
	}
	leaderAbove := actor(top, topPath, ctip.PermReporterView, ctip.PermBreakGlass, ctip.PermPersonRead, ctip.PermPersonWrite, ctip.PermLeaderSubtree)
	leaderOther := actor(other, otherPath, ctip.PermReporterView, ctip.PermBreakGlass, ctip.PermPersonRead, ctip.PermPersonWrite, ctip.PermLeaderSubtree)
	investigator := actor(unit, unitPath, ctip.PermVictimIdentity, ctip.PermPersonRead, ctip.PermPersonWrite)
	reporter := &Person{ID: ctip.NewID(), OwnerUnitID: unit, OwnerUnitPath: unitPath, Protected: true,
		Roles: []RoleLink{{Role: RoleReporter, RecordType: "intake_item"}}, Team: []TeamUnit{{UnitID: unit, Reason: TeamReceiving}}}
	for _, c := range []struct {
		name          string
		a             *ctip.Actor
		reveal, glass bool
	}{
		{"leader above the receiving unit", leaderAbove, true, false},
		{"leader of another unit", leaderOther, false, false},
		{"investigator of the receiving unit", investigator, false, false},
	} {
		if got := CanReveal(c.a, reporter); got != c.reveal {
			t.Errorf("%s reveals a reporter: %v", c.name, got)
		}
		if got := CanBreakGlass(c.a, reporter); got != c.glass {
			t.Errorf("%s breaks the glass on a reporter: %v", c.name, got)
		}
		if got := CanWrite(c.a, reporter); got != c.reveal {
			t.Errorf("%s changes a reporter's record (a new role would change who sees it): %v", c.name, got)
		}
	}
	victim := *reporter
	victim.Roles = append([]RoleLink{{Role: RoleVictim, RecordType: "case"}}, reporter.Roles...)
	if !CanReveal(investigator, &victim) || CanReveal(leaderAbove, &victim) || !CanBreakGlass(leaderOther, &victim) {
		t.Errorf("a victim who also reported: the victim rule applies")
	}
}

func TestDocumentOf(t *testing.T) {
	for in, want := range map[string]Document{
		"011 088 001 234": {Kind: DocCitizenID, Number: "011088001234"},
		"123456789":       {Kind: DocCMND, Number: "123456789"},
		"c1234567":        {Kind: DocPassport, Number: "C1234567"},
		"E12345678":       {Kind: DocPassport, Number: "E12345678"},
		"AB12CD34":        {Kind: DocOther, Number: "AB12CD34"},
	} {
		if got, ok := DocumentOf(in); !ok || got != want {
			t.Errorf("DocumentOf(%q) = %+v", in, got)
		}
	}
	if _, ok := DocumentOf(" "); ok {
		t.Errorf("an empty number is a document")
	}
}
