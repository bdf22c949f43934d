package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"ctip"
	"ctip/internal/person"
	"ctip/internal/victim"
)

// lawStart is when Law 53/2024 took effect: victims received before were
// handled under the 2011 law and are not received through this service.
var lawStart = ctip.NewDate(2025, 7, 1)

// victimPlan is one victim file: the reception by the provincial health
// department (the 2025 flow and its clocks), identification, protection,
// support, follow-ups, the needs survey and closure.
type victimPlan struct {
	idx     int
	party   *partyPlan // when the victim is a party to a case
	cp      *casePlan
	name    string
	female  bool
	born    int
	dob     ctip.Date
	ethnic  string
	idNum   string
	phone   string
	home    string
	village string
	child   bool

	channel, body       string
	receptionCommune    string
	receptionCountry    string
	foundAbroad         bool
	back                ctip.Date // rescued, handed over or back home
	receivedAt          time.Time
	communeAt, healthAt time.Time
	verified            ctip.Date
	status              victim.Status
	decided             ctip.Date
	grounds             []string
	documents           string
	dest                string
	exploit             string
	principal           *victimPlan // the victim an under-18 accompanies

	// Runtime.
	id        ctip.ID
	version   int
	personID  ctip.ID
	pseudonym string
	// linked: the file has been linked to its case (LinkCase), which puts
	// the case's officers on the victim's team; only then may they pick the
	// protected person on the case's party form.
	linked    bool
	essential ctip.Date
	visits    map[int]ctip.ID // follow-ups by days after identification
}

// planVictims plans the victim files: most of the victims of the cases who
// came back after the law took effect, and others who came forward
// without a case (self-reports, referrals, returns through a mission).
func (l *loader) planVictims(plans []*plan, cases []*casePlan) []*victimPlan {
	last := l.lastDay
	from := maxD(lawStart, ctip.DateOf(l.start).AddDays(7))
	if last.Before(from.AddDays(10)) {
		return nil
	}
	target := max(14, len(plans)*16/100)
	var out []*victimPlan
	var cands []*partyPlan
	owner := map[*partyPlan]*casePlan{}
	for _, cp := range cases {
		for _, pt := range cp.parties {
			if pt.role == "victim" && !pt.back.IsZero() && !pt.back.Before(from) && !pt.back.After(last.AddDays(-1)) && (cp.art == "150" || cp.art == "151") {
				cands = append(cands, pt)
				owner[pt] = cp
			}
		}
	}
	for _, pt := range cands {
		if len(out) >= target*60/100 || !l.chance(85) {
			continue
		}
		cp := owner[pt]
		v := &victimPlan{party: pt, cp: cp, name: pt.name, female: pt.female, born: pt.born, home: cp.item.commune, back: pt.back,
			channel: pt.channel, dest: cp.item.story.dest, exploit: cp.item.story.exploit}
		pt.victim = v
		out = append(out, v)
	}
	// Others, spread over the time the law has been in force; one received
	// in the last days (still being identified), one found not to be a victim.
	for n := 0; len(out) < target; n++ {
		v := &victimPlan{}
		v.female = l.chance(78)
		age := 16 + l.crng.IntN(18)
		if n == 1 {
			age = 15 + l.crng.IntN(3) // a child who came forward herself
		}
		switch n {
		case 0:
			v.back = l.dayIn(last.AddDays(-5), last.AddDays(-1))
		default:
			v.back = l.dayIn(from, last.AddDays(-1))
		}
		v.born = v.back.Year - age
		v.name = l.cg.person(v.female)
		v.home = l.cg.pick(l.provinceCommunes())
		switch r := l.crng.IntN(100); {
		case r < 30:
			v.channel = "self_report"
		case r < 45:
			v.channel = "ngo_referral"
		case r < 70:
			v.channel = "mission_return"
		default:
			v.channel = "foreign_handover"
		}
		v.dest = "CN"
		if v.channel == "mission_return" || l.chance(25) {
			v.dest = "LA"
		}
		v.exploit = []string{"ForcedMarriage", "ForcedMarriage", "ForcedLabour", "SexualExploitation", "ForcedLabour"}[l.crng.IntN(5)]
		if n == 2 {
			v.status = victim.NotVictim
		}
		out = append(out, v)
	}
	// A child born abroad who comes back with her mother.
	for _, v := range out {
		if v.party == nil && v.female && v.foundAbroadChannel() && v.back.Year-v.born >= 20 && !v.back.After(last.AddDays(-20)) {
			c := &victimPlan{principal: v, female: l.chance(50), back: v.back, channel: v.channel, dest: v.dest, home: v.home}
			c.born = v.back.Year - 2 - l.crng.IntN(3)
			c.name = l.cg.person(c.female)
			out = append(out, c)
			break
		}
	}
	for i, v := range out {
		v.idx = i
		l.shapeVictim(v)
	}
	return out
}

