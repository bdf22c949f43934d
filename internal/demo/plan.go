package demo

import (
	"slices"
	"strings"
	"time"

	"ctip"
	"ctip/internal/intake"
)

// A receiver is a unit that receives crime information: a commune police
// unit, a border post, or the criminal police department (PC02).
type receiver struct {
	code     string
	name     string
	kind     string
	officers []string // accounts that record items (intake.create)
	movers   []string // accounts that transfer them (intake.process)
	communes []string // commune codes where its items usually take place
	home     string   // the commune a commune police unit serves
	weight   int
}

func (r *receiver) isPC02() bool { return r.code == CodePC02 }

func (l *loader) setupReceivers() {
	byUnit := map[string][]string{}
	for _, a := range l.accounts {
		if a.Role == "intake" || a.Role == "investigator" {
			byUnit[a.Unit] = append(byUnit[a.Unit], a.Username)
		}
	}
	var province []string
	for _, c := range l.d.Places.CommunesOf(Province) {
		province = append(province, c.Code)
	}
	for _, code := range l.communeUnits {
		r := &receiver{code: code, name: l.units[code].Name, kind: ctip.UnitCommunePolice, officers: byUnit[code],
			communes: province, home: l.communeOf[code], weight: 9}
		r.movers = slices.Clone(r.officers)
		if l.actors["truongcax"].UnitID == l.units[code].ID {
			r.movers = append(r.movers, "truongcax")
		}
		l.receivers = append(l.receivers, r)
	}
	for _, code := range []string{CodeTayTrang, CodeAPaChai, CodeSiPaPhin} {
		r := &receiver{code: code, name: l.units[code].Name, kind: ctip.UnitBorderGuard, officers: byUnit[code], weight: 8}
		r.movers = r.officers
		for _, c := range pickCommunes(l.d.Places, borderAreas[code], len(borderAreas[code])) {
			if slices.Contains(borderAreas[code], c.Name) {
				r.communes = append(r.communes, c.Code)
			}
		}
		if len(r.communes) == 0 {
			r.communes = province
		}
		l.receivers = append(l.receivers, r)
	}
	l.receivers = append(l.receivers, &receiver{code: CodePC02, name: l.units[CodePC02].Name, kind: ctip.UnitPolice,
		officers: byUnit[CodePC02], movers: byUnit[CodePC02], communes: province, weight: 22})
}

// ---------- scenarios ----------

// scenario is the life an item is given; the open ones end in the state
// that the demo must show "now".
type scenario int

const (
	scQuick         scenario = iota // decided within the 20 days
	scExtended                      // body extension, then decided
	scProcuracy                     // body + procuracy extension, then decided
	scSuspendResume                 // suspended, resumed, decided
	scSuspendCancel                 // suspended, procuracy cancels the suspension, decided
	scSuspended                     // open: suspended now
	scResumed                       // open: resumed within the last month
	scOverdue                       // open: deadline passed
	scBodyOpen                      // open: within the body's extension
	scProcOpen                      // open: within the procuracy's extension
	scRecent                        // open: received within the last 20 days
)

var scenarioNames = [...]string{"quick", "extended", "procuracy", "suspend_resume", "suspend_cancel", "suspended",
	"resumed", "overdue", "body_open", "proc_open", "recent"}

func (s scenario) String() string { return scenarioNames[s] }

// shares of each scenario, per thousand items, with a minimum count so that
// even a small demo shows every state; the rest are scQuick.
var shares = []struct {
	sc       scenario
	perMille int
	min      int
}{
	{scRecent, 100, 4}, {scOverdue, 40, 4}, {scBodyOpen, 35, 1}, {scProcOpen, 20, 1}, {scSuspended, 45, 1},
	{scResumed, 22, 2}, {scExtended, 120, 1}, {scProcuracy, 45, 1}, {scSuspendResume, 50, 1}, {scSuspendCancel, 25, 1},
}

// stepKind is one call to the intake service.
type stepKind int

const (
	stCreate stepKind = iota
	stTransfer
	stAssign
	stNotify
	stVerify
	stExtend
	stProcExtend
	stSuspend
	stResume
	stCancel
	stProsecute
	stNotProsecute
)

var stepActions = map[stepKind]intake.Action{
	stTransfer: intake.ActTransfer, stAssign: intake.ActAssign, stNotify: intake.ActNotify, stVerify: intake.ActVerify,
	stExtend: intake.ActExtend, stProcExtend: intake.ActProcuracyExtend, stSuspend: intake.ActSuspend,
	stResume: intake.ActResume, stCancel: intake.ActCancelSuspension, stProsecute: intake.ActProsecute,
	stNotProsecute: intake.ActNotProsecute,
}

