package legal

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"ctip"
)

// Confidence is LEGAL.md's marker for how well a rule is sourced.
type Confidence string

// The LEGAL.md §0 confidence markers.
const (
	Verified   Confidence = "V" // a source quoting the statute text was seen
	Secondary  Confidence = "S" // commentary, press or a single source only
	Unverified Confidence = "U" // not confirmed: never a hard-coded rule
)

// Bracket is the main penalty bracket (khung hình phạt chính) of a clause:
// a term of imprisonment from MinMonths to MaxMonths (tù có thời hạn),
// optionally up to life imprisonment (tù chung thân) or death (tử hình).
// Months rather than years because a few minima are below a year (e.g.
// Art. 347: 6 months).
type Bracket struct {
	MinMonths int
	MaxMonths int
	Life      bool
	Death     bool
}

// years builds a bracket of whole years.
func years(min, max int) Bracket { return Bracket{MinMonths: 12 * min, MaxMonths: 12 * max} }

// orLife adds life imprisonment to a bracket.
func (b Bracket) orLife() Bracket { b.Life = true; return b }

// IsZero reports whether the bracket is empty (a supplementary-penalty
// clause).
func (b Bracket) IsZero() bool { return b == Bracket{} }

// MinYears returns the minimum in whole years (rounded down).
func (b Bracket) MinYears() int { return b.MinMonths / 12 }

// MaxYears returns the maximum term in years, rounded up (a maximum of 3
// years and 6 months is more than 3 years for Penal Code Art. 9).
func (b Bracket) MaxYears() int { return (b.MaxMonths + 11) / 12 }

// Category returns the Penal Code Art. 9(1) category implied by the
// bracket's maximum.
func (b Bracket) Category() Category { return CategoryFor(b.MaxYears(), b.Life || b.Death) }

// String describes the bracket in English, e.g. "12–20 years or life".
func (b Bracket) String() string {
	if b.IsZero() {
		return "no prison bracket"
	}
	s := fmt.Sprintf("%s–%s", monthsText(b.MinMonths), monthsText(b.MaxMonths))
	if b.Life {
		s += " or life"
	}
	if b.Death {
		s += " or death"
	}
	return s
}

func monthsText(m int) string {
	if m%12 == 0 {
		return fmt.Sprintf("%d years", m/12)
	}
	return fmt.Sprintf("%d months", m)
}

// Clause is one clause (khoản) of a Penal Code article.
type Clause struct {
	Article string // article number, e.g. "150"
	Clause  string // clause number, e.g. "2"
	// Bracket is the main penalty bracket; zero for a supplementary-penalty
	// clause.
	Bracket Bracket
	// Supplementary marks the supplementary-penalty clause (hình phạt bổ
	// sung: fines, bans, probation, confiscation). It has no prison bracket
	// and cannot be charged alone.
	Supplementary bool
	// Preparation marks a clause punishing preparation of the offence
	// (chuẩn bị phạm tội).
	Preparation bool
	Summary     string     // main elements, English paraphrase
	Marker      Confidence // LEGAL.md confidence of the bracket
	// Points are the clause's points (điểm a, b, c, d, đ, e, g …) where they
	// are recorded; nil: not recorded, so any point letter is accepted (see
	// Charge validation in ChargeCategory).
	Points []string
}