func (v *victimPlan) foundAbroadChannel() bool {
	return v.channel == "foreign_handover" || v.channel == "mission_return"
}

// provinceCommunes lists the commune codes of the province.
func (l *loader) provinceCommunes() []string {
	var out []string
	for _, c := range l.d.Places.CommunesOf(Province) {
		out = append(out, c.Code)
	}
	return out
}

// shapeVictim fills in a victim's identity, reception and decisions.
func (l *loader) shapeVictim(v *victimPlan) {
	last := l.lastDay
	v.ethnic = ethnicOf(v.name)
	v.child = v.back.Year-v.born < 18
	if v.back.Year-v.born >= 14 && l.chance(70) {
		v.idNum = l.cg.idNumber(v.female, v.born)
	}
	if v.back.Year-v.born >= 16 && l.chance(55) {
		v.phone = l.cg.phone()
	}
	if l.chance(35) {
		v.dob = ctip.NewDate(v.born, time.Month(1+l.crng.IntN(12)), 1+l.crng.IntN(28))
	}
	v.village = l.cg.pick(villages)
	v.foundAbroad = v.foundAbroadChannel()
	commune := func(code string) string {
		if c, ok := l.d.Places.Commune(code); ok {
			return c.Type + " " + c.Name
		}
		return "xã"
	}
	switch v.channel {
	case "foreign_handover":
		v.body = "Đồn Biên phòng cửa khẩu quốc tế Lào Cai (nhận bàn giao từ Công an tỉnh Vân Nam, Trung Quốc)"
		v.receptionCountry = "CN"
		if v.dest == "LA" {
			v.body, v.receptionCountry = "Đồn Biên phòng cửa khẩu quốc tế Tây Trang (nhận bàn giao từ Công an tỉnh Phông Sa Lỳ, Lào)", "LA"
		}
	case "mission_return":
		v.body, v.receptionCountry = "Đại sứ quán Việt Nam tại Lào", "LA"
		if v.dest == "CN" {
			v.body, v.receptionCountry = "Tổng Lãnh sự quán Việt Nam tại Côn Minh (Trung Quốc)", "CN"
		}
	case "rescue":
		v.body = l.cg.pick([]string{"Phòng Cảnh sát hình sự Công an tỉnh Điện Biên", "Đồn Biên phòng A Pa Chải", "Đồn Biên phòng Si Pa Phìn"})
		v.receptionCommune = v.home
	case "ngo_referral":
		v.body = l.cg.pick([]string{"Hội Liên hiệp Phụ nữ tỉnh Điện Biên", "Trung tâm Công tác xã hội tỉnh Điện Biên"})
		v.receptionCommune = v.home
	default:
		v.channel = "self_report"
		v.body = l.cg.pick([]string{"UBND ", "Công an "}) + commune(v.home)
		v.receptionCommune = v.home
	}
	// The 2025 flow: received (at the border, the commune…), the commune
	// People's Committee told, the health department receiving the person.
	t0 := time.Date(v.back.Year, v.back.Month, v.back.Day, 8, 0, 0, 0, ctip.Vietnam).Add(time.Duration(l.crng.IntN(10*60)) * time.Minute).UTC()
	if v.principal != nil {
		t0 = v.principal.receivedAt
	}
	v.receivedAt = t0
	if !v.foundAbroad {
		v.communeAt = t0.Add(time.Duration(40+l.crng.IntN(150)) * time.Minute)
	}
	// The health department receives the person in the day (07:00–21:00).
	v.healthAt = t0.Add(time.Duration(4*60+l.crng.IntN(20*60)) * time.Minute)
	if h := v.healthAt.In(ctip.Vietnam); h.Hour() < 7 || h.Hour() >= 21 {
		d := ctip.DateOf(v.healthAt)
		if h.Hour() >= 21 {
			d = d.AddDays(1)
		}
		v.healthAt = time.Date(d.Year, d.Month, d.Day, 7, 0, 0, 0, ctip.Vietnam).Add(time.Duration(l.crng.IntN(150)) * time.Minute).UTC()
	}
	if v.principal != nil {
		v.healthAt = v.principal.healthAt.Add(5 * time.Minute)
	}
	hday := ctip.DateOf(v.healthAt)
	if hday.After(last) {
		v.healthAt = time.Date(last.Year, last.Month, last.Day, 20, 0, 0, 0, ctip.Vietnam).UTC()
		hday = last
	}
	// Initial verification within 3 days (a few late, the latest not yet done).
	v.verified = hday.AddDays(l.crng.IntN(4))
	if l.chance(8) {
		v.verified = hday.AddDays(4 + l.crng.IntN(3))
	}
	if v.verified.After(last) {
		v.verified = ctip.Date{}
	}
	if v.principal != nil {
		v.verified = v.principal.verified
		v.status = victim.BeingIdentified
		return
	}
	// Identification.
	switch {
	case v.status == victim.NotVictim:
	case hday.After(last.AddDays(-7)) || v.verified.IsZero():
		v.status = victim.BeingIdentified
	case v.party == nil && v.channel == "foreign_handover" && l.chance(15):
		v.status = victim.BeingIdentified // awaiting the foreign side's documents
	case v.party == nil && (v.channel == "self_report" || v.channel == "ngo_referral") && l.chance(22),
		v.party == nil && v.channel == "mission_return" && l.chance(8):
		v.status = victim.NotVictim // went abroad to work of their own will
	default:
		v.status = victim.Victim
	}
	if v.status != victim.BeingIdentified {
		if v.verified.IsZero() {
			v.verified = minD(hday.AddDays(2), last)
		}
		// The decision follows within days or weeks; one not yet due
		// leaves the person being identified.
		d := v.verified.AddDays(1 + l.crng.IntN(20))
		d = l.work(d, v.verified, d.AddDays(3))
		if d.After(last) {
			v.status = victim.BeingIdentified
		} else {
			v.decided = d
		}
	}
	switch v.channel {
	case "foreign_handover":
		v.grounds = []string{"foreign_body", "person_statement"}
		v.documents = "Biên bản bàn giao của phía nước ngoài; biên bản tiếp nhận; lời khai của người được tiếp nhận"
	case "mission_return":
		v.grounds = []string{"mission_abroad", "person_statement"}
		v.documents = "Văn bản của cơ quan đại diện Việt Nam ở nước ngoài; giấy tờ thay hộ chiếu; lời khai"
	case "rescue":
		v.grounds = []string{"rescuing_body", "person_statement"}
		v.documents = "Biên bản giải cứu; lời khai của người được giải cứu"
	default:
		v.grounds = []string{"person_statement", "domestic_body"}
		v.documents = "Đơn trình báo; biên bản làm việc; xác minh của Công an cấp xã"
	}
	if v.cp != nil {
		v.grounds = append([]string{"procedural_documents"}, v.grounds...)
		v.documents += "; tài liệu của Cơ quan Cảnh sát điều tra trong vụ án"
	}
}

