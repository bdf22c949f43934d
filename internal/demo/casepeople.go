package demo

import (
	"fmt"
	"slices"
	"time"

	"ctip"
	"ctip/internal/casefile"
	"ctip/internal/legal"
	"ctip/internal/person"
)

// ---------- people ----------

// roleFor picks an accused's role in the registry (HTCDS roles).
func (l *loader) roleFor(art string, ring bool, first bool) string {
	switch {
	case ring && first:
		return person.RoleOrganiser
	case art == "348" || art == "349":
		return []string{person.RoleBroker, person.RoleTransporter, person.RoleBroker}[l.crng.IntN(3)]
	case ring:
		return []string{person.RoleRecruiter, person.RoleTransporter, person.RoleHarbourer, person.RoleRecruiter, person.RoleBuyer}[l.crng.IntN(5)]
	}
	return []string{person.RoleRecruiter, person.RoleRecruiter, person.RoleTransporter, person.RoleBroker}[l.crng.IntN(4)]
}

// planAccused plans the persons charged in a case: when, with what, under
// which measure, and the judgment they will receive.
func (l *loader) planAccused(cp *casePlan, sp *suspectPlan, wanted *int) {
	last := l.lastDay
	end := cp.invEnd(last)
	p := cp.path
	if !p.resumed.IsZero() && p.suspended.Before(end) {
		end = p.suspended
	}
	n := 1
	switch {
	case cp.ring:
		n = 2 + l.crng.IntN(3)
	case l.chance(28):
		n = 2
	}
	fledOne := false
	switch cp.target {
	case tgTerminated:
		return
	case tgSuspended:
		if p.ground == "suspect_unknown" {
			// Either nobody was identified, or the one accused fled (the
			// first such case has one: a wanted notice in the registry).
			if !(*wanted == 0 || *wanted < 3 && l.chance(40)) {
				return
			}
			n, fledOne = 1, true
		}
	default:
		fledOne = cp.ring && n >= 3 && l.chance(45) && *wanted < 4
	}
	st := cp.item.story
	for i := 0; i < n; i++ {
		a := &accPlan{charge: cp.charge, measure: map[casefile.MeasureType]ctip.ID{}}
		// When: the first soon after the institution, others later.
		lo, hi := cp.d0, minD(end.AddDays(-8), last)
		if i == 0 {
			if l.chance(50) {
				hi = minD(hi, cp.d0)
			} else {
				hi = minD(hi, cp.d0.AddDays(10))
			}
		} else {
			lo, hi = cp.d0.AddDays(3), minD(hi, cp.d0.AddDays(60))
		}
		if hi.Before(lo) {
			if i == 0 && cp.target >= tgProsecution {
				hi = lo // a case concluded must have charged someone
			} else {
				break
			}
		}
		a.charged = l.work(l.dayIn(lo, hi), lo, hi)
		// Who.
		var fig figure
		if i < len(st.suspects) {
			fig = st.suspects[i]
		} else {
			fig = figure{female: l.chance(40)}
		}
		a.female = fig.female
		switch {
		case fig.alias:
			a.alias = fig.name
			if fig.female {
				a.name = l.cg.pick(kinhFamily) + " Thị " + fig.name
			} else {
				a.name = l.cg.pick(hmongFamily) + " A " + fig.name
			}
		case fig.name != "":
			a.name = fig.name
		default:
			a.name = l.cg.person(a.female)
		}
		age := fig.age
		if age == 0 {
			age = 22 + l.crng.IntN(30)
		}
		a.born = cp.d0.Year - age
		a.ethnic = ethnicOf(a.name)
		if l.chance(75) {
			a.idNumber = l.cg.idNumber(a.female, a.born)
		}
		if l.chance(70) {
			a.phone = l.cg.phone()
		}
		a.home, a.village = cp.item.commune, l.cg.pick(villages)
		a.occupation = l.cg.pick([]string{"Làm nương", "Lao động tự do", "Buôn bán nhỏ", "Lái xe ôm", "Làm thuê", "Không nghề nghiệp"})
		a.role = l.roleFor(cp.art, cp.ring, i == 0)
		if i == 0 && sp != nil {
			// The suspect registered during verification is the one charged.
			a.suspect = sp
			a.name, a.female, a.born, a.ethnic, a.alias = sp.name, sp.female, sp.born, ethnicOf(sp.name), sp.alias
			a.idNumber, a.phone = sp.idNumber, sp.phone
			if !cp.ring {
				a.role = sp.role
			}
		}
		// Measures.
		serious := cp.cat == legal.VerySerious || cp.cat == legal.EspeciallySerious
		a.detained = serious && l.chance(75) || !serious && l.chance(40)
		a.custody = a.detained && l.chance(50)
		a.bail = l.chance(35)
		if fledOne && (cp.target == tgSuspended || i == n-1) {
			flee := minD(a.charged.AddDays(10+l.crng.IntN(25)), end.AddDays(-3))
			if cp.target == tgSuspended {
				flee = a.charged
			}
			if !flee.Before(a.charged) && !flee.After(last) {
				a.fled, a.detained, a.custody = flee, false, false
				*wanted++
			}
		}
		// A prior record, now and then.
		switch r := l.crng.IntN(100); {
		case r < 12:
			d := ctip.NewDate(cp.d0.Year-3-l.crng.IntN(6), time.Month(1+l.crng.IntN(12)), 1+l.crng.IntN(28))
			off := "Điều 150 BLHS (Mua bán người)"
			if cp.art == "348" || cp.art == "349" {
				off = "Điều 348 BLHS (Tổ chức cho người khác xuất cảnh trái phép)"
			}
			a.prior = &person.Prior{Kind: person.PriorConviction, Offence: off, DecidedOn: d,
				Decision: fmt.Sprintf("Bản án số %d/%d/HS-ST ngày %s", 10+l.crng.IntN(80), d.Year, d.Format()), Body: "Tòa án nhân dân tỉnh Điện Biên"}
		case r < 22:
			d := cp.d0.AddDays(-200 - l.crng.IntN(300))
			a.prior = &person.Prior{Kind: person.PriorAdmin, Offence: "Xuất cảnh trái phép qua đường mòn, lối mở (Nghị định 144/2021/NĐ-CP)", DecidedOn: d,
				Decision: fmt.Sprintf("Quyết định xử phạt vi phạm hành chính số %d/QĐ-XPVPHC", 100+l.crng.IntN(800)), Body: "Đồn Biên phòng A Pa Chải"}
		}
		// The judgment (Penal Code Art. 38: prison within the clause's bracket, or probation for the lightest).
		if cl, err := l.catalogue().Lookup(cp.offence, a.charge.Article, a.charge.Clause); err == nil {
			lo, hi := max(cl.Bracket.MinMonths, 3), min(cl.Bracket.MaxMonths, 240)
			months := lo + l.crng.IntN(max(1, (hi-lo)/2+1))
			months -= months % 6
			months = max(months, lo)
			a.verdict = casefile.VerdictInput{Verdict: "convicted", SentenceType: "prison", SentenceMonths: months}
			if cl.Bracket.MaxMonths <= 60 && l.chance(30) && a.prior == nil {
				a.verdict = casefile.VerdictInput{Verdict: "convicted", SentenceType: "probation"}
			}
		}
		cp.accused = append(cp.accused, a)
	}
}

