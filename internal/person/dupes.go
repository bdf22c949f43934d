package person

import (
	"context"
	"slices"
	"strings"

	"ctip"
	"ctip/internal/match"
)

// Duplicate detection ("one record per real person", issue 4 §1): before a
// person is recorded (the person form, POST /api/v1/persons, a victim's
// reception), the registry looks for likely existing records of the same
// person through the keyed blind indexes — never through identity in clear:
//
//   - the same identity-document number (citizen ID, passport, foreign ID),
//   - the same phone number,
//   - the same folded name (diacritics and case ignored, every token equal)
//     and the same year of birth.
//
// The candidates are verified on the decrypted values and filtered exactly
// like search results: a protected person (victim, person being identified,
// relative, protected reporter) is a candidate only for a user who may
// reveal them (victim-identity permission and on the team), under the
// pseudonym; anyone else gets no hint that such a record exists, and the
// record is created as asked (the same queries run on both paths).

// Reasons a candidate matched.
const (
	DupIDNumber  = "id_number"
	DupPhone     = "phone"
	DupNameBirth = "name_birth_year"
)

// DuplicateQuery is what the store looks up: normalised document numbers and
// phones, and the folded tokens of each name (full name and aliases).
type DuplicateQuery struct {
	IDNumbers []string
	Phones    []string
	Names     [][]string
	Limit     int
}

// Duplicate is a visible candidate with the reasons it matched.
type Duplicate struct {
	Hit
	Reasons []string
	Version int // the version read (a reception on the record checks it)
}

// DuplicateLimit bounds the candidates considered.
const DuplicateLimit = 50

// DuplicateError refuses a new record that looks like an existing one
// (Conflict): the caller shows the candidates and lets the user open one
// or confirm that the record is new (Input.ConfirmNew).
type DuplicateError struct {
	Candidates []Duplicate
}

func (e *DuplicateError) Error() string { return "conflict: person.duplicates" }

// Unwrap makes the error a ctip Conflict for status mapping and problems.
func (e *DuplicateError) Unwrap() error {
	return ctip.Errorf(ctip.Conflict, "person.duplicates", len(e.Candidates))
}

// nameKey is the order-free folded form of a name ("" when it has no token).
func nameKey(name string) string {
	toks := match.Tokens(name)
	slices.Sort(toks)
	return strings.Join(toks, " ")
}

func nameKeys(id Identity) []string {
	var out []string
	for _, n := range append([]string{id.FullName}, id.Aliases...) {
		if k := nameKey(n); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func docNumbers(id Identity) []string {
	var out []string
	for _, d := range id.Documents {
		if n := match.NormaliseID(d.Number); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func phoneNumbers(id Identity) []string {
	var out []string
	for _, p := range id.Phones {
		if n := match.NormalisePhone(p); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// duplicateReasons says why an existing person looks like the new one
// (nil when, on the decrypted values, it does not).
func duplicateReasons(newP, old *Person) []string {
	var why []string
	overlap := func(a, b []string) bool {
		for _, x := range a {
			if slices.Contains(b, x) {
				return true
			}
		}
		return false
	}
	if overlap(docNumbers(newP.Identity), docNumbers(old.Identity)) {
		why = append(why, DupIDNumber)
	}
	if overlap(phoneNumbers(newP.Identity), phoneNumbers(old.Identity)) {
		why = append(why, DupPhone)
	}
	if newP.BirthYear != 0 && newP.BirthYear == old.BirthYear && overlap(nameKeys(newP.Identity), nameKeys(old.Identity)) {
		why = append(why, DupNameBirth)
	}
	return why
}

// DuplicatesOf returns the existing records that look like a new person
// (built, not yet written), as the actor may see them. Candidates the actor
// may not see are dropped without a trace in the answer.
func (s *Service) DuplicatesOf(ctx context.Context, p *Person) ([]Duplicate, error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return nil, err
	}
	q := DuplicateQuery{IDNumbers: docNumbers(p.Identity), Phones: phoneNumbers(p.Identity), Limit: DuplicateLimit}
	if p.BirthYear != 0 {
		for _, n := range append([]string{p.Identity.FullName}, p.Identity.Aliases...) {
			if toks := match.Tokens(n); len(toks) > 0 {
				q.Names = append(q.Names, toks)
			}
		}
	}
	if len(q.IDNumbers) == 0 && len(q.Phones) == 0 && len(q.Names) == 0 {
		return nil, nil
	}
	cands, err := s.Store.FindDuplicates(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []Duplicate
	for _, c := range cands {
		if c.ID == p.ID || c.MergedInto.Valid {
			continue
		}
		why := duplicateReasons(p, c)
		if len(why) == 0 {
			continue
		}
		// The same rule as search: a protected person only for those who may reveal them.
		visible := CanRead(a, c) && (!c.Protected || CanReveal(a, c))
		if !visible {
			continue
		}
		out = append(out, Duplicate{Hit: s.hitOf(c), Reasons: why, Version: c.Version})
	}
	slices.SortFunc(out, func(x, y Duplicate) int { return len(y.Reasons) - len(x.Reasons) })
	if len(out) > 0 {
		ev := ctip.NewAuditEvent(a, s.now(), "person.duplicates", "person", ctip.NilID)
		ev.Fields = []string{"results:" + itoa(len(out))}
		if err := s.Store.AppendAudit(ctx, ev); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// hitOf is a person as a list entry: the name, or the pseudonym of a
// protected person.
func (s *Service) hitOf(p *Person) Hit {
	h := Hit{ID: p.ID, Protected: p.Protected, Sex: p.Sex, AgeBand: AgeBand(p.BirthYear, s.today()), Link: "/persons/" + p.ID.String()}
	if p.Protected {
		h.Label = p.Pseudonym
	} else {
		h.Label = p.Identity.FullName
		if h.Label == "" && len(p.Identity.Aliases) > 0 {
			h.Label = p.Identity.Aliases[0]
		}
	}
	for _, r := range p.Roles {
		if !slices.Contains(h.Roles, r.Role) {
			h.Roles = append(h.Roles, r.Role)
		}
	}
	return h
}
