package demo

import (
	"context"
	"fmt"
	"sort"

	"ctip"
	"ctip/internal/casefile"
	"ctip/internal/legal"
	"ctip/internal/person"
)

// Signers of the procuracy and the court.
const (
	nameCourtJudge = "Đinh Thị Ngọc Hà – Thẩm phán, Chủ tọa phiên tòa, Tòa án nhân dân tỉnh Điện Biên"
	nameCourtChief = "Nguyễn Văn Sơn – Chánh án Tòa án nhân dân tỉnh Điện Biên"
	nameHighCourt  = "Tòa án nhân dân cấp cao tại Hà Nội"
)

// holder is who records a decision on the file: the lead investigator, the
// procurator or the judge.
type holder int

const (
	byInvestigator holder = iota
	byProcuracy
	byCourt
)

func (cp *casePlan) who(h holder) (by, signer string, number func(l *loader, d ctip.Date) string) {
	switch h {
	case byProcuracy:
		return "kiemsat", nameVKSSigner, func(l *loader, d ctip.Date) string { return l.number("QĐ-VKS-P2", d) }
	case byCourt:
		return "thamphan", nameCourtJudge, func(l *loader, d ctip.Date) string { return l.yearNumber("HSST-QĐ", d) }
	}
	return cp.officers[0], namePC02Signer, func(l *loader, d ctip.Date) string { return l.number("QĐ-CSĐT", d) }
}

// seen keeps what the service returned.
func (cp *casePlan) seen(v *casefile.View) { cp.version, cp.stage = v.Case.Version, v.Case.Stage }

// caseAct is a stage decision, dated the day it is recorded.
func (l *loader) caseAct(cp *casePlan, act casefile.Action, number func(ctip.Date) string, signer string, edit func(*casefile.ActionInput)) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if cp.id.IsZero() {
			return nil
		}
		day := l.today()
		in := casefile.ActionInput{DocumentNumber: number(day), DocumentDate: day, Signer: signer}
		if edit != nil {
			edit(&in)
		}
		v, err := l.d.Cases.Do(ctx, cp.id, cp.version, act, in)
		if err != nil {
			return err
		}
		cp.seen(v)
		return nil
	}
}

// caseCreate institutes the case from its item (CPC Art. 153), linking both ways.
func (l *loader) caseCreate(ctx context.Context, cp *casePlan) error {
	it := cp.item.item
	if it == nil || it.DecisionNumber == "" {
		return fmt.Errorf("the item was not decided")
	}
	var officers []ctip.ID
	for _, o := range cp.officers {
		officers = append(officers, l.actors[o].UserID)
	}
	summary := fmt.Sprintf("Khởi tố vụ án hình sự về tội %s theo nguồn tin số %s tiếp nhận ngày %s. %s",
		offenceNames[cp.art], it.Reference, it.ReceivedOn.Format(), cp.item.story.body)
	if len([]rune(summary)) > casefile.MaxSummary {
		summary = string([]rune(summary)[:casefile.MaxSummary])
	}
	in := casefile.Input{InstitutionNumber: it.DecisionNumber, Signer: cp.signer, InstitutedOn: it.DecidedOn, OffenceOn: cp.offence,
		Charges: []legal.Charge{cp.charge}, Summary: summary, CommuneCode: cp.item.commune, ProcuracyUnitID: ctip.Some(l.units[CodeProcuracy].ID),
		OfficerIDs: officers, LeadOfficerID: ctip.Some(officers[0]), IntakeItemID: ctip.Some(it.ID), Ring: cp.ring}
	c, err := l.d.Cases.Create(ctx, in)
	if err != nil {
		return err
	}
	cp.id, cp.version, cp.ref, cp.stage = c.ID, c.Version, c.Reference, c.Stage
	return nil
}