// PointLetters are the letters points are numbered with, in order: the
// Vietnamese alphabet without f, j, w, z (a, b, c, d, đ, e, g, h, i, k …).
var PointLetters = []string{"a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "x", "y"}

// pointsTo returns the points of a clause from a to last, e.g. pointsTo("e")
// = a, b, c, d, đ, e.
func pointsTo(last string) []string {
	for i, p := range PointLetters {
		if p == last {
			return slices.Clone(PointLetters[:i+1])
		}
	}
	panic("legal: unknown point letter " + last)
}

// Category returns the Art. 9(1) category of the clause; "" for a
// supplementary-penalty clause.
func (c Clause) Category() Category {
	if c.Supplementary || c.Bracket.IsZero() {
		return ""
	}
	return c.Bracket.Category()
}

// Chargeable reports whether a person can be charged under the clause alone.
func (c Clause) Chargeable() bool { return c.Category() != "" }

// Article is a Penal Code article (điều) with its clauses.
type Article struct {
	Number  string
	NameVI  string // statutory title, e.g. "Tội mua bán người"
	NameEN  string
	Clauses []Clause
	// TriageOnly marks articles kept for intake triage (related offences
	// that are not trafficking offences themselves).
	TriageOnly bool
	Marker     Confidence // LEGAL.md confidence of the article's brackets
}

// Clause returns the article's clause by number.
func (a Article) Clause(number string) (Clause, bool) {
	for _, c := range a.Clauses {
		if c.Clause == number {
			return c, true
		}
	}
	return Clause{}, false
}

// CatalogueVersion is the text of the Penal Code in force from Effective
// until the next version.
type CatalogueVersion struct {
	Effective    ctip.Date
	Instrument   string // Vietnamese, e.g. "BLHS 2015 sửa đổi, bổ sung năm 2017"
	InstrumentEN string
	Articles     []Article
}

// Article returns the version's article by number.
func (v CatalogueVersion) Article(number string) (Article, bool) {
	for _, a := range v.Articles {
		if a.Number == number {
			return a, true
		}
	}
	return Article{}, false
}

// Catalogue is the versioned catalogue of Penal Code articles the system
// knows (LEGAL.md §2.2). Versions are ordered by effective date; the version
// in force on a date is the last one whose Effective is not after it.
// DefaultCatalogue returns the built-in data; a caller may build its own
// (e.g. once counsel has checked the post-2025 consolidated text).
type Catalogue struct {
	Versions []CatalogueVersion
}

// Charge is a charge as written in a decision: article, clause and point
// (điểm, e.g. "a"), e.g. Art. 150(2)(c). Point is carried for display; the
// category depends on the clause only.
type Charge struct {
	Article string
	Clause  string
	Point   string
}

// String returns the English short form, e.g. "Art. 150(2)(c)".
func (c Charge) String() string {
	s := "Art. " + c.Article
	if c.Clause != "" {
		s += "(" + c.Clause + ")"
	}
	if c.Point != "" {
		s += "(" + c.Point + ")"
	}
	return s
}

// Vietnamese returns the Vietnamese citation, e.g. "điểm c khoản 2 Điều 150
// BLHS".
func (c Charge) Vietnamese() string {
	s := "Điều " + c.Article + " BLHS"
	if c.Clause != "" {
		s = "khoản " + c.Clause + " " + s
	}
	if c.Point != "" {
		s = "điểm " + c.Point + " " + s
	}
	return s
}

// VersionOn returns the version in force on the date. Before the first
// version (the 2015 Penal Code took effect on 1 Jan 2018) there is none: a
// *ctip.Error Invalid with KeyNoRulesInForce.
func (c Catalogue) VersionOn(on ctip.Date) (CatalogueVersion, error) {
	on = norm(on)
	i := sort.Search(len(c.Versions), func(i int) bool { return c.Versions[i].Effective.After(on) })
	if i == 0 {
		return CatalogueVersion{}, invalid(KeyNoRulesInForce, on.String())
	}
	return c.Versions[i-1], nil
}

// Article returns an article as in force on the date. An unknown article is
// a *ctip.Error Invalid with KeyUnknownArticle naming it.
func (c Catalogue) Article(on ctip.Date, article string) (Article, error) {
	v, err := c.VersionOn(on)
	if err != nil {
		return Article{}, err
	}
	a, ok := v.Article(cleanNumber(article))
	if !ok {
		return Article{}, invalid(KeyUnknownArticle, article)
	}
	return a, nil
}

// Lookup returns a clause as in force on the date (normally the date of the
// offence: Penal Code Art. 7 applies the law in force when the offence was
// committed, unless a later law is more favourable — that comparison is for
// the lawyer). An unknown article or clause is a *ctip.Error Invalid
// (KeyUnknownArticle / KeyUnknownClause) naming the article (and clause).
// A supplementary-penalty clause is returned without error; see Charge.
func (c Catalogue) Lookup(on ctip.Date, article, clause string) (Clause, error) {
	a, err := c.Article(on, article)
	if err != nil {
		return Clause{}, err
	}
	cl, ok := a.Clause(cleanNumber(clause))
	if !ok {
		return Clause{}, invalid(KeyUnknownClause, a.Number, clause)
	}
	return cl, nil
}

// ChargeCategory validates a charge against the catalogue in force on the
// date and returns its clause and category. Charging a supplementary-penalty
// clause alone is invalid (KeyClauseNotChargeable, args: article, clause).
func (c Catalogue) ChargeCategory(on ctip.Date, ch Charge) (Clause, Category, error) {
	cl, err := c.Lookup(on, ch.Article, ch.Clause)
	if err != nil {
		return Clause{}, "", err
	}
	if !cl.Chargeable() {
		return cl, "", invalid(KeyClauseNotChargeable, cl.Article, cl.Clause)
	}
	if pt := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(ch.Point), "điểm"))); pt != "" {
		// A point is one letter of the clause: one the clause has where its
		// points are recorded, otherwise at least a point letter.
		if !slices.Contains(PointLetters, pt) || cl.Points != nil && !slices.Contains(cl.Points, pt) {
			return cl, "", invalid(KeyUnknownPoint, cl.Article, cl.Clause, ch.Point)
		}
	}
	return cl, cl.Category(), nil
}

