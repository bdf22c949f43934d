package legal

import (
	"errors"
	"testing"

	"ctip"
)

func TestCategoryFor(t *testing.T) {
	tests := []struct {
		max  int
		life bool
		want Category
	}{
		{0, false, LessSerious}, {1, false, LessSerious}, {3, false, LessSerious},
		{4, false, Serious}, {7, false, Serious},
		{8, false, VerySerious}, {15, false, VerySerious},
		{16, false, EspeciallySerious}, {20, false, EspeciallySerious},
		{3, true, EspeciallySerious},
	}
	for _, tt := range tests {
		if got := CategoryFor(tt.max, tt.life); got != tt.want {
			t.Errorf("CategoryFor(%d, %v) = %s, want %s", tt.max, tt.life, got, tt.want)
		}
	}
}

func TestCategoryValues(t *testing.T) {
	want := map[Category]struct {
		s, vi, abbrev string
		rank, limit   int
	}{
		LessSerious:       {"less_serious", "tội phạm ít nghiêm trọng", "ÍNT", 1, 5},
		Serious:           {"serious", "tội phạm nghiêm trọng", "NT", 2, 10},
		VerySerious:       {"very_serious", "tội phạm rất nghiêm trọng", "RNT", 3, 15},
		EspeciallySerious: {"especially_serious", "tội phạm đặc biệt nghiêm trọng", "ĐBNT", 4, 20},
	}
	for c, w := range want {
		if string(c) != w.s || c.Vietnamese() != w.vi || c.Abbrev() != w.abbrev || c.Rank() != w.rank ||
			LimitationYears(c) != w.limit || c.English() == "" || !c.Valid() {
			t.Errorf("%s: got %q %q %q rank %d limitation %d", w.s, c, c.Vietnamese(), c.Abbrev(), c.Rank(), LimitationYears(c))
		}
		if p, err := ParseCategory(" " + w.s + " "); err != nil || p != c {
			t.Errorf("ParseCategory(%q) = %q, %v", w.s, p, err)
		}
	}
	bad := Category("grave")
	if bad.Rank() != 0 || bad.Valid() || bad.Vietnamese() != "" || bad.English() != "" || bad.Abbrev() != "" || LimitationYears(bad) != 0 {
		t.Error("unknown category should have no rank or names")
	}
	if _, err := ParseCategory("grave"); !hasKey(err, KeyUnknownCategory) {
		t.Errorf("ParseCategory(grave) err = %v", err)
	}
}

func TestMostSerious(t *testing.T) {
	if got := MostSerious(); got != "" {
		t.Errorf("MostSerious() = %q", got)
	}
	if got := MostSerious(Serious, "bogus", LessSerious, VerySerious, Serious); got != VerySerious {
		t.Errorf("got %s", got)
	}
	if got := MostSerious(EspeciallySerious, LessSerious); got != EspeciallySerious {
		t.Errorf("got %s", got)
	}
}

