package demo

import (
	"context"
	"fmt"
	"time"

	"ctip"
	"ctip/internal/person"
)

// suspectPlan is a suspect registered while an item is verified: recorded
// by the investigator with the first verification, linked to the item, and
// charged in the case if one follows. A few suspects of items not
// prosecuted go on the watch-list.
type suspectPlan struct {
	item     *plan
	at       time.Time
	by       string
	name     string
	alias    string
	female   bool
	born     int
	idNumber string
	phone    string
	role     string
	watch    ctip.Date // zero: not watched
	personID ctip.ID
}

// planSuspects picks the items whose suspect the investigator identifies
// and registers during verification.
func (l *loader) planSuspects(plans []*plan) (out []*suspectPlan) {
	for _, p := range plans {
		var first *step
		for i := range p.steps {
			if p.steps[i].kind == stVerify {
				first = &p.steps[i]
				break
			}
		}
		if first == nil {
			continue
		}
		st := p.story
		named := len(st.suspects) > 0 && st.suspects[0].name != "" && !st.suspects[0].alias
		if !(named && l.chance(70) || !named && l.chance(25)) {
			continue
		}
		s := &suspectPlan{item: p, at: first.at, by: first.by}
		if named {
			s.name, s.female = st.suspects[0].name, st.suspects[0].female
		} else {
			s.female = len(st.suspects) > 0 && st.suspects[0].female || len(st.suspects) == 0 && l.chance(40)
			s.name = l.cg.person(s.female)
			if len(st.suspects) > 0 && st.suspects[0].alias {
				s.alias = st.suspects[0].name
			}
		}
		age := 22 + l.crng.IntN(30)
		if len(st.suspects) > 0 && st.suspects[0].age > 0 {
			age = st.suspects[0].age
		}
		s.born = ctip.DateOf(p.in.ReceivedAt).Year - age
		if l.chance(65) {
			s.idNumber = l.cg.idNumber(s.female, s.born)
		}
		if l.chance(80) {
			s.phone = l.cg.phone()
		}
		s.role = person.RoleRecruiter
		switch p.in.OffenceArticle {
		case "348", "349", "347", "350":
			s.role = []string{person.RoleBroker, person.RoleTransporter}[l.crng.IntN(2)]
		case "154":
			s.role = person.RoleBroker
		}
		out = append(out, s)
	}
	// The watch-list: suspects of items not prosecuted in the last months.
	watched := 0
	for _, s := range out {
		n := len(s.item.steps)
		last := s.item.steps[n-1]
		if last.kind != stNotProsecute || watched >= 2 {
			continue
		}
		d := ctip.DateOf(last.at).AddDays(1 + l.crng.IntN(10))
		if d.Before(l.lastDay.AddDays(-300)) || d.After(l.lastDay) {
			continue
		}
		s.watch = d
		watched++
	}
	return out
}

// suspectsByItem indexes the suspects by their item.
func suspectsByItem(ss []*suspectPlan) map[*plan]*suspectPlan {
	m := map[*plan]*suspectPlan{}
	for _, s := range ss {
		m[s.item] = s
	}
	return m
}

func (l *loader) suspectTrack(s *suspectPlan, idx int) *track {
	a := &agenda{l: l}
	// Recorded with the first verification (right after it, same instant),
	// then linked to the item.
	a.addAt(s.at, prFirst, s.by, "person_create", func(ctx context.Context) error {
		in := person.Input{FullName: s.name, Sex: sexOf(s.female), BirthYear: s.born, EthnicCode: ethnicOf(s.name), Nationality: "VN",
			IDNumber: s.idNumber, Phone: s.phone, Permanent: person.Address{Line: l.cg.pick(villages), CommuneCode: s.item.commune},
			Role: s.role, RecordType: "intake_item", RecordID: s.item.id.String(),
			Notes:      "Đối tượng nghi vấn xác định qua xác minh nguồn tin " + s.item.item.Reference,
			ConfirmNew: true} // generated persons are distinct (a shared random name and year is not a duplicate)
		if s.alias != "" {
			in.Aliases = []string{s.alias}
		}
		v, err := l.d.Persons.Create(ctx, in)
		if err != nil {
			return err
		}
		s.personID = v.Person.ID
		return nil
	})
	a.addAt(s.at.Add(time.Minute), prFirst, s.by, "person_link", func(ctx context.Context) error {
		return l.d.Persons.Link(ctx, s.personID, "intake_item", s.item.id.String(), person.RoleSuspect)
	})
	if !s.watch.IsZero() {
		a.add(s.watch, prLate, "lanhdao", "person_watch", func(ctx context.Context) error {
			until := l.today().AddDays(365)
			return l.d.Persons.SetWatch(ctx, s.personID, 1, true,
				"Nhiều lần bị tố giác môi giới đưa phụ nữ sang Trung Quốc; chưa đủ căn cứ khởi tố. Theo dõi việc xuất nhập cảnh, cư trú", until)
		})
	}
	return &track{idx: idx, kind: kindPerson, label: fmt.Sprintf("suspect of item %d", s.item.idx), steps: a.steps()}
}