// step is one planned call: when, by whom, with what.
type step struct {
	at        time.Time
	kind      stepKind
	by        string
	officer   string // assign
	months    int    // extend, procuracy extend
	requested ctip.Date
	ground    string
	signer    string
	note      string
}

// plan is one item: its content and its planned steps, then its state while
// the steps run.
type plan struct {
	idx      int
	sc       scenario
	in       intake.Input
	recv     *receiver
	place    string // "xã Mường Nhé", for notes
	steps    []step
	id       ctip.ID
	version  int
	status   intake.Status
	reassign bool

	story   story        // what the content says, for the case and victims that follow
	commune string       // the commune of the events (or of the victim's home when abroad)
	officer string       // the investigator assigned last
	item    *intake.Item // the item as the service last returned it
}

// planAll plans n items. Scenarios are dealt by quota (so that every state
// is shown) and shuffled; each item then gets its receipt time and steps.
func (l *loader) planAll(n int) []*plan {
	var deck []scenario
	for _, s := range shares {
		k := max(s.min, (n*s.perMille+500)/1000)
		for range k {
			if len(deck) < n {
				deck = append(deck, s.sc)
			}
		}
	}
	for len(deck) < n {
		deck = append(deck, scQuick)
	}
	l.rng.Shuffle(len(deck), func(i, j int) { deck[i], deck[j] = deck[j], deck[i] })
	plans := make([]*plan, n)
	variant := map[scenario]int{}
	for i, sc := range deck {
		plans[i] = l.planItem(i, sc, variant[sc])
		variant[sc]++
	}
	return plans
}

// planner builds the steps of one item.
type planner struct {
	l       *loader
	p       *plan
	on      ctip.Date // day of receipt
	cur     time.Time // time of the last planned step
	officer string    // the assigned officer
}

func (l *loader) days(lo, hi float64) time.Duration {
	return time.Duration((lo + l.rng.Float64()*(hi-lo)) * float64(24*time.Hour))
}

// planItem chooses a receiver, a receipt time and content for a scenario,
// then plans its steps; it retries with another receipt time when the
// planned steps would not all fall before "now".
func (l *loader) planItem(idx int, sc scenario, variant int) *plan {
	var best *plan
	for try := 0; try < 40; try++ {
		p := &plan{idx: idx, sc: sc}
		p.recv = l.pickReceiver(sc, variant)
		lo, hi := l.window(sc, variant)
		received := l.receiptTime(l.end.Add(-l.days(lo, hi)), lo >= 1)
		l.content(p, received)
		pl := &planner{l: l, p: p, on: ctip.DateOf(received), cur: received}
		pl.build(sc, variant)
		p.officer = pl.officer
		if len(p.steps) > 0 && p.steps[len(p.steps)-1].at.Before(l.end.Add(-time.Minute)) {
			return p
		}
		best = p
	}
	// Keep what fits before now: the item stops in an earlier state.
	var keep []step
	for _, s := range best.steps {
		if s.at.Before(l.end.Add(-time.Minute)) {
			keep = append(keep, s)
		}
	}
	best.steps = keep
	return best
}

// window returns how many days before now the item is received.
func (l *loader) window(sc scenario, variant int) (lo, hi float64) {
	const span = 728
	switch sc {
	case scQuick:
		return 22, span
	case scExtended:
		return 66, span
	case scProcuracy:
		return 128, span
	case scSuspendResume, scSuspendCancel:
		return 100, span
	case scSuspended:
		return 26, span
	case scResumed:
		return 45, 200
	case scOverdue:
		if variant%4 == 3 {
			return 66, 200
		}
		return 23, 150
	case scBodyOpen:
		return 22, 55
	case scProcOpen:
		return 64, 112
	case scRecent:
		switch variant % 4 {
		case 0:
			return 0.05, 2
		case 1:
			return 0.6, 4
		case 2:
			return 1.5, 12 // wide enough to find a working day after Tết
		default:
			return 3, 18
		}
	}
	return 22, span
}