// caseTrack turns a case plan into its calls.
func (l *loader) caseTrack(cp *casePlan, idx int) *track {
	a := &agenda{l: l}
	p := cp.path
	lead := cp.officers[0]
	inv := func(d ctip.Date) string { return l.number("QĐ-CSĐT", d) }
	vks := func(d ctip.Date) string { return l.number("QĐ-VKS-P2", d) }
	a.addAt(cp.created, prFirst, cp.creator, "institute", func(ctx context.Context) error { return l.caseCreate(ctx, cp) })

	for i, d := range p.exts {
		months := cp.extMonths[i]
		note := l.cg.pick([]string{"Vụ án phức tạp, phải tương trợ tư pháp với phía Trung Quốc", "Còn phải truy bắt đối tượng và giải cứu người bị hại",
			"Cần giám định độ tuổi người bị hại và xác minh tại nhiều địa phương", "Chờ kết quả xác minh tài khoản ngân hàng, mạng xã hội của các đối tượng"})
		a.add(d, prStage, "kiemsat", "extend_investigation", l.caseAct(cp, casefile.ActExtendInvestigation, vks, nameVKSSigner, func(in *casefile.ActionInput) {
			in.Months, in.Note = months, note
		}))
	}
	if !cp.supplement.IsZero() {
		// CPC Art. 156: the investigating body supplements the decision to
		// institute (planSupplement).
		a.add(cp.supplement, prStage, lead, "supplement_charges", func(ctx context.Context) error {
			if cp.id.IsZero() {
				return nil
			}
			day := l.today()
			v, err := l.d.Cases.ChangeCharges(ctx, cp.id, cp.version, casefile.ChargeInput{Op: casefile.ChargeSupplement,
				Charges:        []legal.Charge{{Article: "348", Clause: "1"}},
				DocumentNumber: inv(day), DocumentDate: day, Signer: namePC02Signer,
				Reason: "Kết quả điều tra xác định các đối tượng còn tổ chức cho người bị hại xuất cảnh trái phép qua biên giới"})
			if err != nil {
				return err
			}
			cp.seen(v)
			return nil
		})
	}
	if !p.suspended.IsZero() {
		ground := p.ground
		note := "Hết thời hạn điều tra, chưa xác định được bị can"
		if ground == "expert_pending" {
			note = "Hết thời hạn điều tra, chưa có kết quả tương trợ tư pháp từ phía Trung Quốc"
		}
		a.add(p.suspended, prStage, lead, "suspend", l.caseAct(cp, casefile.ActSuspend, inv, namePC02Signer, func(in *casefile.ActionInput) {
			in.Ground, in.Note = ground, note
		}))
	}
	if !p.resumed.IsZero() {
		a.add(p.resumed, prStage, lead, "resume", l.caseAct(cp, casefile.ActResume, inv, namePC02Signer, func(in *casefile.ActionInput) {
			in.Note = "Đã nhận được kết quả tương trợ tư pháp; lý do tạm đình chỉ không còn"
		}))
	}
	if !p.terminated.IsZero() {
		a.add(p.terminated, prStage, "lanhdao", "terminate", l.caseAct(cp, casefile.ActTerminate, inv, nameCATSigner, func(in *casefile.ActionInput) {
			in.Ground, in.Note = "not_a_crime", "Kết quả điều tra xác định người được trình báo tự nguyện kết hôn, không có hành vi mua bán người"
		}))
	}
	conclude := func(d, recv ctip.Date) {
		a.add(d, prStage, lead, "conclude", l.caseAct(cp, casefile.ActConclude, func(d ctip.Date) string { return l.number("KLĐT-CSĐT", d) }, nameCATSigner,
			func(in *casefile.ActionInput) {
				in.ReceivedOn, in.Note = recv, "Bản kết luận điều tra đề nghị truy tố; hồ sơ chuyển Viện kiểm sát nhân dân tỉnh"
			}))
	}
	if !p.concluded.IsZero() {
		// The file is received the day it is sent, or a day or two later:
		// the conclusion is recorded then.
		conclude(p.concluded, p.received)
	}
	if !p.returned.IsZero() {
		recv := p.returnedRecv
		a.add(p.returned, prStage, "kiemsat", "return_procuracy", l.caseAct(cp, casefile.ActReturnProcuracy, vks, nameVKSSigner, func(in *casefile.ActionInput) {
			in.ReceivedOn = minD(recv, l.today())
			in.Note = "Trả hồ sơ để điều tra bổ sung: cần làm rõ vai trò của từng bị can và số tiền thu lợi bất chính"
		}))
	}
	if !p.concluded2.IsZero() {
		conclude(p.concluded2, p.received2)
	}
	if !p.indicted.IsZero() {
		a.add(p.indicted, prStage, "kiemsat", "indict", l.caseAct(cp, casefile.ActIndict, func(d ctip.Date) string { return l.number("CT-VKS-P2", d) }, nameVKSSigner,
			func(in *casefile.ActionInput) {
				in.CourtUnitID, in.Note = ctip.Some(l.units["TADB"].ID), "Bản cáo trạng truy tố các bị can ra trước Tòa án nhân dân tỉnh Điện Biên"
			}))
	}
	if !p.accepted.IsZero() {
		a.add(p.accepted, prStage, "thamphan", "accept", l.caseAct(cp, casefile.ActAccept, func(d ctip.Date) string { return l.yearNumber("TLST-HS", d) }, nameCourtChief, nil))
	}
	if !p.brought.IsZero() {
		hearing := p.hearing
		a.add(p.brought, prStage, "thamphan", "bring_to_trial", l.caseAct(cp, casefile.ActBringToTrial, func(d ctip.Date) string { return l.yearNumber("QĐXXST-HS", d) }, nameCourtJudge,
			func(in *casefile.ActionInput) { in.HearingOn = hearing }))
	}
	if !p.judged.IsZero() {
		a.add(p.judged, prStage, "thamphan", "judge", l.caseAct(cp, casefile.ActJudge, func(d ctip.Date) string { return l.yearNumber("HS-ST", d) }, nameCourtJudge,
			func(in *casefile.ActionInput) {
				for _, x := range cp.accused {
					if x.active && !x.accID.IsZero() {
						v := x.verdict
						v.AccusedID = x.accID
						in.Verdicts = append(in.Verdicts, v)
					}
				}
				in.Note = "Xét xử công khai; tuyên án sơ thẩm"
			}))
	}
	if !p.appealed.IsZero() {
		a.add(p.appealed, prStage, "thamphan", "appeal", l.caseAct(cp, casefile.ActAppeal, func(d ctip.Date) string { return l.number("TB-TA", d) }, nameCourtJudge,
			func(in *casefile.ActionInput) { in.Note = "Bị cáo kháng cáo xin giảm nhẹ hình phạt" }))
	}
	if !p.final.IsZero() {
		number, signer, note := func(d ctip.Date) string { return l.yearNumber("QĐ-CA", d) }, nameCourtChief, "Bản án sơ thẩm có hiệu lực pháp luật; quyết định thi hành án phạt tù"
		if !p.appealed.IsZero() {
			number, signer, note = func(d ctip.Date) string { return l.yearNumber("HS-PT", d) }, nameHighCourt, "Bản án phúc thẩm: không chấp nhận kháng cáo, giữ nguyên bản án sơ thẩm"
		}
		a.add(p.final, prStage, "thamphan", "finalize", l.caseAct(cp, casefile.ActFinalize, number, signer, func(in *casefile.ActionInput) { in.Note = note }))
	}

	for _, x := range cp.accused {
		l.accusedSteps(a, cp, x)
	}
	for _, pt := range cp.parties {
		a.add(pt.day, prParty, lead, "party_"+pt.role, l.partyStep(cp, pt))
	}
	if cp.key > 0 {
		last := l.lastDay
		end := minD(cp.invEnd(last).AddDays(-1), last)
		if lo, hi := cp.d0.AddDays(3), minD(end, cp.d0.AddDays(30)); !hi.Before(lo) {
			d := l.work(l.dayIn(lo, hi), lo, hi)
			a.add(d, prKey, "lanhdao", "key_propose", l.keyStep(cp, "propose", cp.keyReason))
			if cp.key == 2 {
				if d2 := d.AddDays(2 + l.crng.IntN(8)); !d2.After(end) {
					a.add(d2, prKey, "kiemsat", "key_agree", l.keyStep(cp, "agree", "Thống nhất xác định là vụ án trọng điểm"))
				}
			}
			if cp.key == 2 && !p.accepted.IsZero() {
				hi := last
				if !p.judged.IsZero() {
					hi = p.judged.AddDays(-1)
				}
				if d3 := p.accepted.AddDays(1 + l.crng.IntN(6)); !d3.After(hi) {
					a.add(d3, prKey, "thamphan", "key_agree", l.keyStep(cp, "agree", "Tòa án thống nhất đưa vụ án ra xét xử trọng điểm"))
				}
			}
		}
	}
	return &track{idx: idx, kind: kindCase, label: fmt.Sprintf("case %d (%s)", cp.idx, cp.target), steps: a.steps()}
}