// CaseCategory returns the most serious category of the charges (see
// MostSerious for the U status of that rule). No charges is invalid
// (KeyNoCharges); the first invalid charge's error is returned.
func (c Catalogue) CaseCategory(on ctip.Date, charges ...Charge) (Category, error) {
	if len(charges) == 0 {
		return "", invalid(KeyNoCharges)
	}
	var cats []Category
	for _, ch := range charges {
		_, cat, err := c.ChargeCategory(on, ch)
		if err != nil {
			return "", err
		}
		cats = append(cats, cat)
	}
	return MostSerious(cats...), nil
}

// cleanNumber normalises an article or clause number as typed: surrounding
// space, a leading "Điều"/"Art."/"khoản" and letter case ("256A" → "256a").
func cleanNumber(s string) string {
	s = strings.TrimSpace(s)
	low := strings.ToLower(s)
	for _, p := range []string{"điều", "art.", "article", "khoản", "clause"} {
		if strings.HasPrefix(low, p) {
			low = strings.TrimSpace(low[len(p):])
			break
		}
	}
	return low
}

// Effective dates of the Penal Code versions.
var (
	// PenalCode2015Effective — BLHS 2015 (Law 100/2015/QH13) as amended by
	// Law 12/2017/QH14, in force 1 Jan 2018.
	PenalCode2015Effective = ctip.Date{Year: 2018, Month: 1, Day: 1}
	// PenalCode2025Effective — amended by Law 86/2025/QH15, in force 1 Jul
	// 2025 (LEGAL.md §0.1).
	PenalCode2025Effective = ctip.Date{Year: 2025, Month: 7, Day: 1}
)

// DefaultCatalogue returns the built-in catalogue (LEGAL.md §2.2): the 2018
// text (2015 Code as amended 2017) and the 2025 text (Law 86/2025/QH15).
// LEGAL.md reports no change to these articles in 2025 (S), so the 2025
// version carries the same brackets; it is a separate version so that a
// clause can differ once counsel checks the consolidated text.
func DefaultCatalogue() Catalogue {
	return Catalogue{Versions: []CatalogueVersion{
		{
			Effective:    PenalCode2015Effective,
			Instrument:   "BLHS 2015 (Luật 100/2015/QH13), sửa đổi, bổ sung bởi Luật 12/2017/QH14",
			InstrumentEN: "Penal Code 2015 (Law 100/2015/QH13) as amended by Law 12/2017/QH14",
			Articles:     articles2018(),
		},
		{
			Effective:    PenalCode2025Effective,
			Instrument:   "BLHS 2015, sửa đổi, bổ sung bởi Luật 86/2025/QH15",
			InstrumentEN: "Penal Code 2015 as amended by Law 86/2025/QH15",
			// S: no source reports changes to these articles (LEGAL.md §0.1).
			Articles: articles2018(),
		},
	}}
}