// TestCatalogueBrackets checks every clause against LEGAL.md §2.2.
func TestCatalogueBrackets(t *testing.T) {
	type row struct {
		article, clause string
		min, max        int // years
		life            bool
		cat             Category // "" = supplementary, not chargeable
		marker          Confidence
	}
	rows := []row{
		{"150", "1", 5, 10, false, VerySerious, Verified},
		{"150", "2", 8, 15, false, VerySerious, Verified},
		{"150", "3", 12, 20, false, EspeciallySerious, Verified},
		{"150", "4", 0, 0, false, "", Unverified},
		{"151", "1", 7, 12, false, VerySerious, Verified},
		{"151", "2", 12, 20, false, EspeciallySerious, Verified},
		{"151", "3", 18, 20, true, EspeciallySerious, Verified},
		{"151", "4", 1, 5, false, Serious, Unverified},
		{"151", "5", 0, 0, false, "", Unverified},
		{"153", "1", 3, 7, false, Serious, Verified},
		{"153", "2", 5, 10, false, VerySerious, Verified},
		{"153", "3", 10, 15, false, VerySerious, Verified},
		{"153", "4", 0, 0, false, "", Verified},
		{"154", "1", 3, 7, false, Serious, Verified},
		{"154", "2", 7, 15, false, VerySerious, Verified},
		{"154", "3", 12, 20, true, EspeciallySerious, Verified},
		{"154", "4", 0, 0, false, "", Verified},
		{"347", "1", 0, 3, false, LessSerious, Secondary}, // 6 months – 3 years
		{"348", "1", 1, 5, false, Serious, Verified},
		{"348", "2", 5, 10, false, VerySerious, Verified},
		{"348", "3", 7, 15, false, VerySerious, Verified},
		{"348", "4", 0, 0, false, "", Verified},
		{"349", "1", 1, 5, false, Serious, Verified},
		{"349", "2", 5, 10, false, VerySerious, Verified},
		{"349", "3", 7, 15, false, VerySerious, Verified},
		{"349", "4", 0, 0, false, "", Verified},
		{"350", "1", 2, 7, false, Serious, Secondary},
		{"350", "2", 5, 12, false, VerySerious, Secondary},
		{"350", "3", 12, 20, false, EspeciallySerious, Secondary},
	}
	cat := DefaultCatalogue()
	for _, on := range []ctip.Date{d("2018-01-01"), d("2024-06-30"), d("2025-07-01"), d("2026-05-01")} {
		count := 0
		for _, v := range cat.Versions {
			if !v.Effective.After(on) {
				count = 0
				for _, a := range v.Articles {
					count += len(a.Clauses)
				}
			}
		}
		if count != len(rows) {
			t.Errorf("%s: catalogue has %d clauses, table %d", on, count, len(rows))
		}
		for _, r := range rows {
			c, err := cat.Lookup(on, r.article, r.clause)
			if err != nil {
				t.Errorf("%s Lookup(%s, %s): %v", on, r.article, r.clause, err)
				continue
			}
			if c.Bracket.MinYears() != r.min || c.Bracket.MaxYears() != r.max || c.Bracket.Life != r.life ||
				c.Category() != r.cat || c.Marker != r.marker || c.Supplementary != (r.cat == "") || c.Summary == "" {
				t.Errorf("%s Art. %s(%s) = %+v category %s", on, r.article, r.clause, c, c.Category())
			}
			_, got, err := cat.ChargeCategory(on, Charge{Article: r.article, Clause: r.clause, Point: "a"})
			if r.cat == "" {
				if !hasKey(err, KeyClauseNotChargeable) {
					t.Errorf("charging supplementary Art. %s(%s): err = %v", r.article, r.clause, err)
				}
			} else if err != nil || got != r.cat {
				t.Errorf("ChargeCategory(%s(%s)) = %s, %v", r.article, r.clause, got, err)
			}
		}
	}
	if c, _ := cat.Lookup(d("2026-01-01"), "347", "1"); c.Bracket.MinMonths != 6 || c.Bracket.String() != "6 months–3 years" {
		t.Errorf("Art. 347 bracket = %v", c.Bracket)
	}
	if c, _ := cat.Lookup(d("2026-01-01"), "151", "3"); c.Bracket.String() != "18 years–20 years or life" {
		t.Errorf("Art. 151(3) bracket = %v", c.Bracket)
	}
}

func TestCatalogueArticles(t *testing.T) {
	cat := DefaultCatalogue()
	for _, n := range []string{"150", "151", "153", "154", "347", "348", "349", "350"} {
		a, err := cat.Article(d("2026-01-01"), n)
		if err != nil || a.NameVI == "" || a.NameEN == "" || a.Number != n || a.Marker == "" {
			t.Errorf("Article(%s) = %+v, %v", n, a, err)
		}
		if a.TriageOnly != (n == "347" || n == "350") {
			t.Errorf("Art. %s TriageOnly = %v", n, a.TriageOnly)
		}
	}
	if a, _ := cat.Article(d("2026-01-01"), "150"); a.NameVI != "Tội mua bán người" {
		t.Errorf("Art. 150 name %q", a.NameVI)
	}
}

func TestCatalogueErrors(t *testing.T) {
	cat := DefaultCatalogue()
	on := d("2026-01-01")
	_, err := cat.Lookup(on, "999", "1")
	if !hasKey(err, KeyUnknownArticle) || argsOf(err)[0] != "999" {
		t.Errorf("unknown article: %v", err)
	}
	_, err = cat.Lookup(on, "150", "9")
	if !hasKey(err, KeyUnknownClause) || argsOf(err)[0] != "150" || argsOf(err)[1] != "9" {
		t.Errorf("unknown clause: %v", err)
	}
	_, err = cat.Lookup(d("2017-12-31"), "150", "1")
	if !hasKey(err, KeyNoRulesInForce) {
		t.Errorf("before 2018: %v", err)
	}
	if _, err := cat.CaseCategory(on); !hasKey(err, KeyNoCharges) {
		t.Errorf("no charges: %v", err)
	}
	if _, err := cat.CaseCategory(on, Charge{"150", "1", ""}, Charge{"150", "4", ""}); !hasKey(err, KeyClauseNotChargeable) {
		t.Errorf("supplementary in case: %v", err)
	}
	// Typed forms are accepted.
	if c, err := cat.Lookup(on, " Điều 150 ", "khoản 2"); err != nil || c.Clause != "2" {
		t.Errorf("typed form: %+v %v", c, err)
	}
}