func (l *loader) keyStep(cp *casePlan, op, reason string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if cp.id.IsZero() {
			return nil
		}
		v, err := l.d.Cases.Key(ctx, cp.id, cp.version, op, reason)
		if err != nil {
			return err
		}
		cp.seen(v)
		return nil
	}
}

func sexOf(female bool) string {
	if female {
		return "female"
	}
	return "male"
}

// partyStep links a victim or a witness to the case, and the victim's
// registry record when the victim has been received by then.
func (l *loader) partyStep(cp *casePlan, pt *partyPlan) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if cp.id.IsZero() {
			return nil
		}
		in := casefile.PartyInput{Role: pt.role, Person: casefile.PersonInput{Name: pt.name, Sex: sexOf(pt.female), BirthYear: pt.born, ConfirmNew: true}} // generated persons are distinct
		if pt.victim != nil && !pt.victim.personID.IsZero() && pt.victim.linked {
			// The file is linked to the case: its officers are on the victim's
			// team and pick the registry person. Before that the victim is
			// not theirs to see, and the party is recorded from what the
			// investigators know (a new protected record, merged later).
			in.Person.PersonID = ctip.Some(pt.victim.personID)
		}
		if pt.rescued {
			in.Rescued, in.RescuedOn = true, pt.back
		}
		v, err := l.d.Cases.AddParty(ctx, cp.id, cp.version, in)
		if err != nil {
			return err
		}
		cp.seen(v)
		if n := len(v.Parties); n > 0 {
			// The party just added: its registry person (witnesses are listed with the registry's persons).
			newest := v.Parties[0]
			for _, x := range v.Parties {
				if x.CreatedAt.After(newest.CreatedAt) || x.CreatedAt.Equal(newest.CreatedAt) && x.ID.String() > newest.ID.String() {
					newest = x
				}
			}
			if newest.Person.PersonID.Valid {
				pt.personID = newest.Person.PersonID.ID
			}
		}
		return nil
	}
}