// recentStop is the status a recent (or overdue) item stays in.
func recentStop(sc scenario, variant int) intake.Status {
	switch {
	case sc == scRecent && variant%4 == 0, sc == scOverdue && variant%4 == 0:
		return intake.Received
	case sc == scRecent && variant%4 == 1, sc == scOverdue && variant%4 == 1:
		return intake.Transferred
	case sc == scRecent && variant%4 == 2:
		return intake.Assigned
	}
	return ""
}

func (l *loader) pickReceiver(sc scenario, variant int) *receiver {
	needMove := recentStop(sc, variant) == intake.Transferred || (sc == scOverdue && variant%4 == 0)
	total := 0
	for _, r := range l.receivers {
		if !(needMove && r.isPC02()) {
			total += r.weight
		}
	}
	n := l.rng.IntN(total)
	for _, r := range l.receivers {
		if needMove && r.isPC02() {
			continue
		}
		if n < r.weight {
			return r
		}
		n -= r.weight
	}
	return l.receivers[0]
}

// receiptTime puts a receipt at a plausible time of its day (unless it is
// within the last day, where it stays as drawn).
func (l *loader) receiptTime(t time.Time, snap bool) time.Time {
	if !snap {
		return t.Truncate(time.Minute)
	}
	d := ctip.DateOf(t)
	// 06:00–22:00: the duty desks and hotlines take calls all day.
	return time.Date(d.Year, d.Month, d.Day, 6, 0, 0, 0, ctip.Vietnam).Add(time.Duration(l.rng.IntN(16*60)) * time.Minute).UTC()
}

// ---------- planning helpers ----------

// add appends a step at t, or a little after the previous step.
func (pl *planner) add(s step, t time.Time) {
	if min := pl.cur.Add(time.Duration(2+pl.l.rng.IntN(23)) * time.Minute); t.Before(min) {
		t = min
	}
	s.at = t
	pl.p.steps = append(pl.p.steps, s)
	pl.cur = t
}

// workTime returns a time in office hours (07:30–16:45) of day d.
func (l *loader) workTime(d ctip.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 7, 30, 0, 0, ctip.Vietnam).Add(time.Duration(l.rng.IntN(555)) * time.Minute).UTC()
}

// soon returns a time between lo and hi after t, moved out of the night
// (the duty desks work every day, 06:30–22:00).
func (l *loader) soon(t time.Time, lo, hi time.Duration) time.Time {
	t = t.Add(lo + time.Duration(l.rng.Int64N(int64(hi-lo))))
	local := t.In(ctip.Vietnam)
	mins := local.Hour()*60 + local.Minute()
	switch {
	case mins >= 22*60:
		d := ctip.DateOf(t).AddDays(1)
		return time.Date(d.Year, d.Month, d.Day, 6, 30, 0, 0, ctip.Vietnam).Add(time.Duration(l.rng.IntN(120)) * time.Minute).UTC()
	case mins < 6*60+30:
		d := ctip.DateOf(t)
		return time.Date(d.Year, d.Month, d.Day, 6, 30, 0, 0, ctip.Vietnam).Add(time.Duration(l.rng.IntN(120)) * time.Minute).UTC()
	}
	return t
}

// office returns a time between lo and hi after t, moved into office hours
// (07:30–17:00 of a working day).
func (l *loader) office(t time.Time, lo, hi time.Duration) time.Time {
	t = t.Add(lo + time.Duration(l.rng.Int64N(int64(hi-lo))))
	local := t.In(ctip.Vietnam)
	mins := local.Hour()*60 + local.Minute()
	d := ctip.DateOf(t)
	if !l.cal.IsDayOff(d) && mins >= 7*60+30 && mins < 17*60 {
		return t
	}
	if mins >= 17*60 {
		d = d.AddDays(1)
	}
	d = l.cal.NextWorkingDay(d)
	return time.Date(d.Year, d.Month, d.Day, 7, 30, 0, 0, ctip.Vietnam).Add(time.Duration(l.rng.IntN(90)) * time.Minute).UTC()
}

// pick returns a day in [lo, hi], not before the last step, preferring
// working days. ok is false when the range is empty (the day returned is
// then the earliest possible).
func (pl *planner) pick(lo, hi ctip.Date) (ctip.Date, bool) {
	if today := ctip.DateOf(pl.cur); lo.Before(today) {
		lo = today
	}
	if hi.Before(lo) {
		return lo, false
	}
	n := lo.DaysUntil(hi) + 1
	d := lo.AddDays(pl.l.rng.IntN(n))
	for i := 0; i < 6 && pl.l.cal.IsDayOff(d); i++ {
		d = lo.AddDays(pl.l.rng.IntN(n))
	}
	return d, true
}

