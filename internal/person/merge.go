package person

import (
	"context"
	"slices"
	"strings"
	"time"

	"ctip"
	"ctip/internal/match"
)

// Merging two records of the same real person (issue 4 §1, "one record per
// real person"). The surviving record keeps its own fields (an empty field
// takes the other record's value) and gains the other's names as aliases,
// its documents, phones and accounts, its roles (one role in one record is
// held once), links, prior records, wanted notices, consents, team and
// victim file; the merged record becomes
// a tombstone without identity that points to the survivor, so old links
// and URLs lead there. Protection is never weakened: if either record is
// protected, the survivor is (and keeps a pseudonym). One transaction,
// version-checked on both records, audited with a reason.

// Merge is a merge as the store writes it.
type Merge struct {
	Survivor        *Person // the new state of the surviving record (version already raised)
	SurvivorVersion int     // its version as read
	Merged          *Person // the record that becomes a tombstone
	MergedVersion   int     // its version as read
	MovePseudonym   bool    // the survivor takes the merged record's pseudonym
	At              time.Time
}

// MergedError answers a read of a tombstone whose survivor the actor may
// see: the caller redirects there. Anyone who may not see the survivor gets
// NotFound instead.
type MergedError struct{ Into ctip.ID }

func (e *MergedError) Error() string { return "not_found: person.merged" }

// Unwrap makes an unhandled MergedError a plain NotFound.
func (e *MergedError) Unwrap() error { return ctip.ErrNotFound() }

// MergePreview is what the confirmation page shows: both records as the
// actor sees them, and what the survivor will hold.
type MergePreview struct {
	Survivor *View
	Merged   *View
	Result   *Person
}

// CanMerge reports whether the actor may merge records at all.
func CanMerge(a *ctip.Actor) bool { return a.Can(ctip.PermPersonMerge) }