// accusedSteps plans the registry record, the charge, the prior record, the
// flight and wanted notice, and the measures of one accused.
func (l *loader) accusedSteps(a *agenda, cp *casePlan, x *accPlan) {
	X := x.charged
	lead := cp.officers[0]
	if x.suspect != nil {
		// The suspect registered during verification: the role they held
		// there is not repeated (a ring's organiser is named as such); the
		// charge links them to the case.
		a.add(X, prPerson, lead, "person_known", func(ctx context.Context) error {
			x.personID = x.suspect.personID
			if x.personID.IsZero() || cp.id.IsZero() || x.role == x.suspect.role {
				return nil
			}
			return l.d.Persons.AddRole(ctx, x.personID, person.RoleInput{Role: x.role, RecordType: "case", RecordID: cp.id.String()})
		})
	} else {
		a.add(X, prPerson, lead, "person_create", func(ctx context.Context) error {
			if cp.id.IsZero() {
				return nil
			}
			in := person.Input{FullName: x.name, Sex: sexOf(x.female), BirthYear: x.born, EthnicCode: x.ethnic, Nationality: "VN",
				IDNumber: x.idNumber, Phone: x.phone, Permanent: person.Address{Line: x.village, CommuneCode: x.home}, Occupation: x.occupation,
				Role: x.role, RecordType: "case", RecordID: cp.id.String(), ConfirmNew: true} // generated persons are distinct
			if x.alias != "" {
				in.Aliases = []string{x.alias}
			}
			v, err := l.d.Persons.Create(ctx, in)
			if err != nil {
				return err
			}
			x.personID = v.Person.ID
			return nil
		})
	}
	a.add(X, prCharge, lead, "charge", func(ctx context.Context) error {
		if cp.id.IsZero() {
			return nil
		}
		day := l.today()
		num := l.number("QĐ-CSĐT", day)
		in := casefile.AccusedInput{Person: casefile.PersonInput{Name: x.name, Sex: sexOf(x.female), BirthYear: x.born, IDNumber: x.idNumber, ConfirmNew: true},
			Charges: []legal.Charge{x.charge}, DocumentNumber: num, DocumentDate: day, Signer: namePC02Signer}
		if !x.personID.IsZero() {
			in.Person.PersonID = ctip.Some(x.personID)
		}
		v, err := l.d.Cases.AddAccused(ctx, cp.id, cp.version, in)
		if err != nil {
			return err
		}
		cp.seen(v)
		for _, y := range v.Accused {
			if y.ChargeNumber == num {
				x.accID, x.active = y.ID, true
			}
		}
		return nil
	})
	// The charge links the registry person to the case (AddAccused).
	if x.prior != nil {
		pr := *x.prior
		a.add(X, prRole, lead, "person_prior", func(ctx context.Context) error {
			if x.personID.IsZero() {
				return nil
			}
			return l.d.Persons.AddPrior(ctx, x.personID, pr)
		})
	}
	if !x.fled.IsZero() {
		last := l.lastDay
		if cp.target != tgSuspended {
			a.add(x.fled, prStage, lead, "accused_suspend", func(ctx context.Context) error {
				if cp.id.IsZero() || x.accID.IsZero() {
					return nil
				}
				day := l.today()
				v, err := l.d.Cases.AccusedAction(ctx, cp.id, cp.version, x.accID, casefile.AccSuspend, casefile.ActionInput{
					DocumentNumber: l.number("QĐ-CSĐT", day), DocumentDate: day, Signer: namePC02Signer, Ground: "suspect_unknown",
					Note: "Bị can bỏ trốn khỏi nơi cư trú; đã ra quyết định truy nã"})
				if err != nil {
					return err
				}
				cp.seen(v)
				x.active = false
				return nil
			})
		}
		hi := last
		if !cp.path.suspended.IsZero() {
			hi = cp.path.suspended.AddDays(-1)
		}
		if w := minD(x.fled.AddDays(l.crng.IntN(4)), hi); !w.Before(x.fled) {
			a.add(w, prLate, lead, "person_wanted", func(ctx context.Context) error {
				if x.personID.IsZero() {
					return nil
				}
				day := l.today()
				if err := l.d.Persons.AddWanted(ctx, x.personID, person.Wanted{DecisionNumber: l.number("QĐTN-CSĐT", day),
					IssuingBody: "Cơ quan Cảnh sát điều tra Công an tỉnh Điện Biên", IssuedOn: day}); err != nil {
					return err
				}
				return l.d.Persons.AddRole(ctx, x.personID, person.RoleInput{Role: person.RoleWanted, RecordType: "case", RecordID: cp.id.String(),
					Note: "Bỏ trốn sau khi bị khởi tố; truy nã toàn quốc"})
			})
		}
		return
	}
	l.measureSteps(a, cp, x)
	if !cp.path.final.IsZero() && x.verdict.Verdict == "convicted" {
		a.add(cp.path.final, prLate, lead, "person_convicted", func(ctx context.Context) error {
			if x.personID.IsZero() || x.accID.IsZero() {
				return nil
			}
			return l.d.Persons.AddRole(ctx, x.personID, person.RoleInput{Role: person.RoleConvicted, RecordType: "case", RecordID: cp.id.String()})
		})
	}
}