// exploitation writes the HTCDS exploitation profile from what is known.
func (l *loader) exploitation(v *victimPlan) victim.Exploitation {
	e := victim.Exploitation{OriginCommune: v.home, DestinationCountry: v.dest}
	switch v.exploit {
	case "ForcedMarriage":
		e.Types = []string{"ForcedMarriage"}
		if l.chance(30) {
			e.Types = append(e.Types, "SexualExploitation")
			e.SexTypes = []string{"PrivateSexualServices"}
		}
		e.Control = []string{"FalsePromises", "RestrictsMovement", "WithholdsDocuments"}
	case "SexualExploitation":
		e.Types, e.SexTypes = []string{"SexualExploitation"}, []string{"Prostitution"}
		e.Control = []string{"DebtBondage", "TakesEarnings", "PhysicalThreats"}
	case "ChildLabour":
		e.Types = []string{"ChildLabour"}
		e.Control = []string{"RestrictsMovement", "ExcessiveWorkingHours"}
	case "OrganRemoval":
		e.Types = []string{"OrganRemoval"}
	default:
		e.Types = []string{"ForcedLabour"}
		e.Control = []string{"FalsePromises", "WithholdsDocuments", "ExcessiveWorkingHours", "PhysicalAbuse"}
	}
	if l.chance(40) {
		e.Control = append(e.Control, "PsychologicalAbuse")
	}
	switch r := l.crng.IntN(100); {
	case r < 45:
		e.Recruitment = []string{"ThroughOnlineSocialNetworks"}
		e.Platforms = []string{[]string{"Zalo", "Facebook", "TikTok", "Zalo"}[l.crng.IntN(4)]}
		e.RecruiterRelation = "Unaquainted"
	case r < 80:
		e.Recruitment = []string{"ThroughFriendsOrSocialEvents"}
		e.RecruiterRelation = "Acquainted"
	default:
		e.Recruitment = []string{"ThroughFamilyOrFamilyEvents"}
		e.RecruiterRelation = "Familial"
	}
	e.DepartedOn = v.back.AddDays(-20 - l.crng.IntN(300))
	e.ArrivedOn = e.DepartedOn.AddDays(1 + l.crng.IntN(4))
	e.AgeWhenTrafficked = max(1, e.DepartedOn.Year-v.born)
	if v.dest == "LA" {
		e.Transit = "Đi xe khách đến " + l.cg.pick([]string{"Mường Lay", "thành phố Điện Biên Phủ"}) + ", qua cửa khẩu Tây Trang sang Lào"
	} else {
		e.Transit = l.cg.pick([]string{"Vượt biên qua đường mòn gần cửa khẩu A Pa Chải", "Đi xe khách lên Lào Cai, vượt biên qua sông Hồng sang Hà Khẩu"})
	}
	return e
}