// planParties plans the victims and witnesses of a case: those its story
// names, a few it only counts, and a relative or villager as witness.
func (l *loader) planParties(cp *casePlan) {
	last := l.lastDay
	end := minD(cp.invEnd(last).AddDays(-2), last)
	if cp.target == tgTerminated {
		end = minD(cp.path.terminated.AddDays(-1), last)
	}
	st := cp.item.story
	received := ctip.DateOf(cp.item.in.ReceivedAt)
	day := func(lo ctip.Date) (ctip.Date, bool) {
		lo = maxD(lo, cp.d0.AddDays(1))
		hi := minD(end, lo.AddDays(20))
		if hi.Before(lo) {
			return lo, false
		}
		return l.work(l.dayIn(lo, hi), lo, hi), true
	}
	victims := st.victims
	if cp.art == "154" || cp.art == "348" || cp.art == "349" {
		victims = nil
	}
	if len(victims) > 0 {
		// A couple of those the story only counts.
		victims = slices.Clone(victims)
		for i := 0; i < min(st.others, 2); i++ {
			f := figure{female: victims[0].female}
			f.name, f.age = l.cg.person(f.female), 16+l.crng.IntN(12)
			victims = append(victims, f)
		}
	}
	for _, v := range victims {
		pt := &partyPlan{role: casefile.RoleVictim, name: v.name, female: v.female}
		age := v.age
		if age == 0 {
			age = 18 + l.crng.IntN(15)
		}
		pt.born = received.Year - age
		switch {
		case st.home:
			pt.back = received.AddDays(-l.crng.IntN(3))
			pt.channel = "self_report"
			if cp.item.in.Channel == "foreign_handover" {
				pt.channel, pt.rescued = "foreign_handover", true
			}
		case cp.art == "150" || cp.art == "151":
			// Most victims still abroad are found and brought back during the investigation.
			lo, hi := cp.d0.AddDays(5), minD(cp.d0.AddDays(130), minD(end, last.AddDays(-1)))
			if !hi.Before(lo) && l.chance(72) {
				pt.back, pt.rescued = l.dayIn(lo, hi), true
				pt.channel = []string{"foreign_handover", "foreign_handover", "rescue", "mission_return"}[l.crng.IntN(4)]
				if st.dest == "LA" && pt.channel == "foreign_handover" && l.chance(50) {
					pt.channel = "mission_return"
				}
			}
		}
		lo := cp.d0
		if !pt.back.IsZero() {
			lo = pt.back.AddDays(1)
		}
		var ok bool
		if pt.day, ok = day(lo); !ok {
			// Back too late for the investigation: recorded without the rescue.
			if pt.day, ok = day(cp.d0); !ok {
				continue
			}
			if pt.back.After(pt.day) {
				pt.rescued = false
			}
		}
		if pt.rescued && pt.back.After(pt.day) {
			pt.rescued = false
		}
		cp.parties = append(cp.parties, pt)
	}
	for _, w := range st.witnesses {
		pt := &partyPlan{role: casefile.RoleWitness, name: w.name, female: w.female, born: received.Year - max(w.age, 20+l.crng.IntN(30))}
		if d, ok := day(cp.d0); ok {
			pt.day = d
			cp.parties = append(cp.parties, pt)
		}
	}
	if l.chance(55) {
		f := l.chance(50)
		pt := &partyPlan{role: casefile.RoleWitness, name: l.cg.person(f), female: f, born: received.Year - 25 - l.crng.IntN(35)}
		if d, ok := day(cp.d0); ok {
			pt.day = d
			cp.parties = append(cp.parties, pt)
		}
	}
}