// due computes a deadline with the intake rules (the same as the service's).
func (pl *planner) due(clock string, start ctip.Date, months int) ctip.Date {
	it := &intake.Item{Status: intake.Verifying, ReceivedOn: pl.on, ClockKind: clock, ClockStart: start, ClockMonths: months}
	run, _ := intake.Deadlines(it, pl.l.pol, pl.l.cal)
	return run.Due
}

func (pl *planner) endDay() ctip.Date { return ctip.DateOf(pl.l.end.Add(-2 * time.Hour)) }

func (pl *planner) chance(percent int) bool { return pl.l.rng.IntN(100) < percent }

func (pl *planner) oneOf(list ...string) string { return list[pl.l.rng.IntN(len(list))] }

// decider is who records a decision of the investigating body.
func (pl *planner) decider() (by, signer string) {
	switch r := pl.l.rng.IntN(100); {
	case r < 55:
		by = pl.officer
	case r < 85:
		by = "lanhdao"
	default:
		by = "lanhdaocat"
	}
	signer = namePC02Signer
	if by == "lanhdaocat" || pl.chance(30) {
		signer = nameCATSigner
	}
	return by, signer
}

// verifies plans k verification steps on days up to until.
func (pl *planner) verifies(k int, until ctip.Date) {
	var ds []ctip.Date
	for range k {
		if d, ok := pl.pick(ctip.DateOf(pl.cur), until); ok {
			ds = append(ds, d)
		}
	}
	slices.SortFunc(ds, func(a, b ctip.Date) int { return a.Compare(b) })
	for i, d := range ds {
		// Now and then the leader hands the item to another investigator.
		if i == 1 && !pl.p.reassign && pl.chance(6) {
			pl.p.reassign = true
			other := "dieutra2"
			if pl.officer == "dieutra2" {
				other = "dieutra"
			}
			pl.officer = other
			pl.add(step{kind: stAssign, by: "lanhdao", officer: other, note: "Điều chuyển điều tra viên khác tiếp tục xác minh"}, pl.l.workTime(d))
		}
		notes := verifyNotes
		if exitOffences[pl.p.in.OffenceArticle] {
			notes = exitNotes
		}
		note := notes[pl.l.rng.IntN(len(notes))]
		note = strings.Replace(note, "%s", pl.p.place, 1)
		pl.add(step{kind: stVerify, by: pl.officer, note: note}, pl.l.workTime(d))
	}
}

// ---------- building the steps ----------

func (pl *planner) build(sc scenario, variant int) {
	l, p := pl.l, pl.p
	pl.add(step{kind: stCreate, by: p.recv.officers[l.rng.IntN(len(p.recv.officers))]}, pl.cur.Add(time.Duration(3+l.rng.IntN(42))*time.Minute))
	stop := recentStop(sc, variant)
	if !pl.toPC02(stop) {
		return
	}
	base := pl.due(intake.ClockBase, pl.on, 0)
	switch sc {
	case scRecent:
		pl.verifies(1+l.rng.IntN(3), minDate(base, pl.endDay()))
	case scQuick:
		pl.decide(base)
	case scExtended:
		due, _ := pl.extendBody(base, true)
		pl.decide(due)
	case scProcuracy:
		due, ok := pl.extendBody(base, true)
		if ok {
			due, _ = pl.procExtend(due, 1+l.rng.IntN(2))
		}
		pl.decide(due)
	case scSuspendResume, scSuspendCancel, scSuspended, scResumed:
		run := base
		if pl.chance(40) {
			run, _ = pl.extendBody(base, sc != scResumed)
		}
		day := pl.suspend(run)
		if sc == scSuspended {
			return
		}
		var due ctip.Date
		if sc == scSuspendCancel || (sc == scResumed && pl.chance(25)) {
			due = pl.cancel(day)
		} else {
			due = pl.resume(day, sc == scResumed)
		}
		if sc == scResumed {
			// Half stay "resumed"; the others are being verified again.
			pl.verifies(variant%2, minDate(due, pl.endDay()))
			return
		}
		pl.decide(due)
	case scOverdue:
		if variant%4 == 3 {
			due, _ := pl.extendBody(base, false)
			pl.verifies(1+l.rng.IntN(2), due.AddDays(-3))
			return
		}
		pl.verifies(1+l.rng.IntN(3), base.AddDays(-1))
	case scBodyOpen:
		pl.extendBody(base, false)
		pl.verifies(l.rng.IntN(3), pl.endDay())
	case scProcOpen:
		due, ok := pl.extendBody(base, false)
		if ok {
			pl.procExtend(due, 2)
		}
		pl.verifies(l.rng.IntN(3), pl.endDay())
	}
}