// Support providers.
const (
	provShelter = "Cơ sở trợ giúp xã hội tổng hợp tỉnh Điện Biên"
	provLegal   = "Trung tâm Trợ giúp pháp lý nhà nước tỉnh Điện Biên"
)

// victimTrack turns a victim plan into its calls.
func (l *loader) victimTrack(v *victimPlan, idx int) *track {
	last := l.lastDay
	a := &agenda{l: l}
	hday := ctip.DateOf(v.healthAt)
	a.addAt(v.healthAt, prFirst, "hotro", "receive", func(ctx context.Context) error { return l.victimReceive(ctx, v) })
	a.addAt(v.healthAt.Add(time.Duration(10+l.crng.IntN(30))*time.Minute), prFirst+1, "hotro", "flow", func(ctx context.Context) error {
		return l.victimFlow(ctx, v, victim.FlowInput{CommuneNotifiedAt: v.communeAt, HealthReceivedAt: v.healthAt, PoliceUnitID: ctip.Some(l.units[CodePC02].ID)})
	})
	if !v.verified.IsZero() {
		d := v.verified
		a.add(d, 10, "hotro", "flow", func(ctx context.Context) error { return l.victimFlow(ctx, v, victim.FlowInput{VerifiedOn: d}) })
		if v.status != victim.NotVictim && v.principal == nil {
			a.add(d, 11, "hotro", "exploitation", func(ctx context.Context) error { return l.victimExploitation(ctx, v) })
		}
	}
	// What the health department provides at once.
	if v.party != nil && v.party.rescued || v.channel == "rescue" {
		force := map[string]string{
			"foreign_handover": "Công an tỉnh Vân Nam (Trung Quốc) giải cứu, phối hợp Bộ Tư lệnh Bộ đội Biên phòng tiếp nhận qua cửa khẩu",
			"mission_return":   "Cơ quan chức năng nước sở tại phối hợp cơ quan đại diện Việt Nam giải cứu",
			"rescue":           "Phòng Cảnh sát hình sự Công an tỉnh Điện Biên phối hợp Đồn Biên phòng",
		}[v.channel]
		if force == "" {
			force = "Phòng Cảnh sát hình sự Công an tỉnh Điện Biên"
		}
		back := v.back
		a.add(hday, 3, "hotro", "rescue", l.victimProtect(v, victim.ProtectionInput{Kind: "rescue", Force: force, From: back}))
	}
	essential := []ctip.Date{hday}
	if l.chance(40) && v.status != victim.NotVictim && v.principal == nil {
		essential = append(essential, hday.AddDays(20+l.crng.IntN(40)))
	}
	for _, d := range essential {
		if !d.After(last) {
			a.add(d, 4, "hotro", "support", l.victimSupport(v, victim.SupportInput{Regime: string(victim.EssentialNeeds), Provider: provShelter, ProvidedOn: d,
				Amount: int64(15+l.crng.IntN(30)) * 100_000, Note: "Ăn, ở tạm thời, đồ dùng cá nhân thiết yếu"}))
		}
	}
	a.add(hday, 5, "hotro", "support", l.victimSupport(v, victim.SupportInput{Regime: string(victim.Medical),
		Provider:   l.cg.pick([]string{"Bệnh viện Đa khoa tỉnh Điện Biên", "Trung tâm Y tế khu vực Mường Nhé", "Trung tâm Y tế thành phố Điện Biên Phủ"}),
		ProvidedOn: hday, Amount: int64(3+l.crng.IntN(15)) * 100_000, Note: "Khám sức khỏe ban đầu khi tiếp nhận"}))
	if v.ethnic == "08" && !v.child && l.chance(50) {
		a.add(hday, 5, "hotro", "support", l.victimSupport(v, victim.SupportInput{Regime: string(victim.Interpretation), Provider: "Hội Liên hiệp Phụ nữ tỉnh Điện Biên (phiên dịch tiếng Mông)",
			ProvidedOn: hday, Note: "Phiên dịch khi lấy lời khai và tư vấn"}))
	}
	if v.principal != nil {
		p := v.principal
		a.add(hday, 6, "hotro", "child", func(ctx context.Context) error {
			return l.victimChild(ctx, v, victim.ChildInput{Guardian: "Mẹ đẻ, cùng được tiếp nhận (hồ sơ " + p.pseudonym + ")", Schooling: "preschool"})
		})
		if !p.decided.IsZero() && p.status == victim.Victim {
			if d := p.decided.AddDays(5 + l.crng.IntN(20)); !d.After(last) {
				a.add(d, 40, "hotro", "support", l.victimSupport(v, victim.SupportInput{Regime: string(victim.Schooling), Provider: "Trường Mầm non " + l.communeName(v.home),
					ProvidedOn: d, Note: "Hỗ trợ học phí, đồ dùng học tập khi trở về cộng đồng"}))
			}
		}
		return &track{idx: idx, kind: kindVictim, label: fmt.Sprintf("victim %d (accompanying)", v.idx), steps: a.steps()}
	}
	// Protection from the start: the identity kept confidential, a shelter.
	if l.chance(75) {
		risk := "low"
		if v.cp != nil && v.cp.ring {
			risk = "medium"
		}
		a.add(hday, 6, "hotro", "protection", l.victimProtect(v, victim.ProtectionInput{Kind: "protection", ProtectedWho: "victim", Measure: "identity_confidentiality",
			Force: "Công an tỉnh Điện Biên (Phòng PC02)", Risk: risk, From: hday,
			Assessment: "Nguy cơ bị kỳ thị tại cộng đồng nếu thông tin bị lộ; đối tượng môi giới có quan hệ với người trong bản"}))
	}
	if l.chance(35) {
		a.add(hday, 6, "hotro", "protection", l.victimProtect(v, victim.ProtectionInput{Kind: "protection", ProtectedWho: "victim", Measure: "temporary_residence",
			Force: provShelter, Risk: "medium", From: hday, To: hday.AddDays(10 + l.crng.IntN(50)),
			Assessment: "Chưa thể trở về gia đình ngay; cần nơi tạm trú an toàn trong thời gian xác minh"}))
	}
	if v.cp != nil && v.cp.ring && l.chance(50) {
		a.add(hday.AddDays(1), 7, "hotro", "protection", l.victimProtect(v, victim.ProtectionInput{Kind: "protection", ProtectedWho: "relative",
			Relative: "Mẹ đẻ: " + l.cg.person(true) + ", trú cùng bản", Measure: "no_contact_order", Force: "Công an xã nơi cư trú", Risk: "high", From: hday.AddDays(1),
			Assessment: "Gia đình bị người thân của các bị can đe dọa sau khi vụ án được khởi tố"}))
	}
	if v.child {
		guardian := "Bố đẻ: " + l.cg.person(false) + "; " + v.village + ", " + l.communeName(v.home)
		schooling := []string{"in_school", "returned", "out_of_school"}[l.crng.IntN(3)]
		a.add(hday, 8, "hotro", "child", func(ctx context.Context) error {
			return l.victimChild(ctx, v, victim.ChildInput{Guardian: guardian, Schooling: schooling})
		})
	}
	if !v.foundAbroad && v.status != victim.NotVictim {
		a.add(hday.AddDays(1), 9, "hotro", "support", l.victimSupport(v, victim.SupportInput{Regime: string(victim.Psychological), Provider: "Trung tâm Công tác xã hội tỉnh Điện Biên",
			ProvidedOn: hday.AddDays(1), Note: "Tham vấn tâm lý ban đầu"}))
	}
	var closeDay ctip.Date
	closeReason := ""
	if !v.decided.IsZero() {
		d := v.decided
		a.add(d, 20, "hotro", "identify", func(ctx context.Context) error { return l.victimIdentify(ctx, v) })
		if v.status == victim.NotVictim {
			if c := d.AddDays(2 + l.crng.IntN(14)); !c.After(last) && l.chance(80) {
				closeDay, closeReason = c, "not_victim"
			}
		} else {
			closeDay, closeReason = l.victimAfterIdentification(a, v)
		}
	}
	// The needs survey, with the person's consent.
	if l.chance(85) {
		hi := last
		if !closeDay.IsZero() {
			hi = closeDay
		}
		lo := hday.AddDays(2)
		if !hi.Before(lo) {
			d := l.dayIn(lo, minD(hi, lo.AddDays(40)))
			needs := l.needs(v)
			a.add(d, 30, "hotro", "survey", func(ctx context.Context) error {
				if v.id.IsZero() {
					return nil
				}
				return l.d.Victims.Survey(ctx, v.id, true, needs)
			})
		}
	}
	// The case's investigator links the file to the case.
	if v.cp != nil {
		lo := maxD(hday, v.cp.d0).AddDays(1)
		if d := l.dayIn(lo, lo.AddDays(10)); !d.After(last) {
			cp := v.cp
			a.add(d, 45, cp.officers[0], "link_case", func(ctx context.Context) error {
				if v.id.IsZero() || cp.id.IsZero() {
					return nil
				}
				err := l.d.Victims.LinkCase(ctx, v.id, cp.id, "Bị hại trong vụ án "+cp.ref)
				var ce *ctip.Error
				if errors.As(err, &ce) && ce.Key == "person.already_linked" {
					err = nil // the case's investigators linked the victim as a party already
				}
				v.linked = err == nil
				return err
			})
		}
	}
	if !closeDay.IsZero() {
		reason := closeReason
		a.add(closeDay, prVictimLatest, "hotro", "close", func(ctx context.Context) error {
			if v.id.IsZero() {
				return nil
			}
			fv, err := l.d.Victims.Close(ctx, v.id, v.version, reason, l.today())
			if err != nil {
				return err
			}
			v.version = fv.File.Version
			return nil
		})
	}
	return &track{idx: idx, kind: kindVictim, label: fmt.Sprintf("victim %d (%s)", v.idx, v.status), steps: a.steps()}
}