// planKeyCases designates a few key cases (vụ án trọng điểm): rings and
// especially serious cases still open when proposed; most agreed, one
// still awaiting the procuracy's agreement.
func (l *loader) planKeyCases(cases []*casePlan) {
	var cands []*casePlan
	for _, cp := range cases {
		if (cp.ring || cp.cat == legal.EspeciallySerious) && len(cp.accused) > 0 && cp.target != tgTerminated {
			cands = append(cands, cp)
		}
	}
	l.crng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	// Two of them still open (the board follows key cases), then any.
	slices.SortStableFunc(cands, func(a, b *casePlan) int { return btoi(a.target == tgFinal) - btoi(b.target == tgFinal) })
	if len(cands) > 2 {
		rest := cands[2:]
		l.crng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	}
	want := max(2, len(cases)*8/100)
	for i, cp := range cands[:min(want, len(cands))] {
		cp.key = 2
		if i == 1 {
			cp.key = 1
		}
		cp.keyReason = l.cg.pick([]string{
			"Đường dây mua bán người có tổ chức, hoạt động xuyên biên giới, nhiều nạn nhân là người dân tộc thiểu số",
			"Vụ án đặc biệt nghiêm trọng, được dư luận xã hội quan tâm; cần phối hợp chặt chẽ để truy tố, xét xử nghiêm minh",
			"Đường dây đưa người sang Trung Quốc bán, có đối tượng cầm đầu đã có tiền án về tội mua bán người",
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ethnicOf guesses the ethnic group (code of the 54 groups) from a family
// name as the demo writes them.
func ethnicOf(name string) string {
	f := name
	for i, r := range name {
		if r == ' ' {
			f = name[:i]
			break
		}
	}
	switch {
	case slices.Contains(hmongFamily, f) || len(name) > len(f)+3 && name[len(f):len(f)+3] == " A ":
		return "08"
	case slices.Contains(kinhFamily, f):
		return "01"
	case slices.Contains(thaiFamily, f):
		return "03"
	}
	return ""
}