// measure closures.

func (l *loader) addMeasure(cp *casePlan, x *accPlan, mt casefile.MeasureType, h holder) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if cp.id.IsZero() || x.accID.IsZero() || !x.active {
			return nil
		}
		_, signer, number := cp.who(h)
		day := l.today()
		num := number(l, day)
		switch {
		case mt == casefile.Detention && h == byInvestigator:
			num = l.number("LTG-CSĐT", day)
		case mt == casefile.Detention && h == byProcuracy:
			num = l.number("LTG-VKS-P2", day)
		case mt == casefile.ResidenceBan && h == byInvestigator:
			num = l.number("LC-CSĐT", day)
		}
		in := casefile.MeasureInput{AccusedID: x.accID, Type: string(mt), StartOn: day, DocumentNumber: num, DocumentDate: day, Signer: signer}
		switch mt {
		case casefile.ProsecutionDetention, casefile.TrialDetention:
			// The procuracy's / court's order runs to the stage's limit
			// (CPC Arts 241, 278).
			if mt == casefile.ProsecutionDetention {
				in.DocumentNumber = l.number("LTG-VKS-P2", day)
				num = in.DocumentNumber
			}
			cur, err := l.d.Cases.Get(ctx, cp.id)
			if err != nil {
				return err
			}
			if cur.DetentionOrders[x.accID] != mt {
				return nil // not (or no longer) the stage that orders it
			}
			in.OrderEnd = cur.Case.CurrentDue
		}
		v, err := l.d.Cases.AddMeasure(ctx, cp.id, cp.version, in)
		if err != nil {
			return err
		}
		cp.seen(v)
		for _, m := range v.Measures {
			if m.DocumentNumber == num {
				x.measure[mt] = m.ID
			}
		}
		return nil
	}
}