// victimAfterIdentification plans the support of an identified victim and
// the reintegration follow-ups; it returns the day and reason of closure
// (zero: the file stays open).
func (l *loader) victimAfterIdentification(a *agenda, v *victimPlan) (ctip.Date, string) {
	last := l.lastDay
	d := v.decided
	type sup struct {
		day ctip.Date
		in  victim.SupportInput
	}
	var sups []sup
	add := func(day ctip.Date, in victim.SupportInput) { sups = append(sups, sup{day, in}) }
	if l.chance(55) {
		add(d.AddDays(1+l.crng.IntN(10)), victim.SupportInput{Regime: string(victim.LegalAid), Provider: provLegal, ReferralTo: provLegal, Consent: true,
			ProvidedOn: d.AddDays(1), Note: "Cử trợ giúp viên pháp lý tham gia tố tụng bảo vệ quyền lợi của bị hại"})
	}
	home := d.AddDays(3 + l.crng.IntN(20))
	if l.chance(75) {
		add(home, victim.SupportInput{Regime: string(victim.Travel), Provider: "Sở Y tế tỉnh Điện Biên", ProvidedOn: home,
			Amount: int64(3+l.crng.IntN(7)) * 100_000, Note: "Tiền xe, tiền ăn đường trở về nơi cư trú"})
	}
	if l.chance(65) && !v.child {
		add(home, victim.SupportInput{Regime: string(victim.InitialAllowance), Provider: "UBND " + l.communeName(v.home), ProvidedOn: home,
			Amount: int64(15+l.crng.IntN(16)) * 100_000, Note: "Trợ cấp khó khăn ban đầu khi trở về cộng đồng"})
	}
	if v.child {
		add(home.AddDays(5), victim.SupportInput{Regime: string(victim.Schooling), Provider: "Trường PTDTBT THCS " + l.communeName(v.home),
			ProvidedOn: home.AddDays(5), Note: "Miễn học phí, hỗ trợ sách vở, đồ dùng học tập"})
	} else if l.chance(40) {
		day := home.AddDays(20 + l.crng.IntN(60))
		in := victim.SupportInput{Regime: string(victim.Vocational), Provider: "Trường Cao đẳng Kinh tế – Kỹ thuật Điện Biên", ProvidedOn: day,
			Note: l.cg.pick([]string{"Khóa học may công nghiệp 3 tháng", "Khóa học nấu ăn 2 tháng", "Khóa học chăn nuôi, thú y 3 tháng"})}
		if day.After(last) {
			in.Status = victim.SupportPlanned
		}
		add(day, in)
	}
	if !v.child && l.chance(15) {
		day := home.AddDays(60 + l.crng.IntN(120))
		add(day, victim.SupportInput{Regime: string(victim.Loan), Provider: "Ngân hàng Chính sách xã hội chi nhánh tỉnh Điện Biên", ProvidedOn: day,
			Amount: int64(3+l.crng.IntN(6)) * 10_000_000, Note: "Vay vốn ưu đãi chăn nuôi lợn, gà"})
	}
	// Reintegration visits: planned (at the return home, then at each
	// visit), then done with findings; a few overdue.
	findings := []string{
		"Đã về sống cùng gia đình, sức khỏe ổn định; tham gia lao động sản xuất nương rẫy",
		"Đi làm công nhân may tại khu công nghiệp; giữ liên lạc với cán bộ hỗ trợ",
		"Tâm lý ổn định hơn, còn e ngại khi tiếp xúc với người lạ; tiếp tục tham vấn",
		"Gia đình và bản đón nhận, không bị kỳ thị; đã được hỗ trợ giống cây trồng",
		"Đang tham gia khóa học nghề; có thu nhập từ việc làm thêm",
		"Đã trở lại trường học, kết quả học tập tiến bộ",
	}
	type visit struct {
		key           int
		made, planned ctip.Date
		done          ctip.Date
		findings      string
	}
	var visits []visit
	prev := home
	for _, after := range []int{30, 90, 180, 365, 540} {
		if prev.After(last) {
			break
		}
		vi := visit{key: after, made: prev, planned: d.AddDays(after)}
		if vi.planned.After(last) || vi.planned.After(last.AddDays(-40)) && l.chance(25) {
			visits = append(visits, vi) // ahead, or a few weeks late: not done yet
			break
		}
		vi.done = minD(vi.planned.AddDays(l.crng.IntN(6)), last)
		vi.findings = findings[l.crng.IntN(len(findings))]
		visits = append(visits, vi)
		prev = vi.done
	}
	var closeDay ctip.Date
	reason := ""
	var done []visit
	for _, vi := range visits {
		if !vi.done.IsZero() {
			done = append(done, vi)
		}
	}
	if n := len(done); n >= 2 && d.DaysUntil(done[n-1].done) >= 170 {
		switch r := l.crng.IntN(100); {
		case r < 45:
			closeDay, reason = done[n-1].done, "reintegrated"
		case r < 52:
			closeDay, reason = done[n-1].done, "moved_away"
		}
	}
	for _, vi := range visits {
		if !closeDay.IsZero() && vi.made.After(closeDay) || !closeDay.IsZero() && vi.done.IsZero() {
			break
		}
		a.add(vi.made, 50, "hotro", "followup_plan", l.victimFollowUp(v, vi.planned, vi.key))
		if !vi.done.IsZero() {
			a.add(vi.done, 51, "hotro", "followup_done", l.victimFollowUpDone(v, vi.key, vi.done, vi.findings))
		}
	}
	for _, sp := range sups {
		day := sp.day
		if day.After(last) {
			if sp.in.Status != victim.SupportPlanned {
				continue
			}
			day = last
		}
		if !closeDay.IsZero() && day.After(closeDay) {
			continue
		}
		a.add(day, 40, "hotro", "support", l.victimSupport(v, sp.in))
	}
	return closeDay, reason
}