// TestChargePoints: a point must be a point of the clause where the
// clause's points are recorded (Art. 150(2) has a–e), and a point letter
// anyway (review finding 11: "z" was accepted).
func TestChargePoints(t *testing.T) {
	cat := DefaultCatalogue()
	on := d("2026-03-02")
	for _, c := range []struct {
		ch Charge
		ok bool
	}{
		{Charge{"150", "2", "a"}, true},
		{Charge{"150", "2", "đ"}, true},
		{Charge{"150", "2", "e"}, true},
		{Charge{"150", "2", "g"}, false}, // 150(2) ends at e
		{Charge{"150", "2", "z"}, false}, // not a point letter at all
		{Charge{"150", "1", "d"}, false}, // 150(1) has a–c
		{Charge{"151", "2", "h"}, true},
		{Charge{"151", "2", "i"}, false},
		{Charge{"151", "3", "g"}, true},  // points not recorded: any point letter
		{Charge{"348", "2", "f"}, false}, // f is no point letter
		{Charge{"348", "2", "x"}, true},
		{Charge{"150", "2", ""}, true},
	} {
		_, _, err := cat.ChargeCategory(on, c.ch)
		if (err == nil) != c.ok {
			t.Errorf("%v: err %v, want ok=%v", c.ch, err, c.ok)
		}
		if err != nil && (!hasKey(err, KeyUnknownPoint) || argsOf(err)[2] != c.ch.Point) {
			t.Errorf("%v: %v", c.ch, err)
		}
	}
}

func TestCaseCategory(t *testing.T) {
	cat := DefaultCatalogue()
	got, err := cat.CaseCategory(d("2026-01-01"), Charge{"348", "1", ""}, Charge{"150", "2", "c"}, Charge{"153", "1", ""})
	if err != nil || got != VerySerious {
		t.Errorf("CaseCategory = %s, %v", got, err)
	}
	got, err = cat.CaseCategory(d("2026-01-01"), Charge{"349", "1", ""}, Charge{"151", "3", ""})
	if err != nil || got != EspeciallySerious {
		t.Errorf("CaseCategory = %s, %v", got, err)
	}
}

// A version may change a clause: the date picks the version.
func TestCatalogueVersioning(t *testing.T) {
	cat := DefaultCatalogue()
	v := &cat.Versions[1]
	for i, a := range v.Articles {
		if a.Number == "348" {
			v.Articles[i].Clauses[0].Bracket = years(1, 3) // hypothetical 2025 change
		}
	}
	old, _ := cat.Lookup(d("2025-06-30"), "348", "1")
	cur, _ := cat.Lookup(d("2025-07-01"), "348", "1")
	if old.Category() != Serious || cur.Category() != LessSerious {
		t.Errorf("old %s, new %s", old.Category(), cur.Category())
	}
	// The default is untouched: versions do not share clauses.
	if c, _ := DefaultCatalogue().Lookup(d("2025-07-01"), "348", "1"); c.Category() != Serious {
		t.Error("DefaultCatalogue must return fresh data")
	}
	if c, _ := cat.Lookup(d("2025-06-30"), "348", "1"); c.Bracket != years(1, 5) {
		t.Error("changing the 2025 version must not change the 2018 one")
	}
}

func TestChargeText(t *testing.T) {
	c := Charge{Article: "150", Clause: "2", Point: "c"}
	if c.String() != "Art. 150(2)(c)" || c.Vietnamese() != "điểm c khoản 2 Điều 150 BLHS" {
		t.Errorf("%q %q", c.String(), c.Vietnamese())
	}
	if (Charge{Article: "150"}).Vietnamese() != "Điều 150 BLHS" {
		t.Error("article-only charge")
	}
}

func hasKey(err error, key string) bool {
	var e *ctip.Error
	return errors.As(err, &e) && e.Kind == ctip.Invalid && e.Key == key
}

func argsOf(err error) []any {
	var e *ctip.Error
	if errors.As(err, &e) {
		return append(e.Args, nil, nil, nil)
	}
	return []any{nil, nil, nil}
}