func (l *loader) measureAct(cp *casePlan, x *accPlan, mt casefile.MeasureType, h holder, op string, ext int) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		id, ok := x.measure[mt]
		if cp.id.IsZero() || !ok {
			return nil
		}
		_, signer, number := cp.who(h)
		day := l.today()
		in := casefile.ActionInput{DocumentNumber: number(l, day), DocumentDate: day, Signer: signer}
		switch {
		case op == casefile.MeasureExtend && mt == casefile.Custody:
			in.Days, in.Note = ext, "Cần thêm thời gian củng cố tài liệu, chứng cứ"
		case op == casefile.MeasureExtend:
			in.Months, in.Note = ext, "Vụ án phức tạp, cần thêm thời gian điều tra; bị can có thể bỏ trốn"
		}
		v, err := l.d.Cases.MeasureAction(ctx, cp.id, cp.version, id, op, in)
		if err != nil {
			return err
		}
		cp.seen(v)
		if op == casefile.MeasureEnd {
			delete(x.measure, mt)
		}
		return nil
	}
}

// boundary is a day the file changes hands, or the case stops.
type boundary struct {
	day  ctip.Date
	kind string
}

// measureSteps plans an accused's preventive measures through the case:
// custody then detention for those detained (extended by the procuracy,
// or replaced by a residence ban when the law allows no more), renewed by
// each new holder of the file when it would not last until the next (the
// trial panel's lasting until the judgment takes effect), and ended then; a
// bail or residence ban for the others. A suspension ends them all.
func (l *loader) measureSteps(a *agenda, cp *casePlan, x *accPlan) {
	p := cp.path
	last := l.lastDay
	lead := cp.officers[0]
	X := x.charged
	var bs []boundary
	for _, b := range []boundary{{p.suspended, "suspend"}, {p.resumed, "resume"}, {p.terminated, "terminate"}, {p.received, "procuracy"},
		{p.returnedRecv, "investigation"}, {p.received2, "procuracy"}, {p.accepted, "court"}, {p.brought, "trial"},
		{p.final, "final"}} {
		if !b.day.IsZero() && !b.day.Before(X) {
			bs = append(bs, b)
		}
	}
	sort.SliceStable(bs, func(i, j int) bool { return bs[i].day.Before(bs[j].day) })
	closed := !p.final.IsZero() || !p.terminated.IsZero()
	next := func(i int) ctip.Date {
		if i+1 < len(bs) {
			return bs[i+1].day
		}
		if closed {
			return bs[i].day
		}
		return last.AddDays(9) // open: keep it running past the board's week
	}
	free := func(d ctip.Date, h holder) {
		by, _, _ := cp.who(h)
		mt := casefile.ResidenceBan
		if x.bail {
			mt = casefile.Bail
		}
		a.add(d, prAfterStage2, by, "measure_"+string(mt), l.addMeasure(cp, x, mt, h))
	}
	endFree := func(d ctip.Date, h holder, prio int) {
		by, _, _ := cp.who(h)
		for _, mt := range []casefile.MeasureType{casefile.Bail, casefile.ResidenceBan} {
			a.add(d, prio, by, "measure_end", l.measureAct(cp, x, mt, h, casefile.MeasureEnd, 0))
		}
	}
	holderOf := func(kind string, cur holder) holder {
		switch kind {
		case "procuracy":
			return byProcuracy
		case "investigation", "resume":
			return byInvestigator
		case "court", "trial", "final":
			return byCourt
		}
		return cur
	}

	if !x.detained {
		free(X, byInvestigator)
		h := byInvestigator
		for _, b := range bs {
			h = holderOf(b.kind, h)
			switch b.kind {
			case "suspend":
				endFree(b.day, byInvestigator, prBeforeStage)
			case "resume":
				free(b.day, byInvestigator)
			case "final":
				endFree(b.day, byCourt, prBeforeStage)
			}
		}
		return
	}
	start := X
	if x.custody {
		a.add(X, prCustody, lead, "measure_custody", l.addMeasure(cp, x, casefile.Custody, byInvestigator))
		// Custody: 3 days (the day of receipt counted), once extended by 3.
		start = X.AddDays(1 + l.crng.IntN(2))
		if d := X.AddDays(1 + l.crng.IntN(2)); l.chance(35) && !d.After(last) {
			a.add(d, prCustodyExt, lead, "measure_extend", l.measureAct(cp, x, casefile.Custody, byInvestigator, casefile.MeasureExtend, 3))
			start = d.AddDays(1 + l.crng.IntN(d.DaysUntil(X.AddDays(5))))
		}
		if start.After(last) {
			return // still in custody now
		}
		a.add(start, prCustodyEnd, lead, "measure_end", l.measureAct(cp, x, casefile.Custody, byInvestigator, casefile.MeasureEnd, 0))
	}
	a.add(start, prDetention, lead, "measure_detention", l.addMeasure(cp, x, casefile.Detention, byInvestigator))
	due, allowed := l.detention(cp.cat, start)
	var used []legal.Period
	detained, h := true, byInvestigator
	dt := casefile.Detention // the running detention's type
	renew := func(d ctip.Date, nh holder) {
		by, _, _ := cp.who(nh)
		a.add(d, prAfterStage, by, "measure_end", l.measureAct(cp, x, dt, nh, casefile.MeasureEnd, 0))
		a.add(d, prAfterStage2, by, "measure_detention", l.addMeasure(cp, x, casefile.Detention, nh))
		start, used, dt = d, nil, casefile.Detention
		due, allowed = l.detention(cp.cat, d)
	}
	// order: the service ended the earlier stage's detention when the case
	// entered prosecution or trial preparation; the procuracy / court
	// orders its own until the stage's limit (CPC Arts 241, 278).
	order := func(d ctip.Date, nh holder, mt casefile.MeasureType) {
		by, _, _ := cp.who(nh)
		a.add(d, prAfterStage2, by, "measure_"+string(mt), l.addMeasure(cp, x, mt, nh))
		dt = mt
	}
	// keep makes the detention last until a day during the investigation:
	// extended by the procuracy while the law allows, else replaced by a
	// residence ban on its last day.
	keep := func(until ctip.Date) {
		for detained && due.Before(until) {
			if len(used) < len(allowed) {
				lo, hi := maxD(due.AddDays(-12), start.AddDays(1)), minD(due.AddDays(-2), last)
				if hi.Before(lo) {
					return // not yet decided: the limit is near (the board shows it)
				}
				d := l.work(l.dayIn(lo, hi), lo, hi)
				used = append(used, allowed[len(used)])
				a.add(d, prMeasureExt, "kiemsat", "measure_extend", l.measureAct(cp, x, casefile.Detention, byProcuracy, casefile.MeasureExtend, used[len(used)-1].Months))
				due, _ = l.detention(cp.cat, start, used...)
				continue
			}
			if due.After(last) {
				return
			}
			a.add(due, prBeforeStage, lead, "measure_end", l.measureAct(cp, x, casefile.Detention, byInvestigator, casefile.MeasureEnd, 0))
			x.bail = false
			free(due, byInvestigator)
			detained = false
		}
	}
	for i, b := range bs {
		if h == byInvestigator {
			keep(b.day)
		}
		h = holderOf(b.kind, h)
		switch b.kind {
		case "suspend":
			if detained {
				by, _, _ := cp.who(h)
				a.add(b.day, prBeforeStage, by, "measure_end", l.measureAct(cp, x, dt, h, casefile.MeasureEnd, 0))
				detained = false
			} else {
				endFree(b.day, byInvestigator, prBeforeStage)
			}
		case "resume":
			free(b.day, byInvestigator)
		case "terminate":
			detained = false
		case "procuracy":
			if detained && dt != casefile.ProsecutionDetention {
				order(b.day, h, casefile.ProsecutionDetention)
			}
		case "court":
			if detained && dt != casefile.TrialDetention {
				order(b.day, h, casefile.TrialDetention)
			}
		case "investigation":
			if detained && (dt != casefile.Detention || due.Before(next(i))) {
				renew(b.day, h)
			}
		case "trial":
			// The court's order of trial preparation runs on; the trial
			// panel's (CPC Art. 329) is not recorded.
		case "final":
			if detained {
				a.add(b.day, prBeforeStage, "thamphan", "measure_end", l.measureAct(cp, x, dt, byCourt, casefile.MeasureEnd, 0))
			} else {
				endFree(b.day, byCourt, prBeforeStage)
			}
		}
	}
	if !closed && h == byInvestigator && detained {
		keep(last.AddDays(1)) // not past its limit now (within the week: the board shows it)
	}
}