// needs draws a survey answer.
func (l *loader) needs(v *victimPlan) []string {
	weights := []struct {
		need string
		w    int
	}{{"medical", 30}, {"psychological", 22}, {"vocational", 26}, {"essential_needs", 14}, {"legal_aid", 12}, {"initial_allowance", 18},
		{"loan", 10}, {"family_reunion", 8}, {"safety", 10}, {"debt", 6}, {"housing", 8}, {"childcare", 5}, {"schooling", 4}}
	if v.child {
		weights = append(weights, struct {
			need string
			w    int
		}{"schooling", 40})
	}
	total := 0
	for _, x := range weights {
		total += x.w
	}
	var out []string
	if l.chance(60) {
		out = append(out, "medical") // the need most often named
	}
	for k := 2 + l.crng.IntN(3); len(out) < k; {
		n := l.crng.IntN(total)
		for _, x := range weights {
			if n < x.w {
				if !slices.Contains(out, x.need) {
					out = append(out, x.need)
				}
				break
			}
			n -= x.w
		}
	}
	return out
}

func (l *loader) communeName(code string) string {
	if c, ok := l.d.Places.Commune(code); ok {
		return c.Type + " " + c.Name
	}
	return "xã"
}

// ---------- victim calls ----------

func (l *loader) victimReceive(ctx context.Context, v *victimPlan) error {
	in := victim.ReceiveInput{ReceivedAt: v.receivedAt, Channel: v.channel, ReceptionBody: v.body, ReceptionCommune: v.receptionCommune,
		ReceptionCountry: v.receptionCountry, FoundAbroad: v.foundAbroad,
		Person: person.Input{FullName: v.name, Sex: sexOf(v.female), BirthYear: v.born, EthnicCode: v.ethnic, Nationality: "VN", IDNumber: v.idNum,
			Phone: v.phone, Permanent: person.Address{Line: v.village, CommuneCode: v.home}, ConfirmNew: true}} // generated persons are distinct
	if !v.dob.IsZero() {
		in.Person.DateOfBirth = v.dob.String()
	}
	if v.principal != nil {
		if v.principal.id.IsZero() {
			return nil
		}
		in.AccompaniesID = ctip.Some(v.principal.id)
	}
	fv, err := l.d.Victims.Receive(ctx, in)
	if err != nil {
		return err
	}
	v.id, v.version, v.personID, v.pseudonym = fv.File.ID, fv.File.Version, fv.File.PersonID, fv.File.Pseudonym
	return nil
}