// articles2018 returns the articles as amended in 2017 (LEGAL.md §2.2).
// A fresh slice each call, so versions never share backing arrays.
func articles2018() []Article {
	cl := func(art, clause string, b Bracket, m Confidence, summary string) Clause {
		return Clause{Article: art, Clause: clause, Bracket: b, Marker: m, Summary: summary}
	}
	// withPoints records a clause's points, a to last. Recorded from the
	// statute text for Arts 150 and 151 (the elements LEGAL.md §2.2 lists,
	// one point each); the other articles' points are not recorded (any
	// point letter is accepted) until counsel checks them.
	withPoints := func(c Clause, last string) Clause { c.Points = pointsTo(last); return c }
	supp := func(art, clause string, m Confidence, summary string) Clause {
		return Clause{Article: art, Clause: clause, Supplementary: true, Marker: m, Summary: summary}
	}
	return []Article{
		{
			// Penal Code Art. 150 — victim aged 16 or over; requires force,
			// threat, deception or other tricks. V [pc-150a] [pc-150b].
			Number: "150", NameVI: "Tội mua bán người", NameEN: "Trafficking in persons", Marker: Verified,
			Clauses: []Clause{
				// Points: 1 a–c (for money; for exploitation; recruiting,
				// transporting, harbouring for those ends), 2 a–e, 3 a–e (one
				// per element listed).
				withPoints(cl("150", "1", years(5, 10), Verified, "transferring or receiving a person for money or other benefit, for sexual exploitation, forced labour, removal of organs or other inhumane purposes; or recruiting, transporting or harbouring for those ends"), "c"),
				withPoints(cl("150", "2", years(8, 15), Verified, "organised; base motives; injury or mental disorder of 31–60 %; taking the victim across the border; 2–5 victims; 2 or more offences"), "e"),
				withPoints(cl("150", "3", years(12, 20), Verified, "professional; organs taken; injury of 61 % or more; victim died or committed suicide; 6 or more victims; dangerous recidivism"), "e"),
				// U: LEGAL.md lists the supplementary penalties without
				// confirming the clause text or amounts.
				supp("150", "4", Unverified, "supplementary penalties: fine, probation, residence ban or partial confiscation of property"),
			},
		},
		{
			// Penal Code Art. 151 — victim under 16; no "means" element.
			// V [pc-151a] [pc-151b] [pc-151c].
			Number: "151", NameVI: "Tội mua bán người dưới 16 tuổi", NameEN: "Trafficking in persons under 16", Marker: Verified,
			Clauses: []Clause{
				// Points: 1 a–c as Art. 150(1); 2 a–h (the eight elements
				// LEGAL.md lists, S); 3 not recorded (LEGAL.md's list ends "…").
				withPoints(cl("151", "1", years(7, 12), Verified, "transferring or receiving a person under 16 for money or other benefit (except for humanitarian purposes), or for exploitation, removal of organs or other inhumane purposes; recruiting, transporting or harbouring for those ends"), "c"),
				withPoints(cl("151", "2", years(12, 20), Verified, "abuse of position or of adoption; 2–5 victims; victim in the offender's care; taken across the border; 2 or more offences; base motives; injury or mental disorder of 31–60 %"), "h"),
				cl("151", "3", years(18, 20).orLife(), Verified, "organised; professional; injury of 61 % or more; organs taken; victim died or committed suicide; 6 or more victims"),
				// U (LEGAL.md §2.2 "151(4)/(5)"): preparation clause, bracket
				// 1–5 years as commonly quoted; confirm before relying on it.
				{Article: "151", Clause: "4", Bracket: years(1, 5), Preparation: true, Marker: Unverified, Summary: "preparing to commit the offence"},
				supp("151", "5", Unverified, "supplementary penalties"),
			},
		},
		{
			// Penal Code Art. 153 — appropriating a person under 16.
			// V [pc-153a] [pc-153b].
			Number: "153", NameVI: "Tội chiếm đoạt người dưới 16 tuổi", NameEN: "Appropriating a person under 16", Marker: Verified,
			Clauses: []Clause{
				cl("153", "1", years(3, 7), Verified, "by force, threat or other tricks, holding a child under 16 or handing the child to another to hold"),
				cl("153", "2", years(5, 10), Verified, "organised; abuse of position or profession; child in the offender's care; 2–5 victims; 2 or more offences; injury or mental-harm thresholds"),
				cl("153", "3", years(10, 15), Verified, "professional; 6 or more victims; severe mental harm; victim died; dangerous recidivism"),
				supp("153", "4", Verified, "fine of VND 10–50 million; ban from posts or professions for 1–5 years"),
			},
		},
		{
			// Penal Code Art. 154 — trading in or appropriating human tissue
			// or body parts. V [pc-154].
			Number: "154", NameVI: "Tội mua bán, chiếm đoạt mô hoặc bộ phận cơ thể người", NameEN: "Trading in or appropriating human tissue or body parts", Marker: Verified,
			Clauses: []Clause{
				cl("154", "1", years(3, 7), Verified, "buying, selling or appropriating another person's tissue or body part"),
				cl("154", "2", years(7, 15), Verified, "organised; commercial purpose; abuse of position or profession; 2–5 persons; 2 or more offences; injury of 31–60 %"),
				cl("154", "3", years(12, 20).orLife(), Verified, "professional; injury of 61 % or more; 6 or more persons; death; dangerous recidivism"),
				supp("154", "4", Verified, "fine of VND 10–100 million; ban for 1–5 years"),
			},
		},
		{
			// Penal Code Art. 347 — for intake triage only. S [pc-347].
			Number: "347", NameVI: "Tội vi phạm quy định về xuất cảnh, nhập cảnh; tội ở lại Việt Nam trái phép", NameEN: "Violating exit or entry regulations; staying in Vietnam illegally", TriageOnly: true, Marker: Secondary,
			Clauses: []Clause{
				cl("347", "1", Bracket{MinMonths: 6, MaxMonths: 36}, Secondary, "fine of VND 5–50 million or 6 months to 3 years' imprisonment"),
			},
		},
		{
			// Penal Code Art. 348 — for profit (vì vụ lợi). V [pc-348].
			Number: "348", NameVI: "Tội tổ chức, môi giới cho người khác xuất cảnh, nhập cảnh hoặc ở lại Việt Nam trái phép", NameEN: "Organising or brokering illegal exit, entry or stay in Vietnam", Marker: Verified,
			Clauses: []Clause{
				cl("348", "1", years(1, 5), Verified, "organising or brokering illegal exit, entry or stay in Vietnam for profit"),
				cl("348", "2", years(5, 10), Verified, "abuse of position; 2 or more offences; 5–10 persons; professional; illicit gain of VND 100 to under 500 million; dangerous recidivism"),
				cl("348", "3", years(7, 15), Verified, "11 or more persons; illicit gain of VND 500 million or more; causing death"),
				supp("348", "4", Verified, "fine of VND 10–50 million or ban for 1–5 years"),
			},
		},
		{
			// Penal Code Art. 349 — unless it falls under Art. 120.
			// V [pc-349a] [pc-349b].
			Number: "349", NameVI: "Tội tổ chức, môi giới cho người khác trốn đi nước ngoài hoặc ở lại nước ngoài trái phép", NameEN: "Organising or brokering illegal flight abroad or illegal stay abroad", Marker: Verified,
			Clauses: []Clause{
				cl("349", "1", years(1, 5), Verified, "organising or brokering another person's flight abroad or illegal stay abroad"),
				cl("349", "2", years(5, 10), Verified, "abuse of position; 2 or more offences; 5–10 persons; professional; gain of VND 100 to under 500 million; dangerous recidivism"),
				cl("349", "3", years(7, 15), Verified, "11 or more persons; gain of VND 500 million or more; causing death"),
				supp("349", "4", Verified, "fine of VND 10–50 million or ban for 1–5 years"),
			},
		},
		{
			// Penal Code Art. 350 — for intake triage only. S [pc-350].
			Number: "350", NameVI: "Tội cưỡng ép người khác trốn đi nước ngoài hoặc ở lại nước ngoài trái phép", NameEN: "Forcing another person to flee abroad or to stay abroad illegally", TriageOnly: true, Marker: Secondary,
			Clauses: []Clause{
				cl("350", "1", years(2, 7), Secondary, "forcing another person to flee abroad or to stay abroad illegally"),
				cl("350", "2", years(5, 12), Secondary, "aggravated cases"),
				cl("350", "3", years(12, 20), Secondary, "especially aggravated cases"),
			},
		},
	}
}