// toPC02 plans the transfer to PC02 (unless received there), the
// assignment of an investigator and the notice to the procuracy. It reports
// false when the item is to stay in an earlier status.
func (pl *planner) toPC02(stop intake.Status) bool {
	l, p := pl.l, pl.p
	if stop == intake.Received {
		return false
	}
	creator := p.steps[0].by
	if !p.recv.isPC02() {
		// Commune police and posts transfer within 24 hours (TTLT 01/2017).
		by := p.recv.movers[l.rng.IntN(len(p.recv.movers))]
		pl.add(step{kind: stTransfer, by: by, note: "Chuyển ngay nguồn tin đến Phòng Cảnh sát hình sự theo thẩm quyền (Điều 146 khoản 3 BLTTHS), kèm biên bản tiếp nhận và lời khai ban đầu"},
			l.soon(pl.cur, time.Hour, 20*time.Hour))
		if stop == intake.Transferred {
			return false
		}
	}
	switch r := l.rng.IntN(100); {
	case p.recv.isPC02() && r < 60:
		pl.officer = creator
	case r < 55:
		pl.officer = "dieutra"
	case r < 92:
		pl.officer = "dieutra2"
	default:
		pl.officer = "lanhdao"
	}
	by := "lanhdao"
	if pl.chance(12) {
		by = "lanhdaocat"
	}
	pl.add(step{kind: stAssign, by: by, officer: pl.officer, note: "Phân công kiểm tra, xác minh nguồn tin"}, l.office(pl.cur, 30*time.Minute, 20*time.Hour))
	if pl.chance(92) {
		// Written notice to the procuracy within 3 days (Art. 146), a few late.
		pl.add(step{kind: stNotify, by: pl.officer, note: "Thông báo bằng văn bản cho Viện kiểm sát nhân dân tỉnh về việc tiếp nhận nguồn tin"},
			l.office(pl.cur, 30*time.Minute, 40*time.Hour))
	}
	return stop != intake.Assigned
}

// extendBody plans the investigating body's extension before the 20 days
// run out (Art. 147(2)): to 2 months at once, or (when stepwise) sometimes
// 1 month and later 2. It returns the deadline then running and whether the
// full 2 months were reached (which the procuracy's extension requires).
func (pl *planner) extendBody(base ctip.Date, stepwise bool) (ctip.Date, bool) {
	l := pl.l
	months := 2
	if stepwise && pl.chance(25) {
		months = 1
	}
	d, ok := pl.pick(base.AddDays(-6), base)
	if !ok {
		return base, false
	}
	pl.verifies(1+l.rng.IntN(2), d)
	pl.extension(d, months)
	if months == 1 {
		b1 := pl.due(intake.ClockBodyExtension, pl.on, 1)
		d2, ok := pl.pick(b1.AddDays(-6), b1)
		if !ok {
			return b1, false
		}
		pl.verifies(l.rng.IntN(2), d2)
		pl.extension(d2, 2)
	}
	return pl.due(intake.ClockBodyExtension, pl.on, 2), true
}

func (pl *planner) extension(d ctip.Date, months int) {
	by, signer := "lanhdao", namePC02Signer
	if pl.chance(30) {
		by, signer = "lanhdaocat", nameCATSigner
	}
	note := pl.oneOf("Vụ việc phức tạp, phải xác minh ở nhiều nơi", "Cần xác minh tại nước ngoài qua kênh hợp tác quốc tế",
		"Người bị hại chưa được giải cứu, cần thêm thời gian xác minh")
	pl.add(step{kind: stExtend, by: by, signer: signer, months: months, note: note}, pl.l.workTime(d))
}