func (l *loader) victimFlow(ctx context.Context, v *victimPlan, in victim.FlowInput) error {
	if v.id.IsZero() {
		return nil
	}
	fv, err := l.d.Victims.Flow(ctx, v.id, v.version, in)
	if err != nil {
		return err
	}
	v.version = fv.File.Version
	return nil
}

func (l *loader) victimIdentify(ctx context.Context, v *victimPlan) error {
	if v.id.IsZero() {
		return nil
	}
	day := l.today()
	in := victim.IdentifyInput{Status: v.status, DecidedOn: day, DecidingBody: "Police", DecisionNumber: l.number("XĐNN-CSĐT", day),
		Grounds: v.grounds, Documents: v.documents}
	if v.status == victim.NotVictim {
		in.Grounds = []string{"person_statement", "domestic_body"}
		in.Documents = "Kết quả xác minh: người này tự nguyện sang Trung Quốc làm thuê theo thời vụ, không bị lừa dối, ép buộc"
	}
	fv, err := l.d.Victims.Identify(ctx, v.id, v.version, in)
	if err != nil {
		return err
	}
	v.version = fv.File.Version
	return nil
}

func (l *loader) victimExploitation(ctx context.Context, v *victimPlan) error {
	if v.id.IsZero() {
		return nil
	}
	fv, err := l.d.Victims.SetExploitation(ctx, v.id, v.version, l.exploitation(v))
	if err != nil {
		return err
	}
	v.version = fv.File.Version
	return nil
}