// mergeLoad loads both records for a merge and checks everything but the
// versions: the permission, scope on both, no tombstone, the identity of a
// protected record on screen, and not two open victim files.
func (s *Service) mergeLoad(ctx context.Context, survivorID, mergedID ctip.ID) (*ctip.Actor, *View, *View, error) {
	a, err := ActorOf(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	if !CanMerge(a) {
		return nil, nil, nil, ctip.ErrForbidden()
	}
	if survivorID == mergedID {
		var pr ctip.Problems
		pr.Add("other", "person.merge_self")
		return nil, nil, nil, pr.Err()
	}
	var views [2]*View
	for i, id := range []ctip.ID{survivorID, mergedID} {
		p, err := s.load(ctx, a, id, "merge")
		if err != nil {
			var me *MergedError
			if i == 1 && asMerged(err, &me) {
				return nil, nil, nil, ctip.Errorf(ctip.Conflict, "person.already_merged")
			}
			return nil, nil, nil, err
		}
		v, err := s.view(ctx, a, p)
		if err != nil {
			return nil, nil, nil, err
		}
		if !v.ShowIdentity {
			// Judging that two records are one person needs both identities:
			// a protected record must be revealed (or the glass broken) first.
			return nil, nil, nil, ctip.Errorf(ctip.Forbidden, "person.merge_reveal_first")
		}
		views[i] = v
	}
	// Both may have victim files (a person received again has closed ones):
	// the survivor takes them all, so two OPEN files cannot be merged (at
	// most one open file per person).
	if views[0].Person.VictimOpen && views[1].Person.VictimOpen {
		return nil, nil, nil, ctip.Errorf(ctip.Conflict, "person.merge_two_files")
	}
	return a, views[0], views[1], nil
}

func asMerged(err error, me **MergedError) bool {
	m, ok := err.(*MergedError)
	if ok {
		*me = m
	}
	return ok
}

// PreviewMerge returns both records and the result of merging the second
// into the first, for the confirmation page. Reading both is audited.
func (s *Service) PreviewMerge(ctx context.Context, survivorID, mergedID ctip.ID) (*MergePreview, error) {
	a, sv, mv, err := s.mergeLoad(ctx, survivorID, mergedID)
	if err != nil {
		return nil, err
	}
	for _, v := range []*View{sv, mv} {
		ev := ctip.NewAuditEvent(a, s.now(), "person.view", "person", v.Person.ID)
		ev.Fields = []string{"identity", "merge_preview"}
		if err := s.Store.AppendAudit(ctx, ev); err != nil {
			return nil, err
		}
	}
	res := *sv.Person
	mergeInto(&res, mv.Person)
	return &MergePreview{Survivor: sv, Merged: mv, Result: &res}, nil
}

// Merge merges the record mergedID into survivorID. Both versions must be
// the ones the user confirmed.
func (s *Service) Merge(ctx context.Context, survivorID, mergedID ctip.ID, survivorVersion, mergedVersion int, reason string) (*View, error) {
	a, sv, mv, err := s.mergeLoad(ctx, survivorID, mergedID)
	if err != nil {
		return nil, err
	}
	reason = clean(reason)
	var pr ctip.Problems
	if reason == "" {
		pr.Add("reason", "person.reason_required")
	} else if len([]rune(reason)) < MinReasonLen {
		pr.Add("reason", "person.reason_short", MinReasonLen)
	}
	tooLong(&pr, "reason", reason, MaxText)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	surv, merged := sv.Person, mv.Person
	if surv.Version != survivorVersion || merged.Version != mergedVersion {
		return nil, ctip.ErrStale()
	}
	now := s.now()
	m := Merge{SurvivorVersion: surv.Version, Merged: merged, MergedVersion: merged.Version, At: now}
	m.MovePseudonym = !surv.Protected && merged.Protected
	mergeInto(surv, merged)
	surv.Version++
	surv.UpdatedAt = now
	m.Survivor = surv
	au := ctip.NewAuditEvent(a, now, "person.merge", "person", surv.ID)
	au.Fields = []string{"merged:" + merged.ID.String()}
	if surv.Protected {
		au.Fields = append(au.Fields, "protected")
	}
	au.Reason = reason
	if err := s.Store.MergePersons(ctx, m, au); err != nil {
		return nil, err
	}
	return s.Get(ctx, surv.ID)
}

// mergeInto folds the merged record's identity and attributes into the
// survivor (in memory). The survivor's own values win; empty ones are
// filled; lists are united without repeats; protection and the watch flag
// are never lost; the retention date is the later one ("keep" wins).
func mergeInto(surv, m *Person) {
	id, o := &surv.Identity, m.Identity
	names := nameKeys(*id)
	for _, n := range append([]string{o.FullName}, o.Aliases...) {
		if k := nameKey(n); k != "" && !slices.Contains(names, k) {
			if id.FullName == "" {
				id.FullName = n
			} else {
				id.Aliases = append(id.Aliases, n)
			}
			names = append(names, k)
		}
	}
	nums := docNumbers(*id)
	for _, d := range o.Documents {
		if n := match.NormaliseID(d.Number); n != "" && !slices.Contains(nums, n) {
			id.Documents = append(id.Documents, d)
			nums = append(nums, n)
		}
	}
	phones := phoneNumbers(*id)
	for _, p := range o.Phones {
		if n := match.NormalisePhone(p); n != "" && !slices.Contains(phones, n) {
			id.Phones = append(id.Phones, p)
			phones = append(phones, n)
		}
	}
	for _, ac := range o.Accounts {
		if !slices.ContainsFunc(id.Accounts, func(x Account) bool {
			return x.Platform == ac.Platform && strings.EqualFold(x.Handle, ac.Handle)
		}) {
			id.Accounts = append(id.Accounts, ac)
		}
	}
	if id.DateOfBirth.IsZero() {
		id.DateOfBirth = o.DateOfBirth
	}
	if id.Permanent.IsZero() {
		id.Permanent = o.Permanent
	}
	if id.Current.IsZero() {
		id.Current = o.Current
	}
	if id.Occupation == "" {
		id.Occupation = o.Occupation
	}
	if len(id.Photo) == 0 {
		id.Photo = o.Photo
	}
	switch {
	case id.Notes == "":
		id.Notes = o.Notes
	case o.Notes != "" && o.Notes != id.Notes:
		id.Notes += "\n\n" + o.Notes
	}
	if surv.Sex == Unknown || surv.Sex == "" {
		surv.Sex = m.Sex
	}
	if surv.BirthYear == 0 || surv.BirthPrecision == BirthEstimated && m.BirthPrecision != "" && m.BirthPrecision != BirthEstimated {
		surv.BirthYear, surv.BirthPrecision = m.BirthYear, m.BirthPrecision
	}
	if !id.DateOfBirth.IsZero() {
		surv.BirthYear, surv.BirthPrecision = id.DateOfBirth.Year, BirthExact
	}
	if surv.EthnicCode == "" {
		surv.EthnicCode = m.EthnicCode
	}
	if surv.Nationality == "" {
		surv.Nationality = m.Nationality
	}
	if !surv.Watch && m.Watch {
		surv.Watch, surv.WatchReason, surv.WatchUntil = true, m.WatchReason, m.WatchUntil
	} else if surv.Watch && m.Watch && m.WatchUntil.After(surv.WatchUntil) {
		surv.WatchUntil = m.WatchUntil
	}
	// Protection is never weakened (Law 53/2024 Art. 3: confidentiality of victims).
	if m.Protected && !surv.Protected {
		surv.Protected, surv.Pseudonym = true, m.Pseudonym
	}
	// Retention: an empty date means "keep" (a police record or an open file).
	if surv.RetainUntil.IsZero() || m.RetainUntil.IsZero() {
		surv.RetainUntil = ctip.Date{}
	} else if m.RetainUntil.After(surv.RetainUntil) {
		surv.RetainUntil = m.RetainUntil
	}
	surv.IsVictim = surv.IsVictim || m.IsVictim
	surv.VictimOpen = surv.VictimOpen || m.VictimOpen
	for _, r := range m.Roles {
		// The same role in the same record is held once.
		if !slices.ContainsFunc(surv.Roles, func(x RoleLink) bool {
			return x.Role == r.Role && x.RecordType == r.RecordType && x.RecordID == r.RecordID
		}) {
			surv.Roles = append(surv.Roles, r)
		}
	}
	surv.Priors = append(surv.Priors, m.Priors...)
	surv.Wanted = append(surv.Wanted, m.Wanted...)
	surv.Consents = append(surv.Consents, m.Consents...)
	for _, t := range m.Team {
		if !slices.Contains(surv.Team, t) {
			surv.Team = append(surv.Team, t)
		}
	}
}