// procExtend plans the procuracy's extension (Art. 147(3)), asked for at
// least 5 days before the 2 months run out. It returns the new deadline.
func (pl *planner) procExtend(body2 ctip.Date, months int) (ctip.Date, bool) {
	l := pl.l
	d, ok := pl.pick(body2.AddDays(-4), body2)
	if !ok {
		return body2, false
	}
	pl.verifies(1+l.rng.IntN(2), d.AddDays(-5))
	req := body2.AddDays(-5 - l.rng.IntN(4))
	if today := ctip.DateOf(pl.cur); req.Before(today) && !today.After(body2.AddDays(-5)) {
		req = today
	}
	pl.add(step{kind: stProcExtend, by: "kiemsat", signer: nameVKSSigner, months: months, requested: req,
		note: "Chấp nhận đề nghị gia hạn thời hạn giải quyết nguồn tin của Cơ quan Cảnh sát điều tra"}, l.workTime(d))
	return pl.due(intake.ClockProcuracyExt, pl.on, months), true
}

// suspend plans a suspension once the running period has expired
// (Art. 148(1)). It returns the day of the decision.
func (pl *planner) suspend(run ctip.Date) ctip.Date {
	l := pl.l
	pl.verifies(1+l.rng.IntN(2), run.AddDays(-1))
	d, _ := pl.pick(run, run.AddDays(3))
	ground := "expert_pending"
	switch r := l.rng.IntN(100); {
	case r < 8 && d.Month >= 6 && d.Month <= 9: // rainy season: floods and landslides
		ground = "force_majeure"
	case r < 40:
		ground = "documents_pending"
	}
	by, signer := "lanhdao", namePC02Signer
	if pl.chance(35) {
		by = pl.officer
	}
	pl.add(step{kind: stSuspend, by: by, signer: signer, ground: ground, note: suspendNotes[ground]}, l.workTime(d))
	return d
}

// resume plans the resumption some weeks or months after the suspension
// (Art. 149); recent resumes the item within the last month.
func (pl *planner) resume(suspended ctip.Date, recent bool) ctip.Date {
	l := pl.l
	lo := suspended.AddDays(15 + l.rng.IntN(200))
	if recent {
		lo = pl.endDay().AddDays(-1 - l.rng.IntN(25))
		if lo.Before(suspended.AddDays(7)) {
			lo = suspended.AddDays(7)
		}
	}
	d, _ := pl.pick(lo, lo.AddDays(5))
	if recent && d.After(pl.endDay()) {
		d = lo
	}
	by := "lanhdao"
	if pl.chance(30) {
		by = pl.officer
	}
	pl.add(step{kind: stResume, by: by, signer: namePC02Signer,
		note: pl.oneOf("Đã nhận được kết quả tương trợ tư pháp; lý do tạm đình chỉ không còn", "Đã nhận được tài liệu đề nghị cung cấp; phục hồi giải quyết")}, l.workTime(d))
	return pl.due(intake.ClockResumed, d, 1)
}

// cancel plans the procuracy's cancellation of the suspension (Art. 148(2)).
func (pl *planner) cancel(suspended ctip.Date) ctip.Date {
	l := pl.l
	d, _ := pl.pick(suspended.AddDays(3), suspended.AddDays(25))
	pl.add(step{kind: stCancel, by: "kiemsat", signer: nameVKSSigner,
		note: "Quyết định tạm đình chỉ không có căn cứ; yêu cầu Cơ quan Cảnh sát điều tra tiếp tục giải quyết"}, l.workTime(d))
	return pl.due(intake.ClockCancelled, d, 1)
}

// decide plans verification then the decision (to prosecute or not) within
// the running period.
func (pl *planner) decide(due ctip.Date) {
	l, p := pl.l, pl.p
	d, ok := pl.pick(ctip.DateOf(pl.cur).AddDays(1), due)
	if !ok {
		d, _ = pl.pick(due, due) // late: the earliest day possible
	}
	pl.verifies(1+l.rng.IntN(3), d)
	by, signer := pl.decider()
	if l.rng.IntN(100) < prosecuteRate[p.in.OffenceArticle] {
		pl.add(step{kind: stProsecute, by: by, signer: signer, note: "Khởi tố vụ án hình sự về tội " + offenceNames[p.in.OffenceArticle]}, l.workTime(d))
		return
	}
	ground := "not_a_crime"
	switch r := l.rng.IntN(100); {
	case r < 42:
		ground = "no_crime_event"
	case r < 88:
	case r < 92:
		ground = "offender_dead"
	case r < 95:
		ground = "under_age"
	case r < 98:
		ground = "already_judged"
	default:
		ground = "limitation_expired"
	}
	pl.add(step{kind: stNotProsecute, by: by, signer: signer, ground: ground, note: notProsecuteNotes[ground]}, l.workTime(d))
}

func minDate(a, b ctip.Date) ctip.Date {
	if b.Before(a) {
		return b
	}
	return a
}