func (l *loader) victimChild(ctx context.Context, v *victimPlan, in victim.ChildInput) error {
	if v.id.IsZero() {
		return nil
	}
	fv, err := l.d.Victims.SetChild(ctx, v.id, v.version, in)
	if err != nil {
		return err
	}
	v.version = fv.File.Version
	return nil
}

func (l *loader) victimSupport(v *victimPlan, in victim.SupportInput) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if v.id.IsZero() {
			return nil
		}
		if _, err := l.d.Victims.AddSupport(ctx, v.id, in); err != nil {
			return err
		}
		if in.Regime == string(victim.EssentialNeeds) && (v.essential.IsZero() || in.ProvidedOn.Before(v.essential)) {
			v.essential = in.ProvidedOn
			v.version++ // the 120-day clock starts: the file changes
		}
		return nil
	}
}

func (l *loader) victimProtect(v *victimPlan, in victim.ProtectionInput) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if v.id.IsZero() {
			return nil
		}
		_, err := l.d.Victims.AddProtection(ctx, v.id, in)
		return err
	}
}

func (l *loader) victimFollowUp(v *victimPlan, planned ctip.Date, key int) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if v.id.IsZero() {
			return nil
		}
		fu, err := l.d.Victims.AddFollowUp(ctx, v.id, victim.FollowUpInput{PlannedOn: planned})
		if err != nil {
			return err
		}
		if v.visits == nil {
			v.visits = map[int]ctip.ID{}
		}
		v.visits[key] = fu.ID
		return nil
	}
}

func (l *loader) victimFollowUpDone(v *victimPlan, key int, on ctip.Date, findings string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		id, ok := v.visits[key]
		if v.id.IsZero() || !ok {
			return nil
		}
		_, err := l.d.Victims.CompleteFollowUp(ctx, v.id, id, on, findings)
		return err
	}
}
