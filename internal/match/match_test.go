package match

import (
	"slices"
	"testing"
)

func TestTokensFoldVietnamese(t *testing.T) {
	if got := Tokens("  Nguyễn Thị  Đào "); !slices.Equal(got, []string{"nguyen", "thi", "dao"}) {
		t.Fatalf("Tokens = %v", got)
	}
}

func TestEditDistanceOneMatches(t *testing.T) {
	stored := map[Key]bool{}
	for _, k := range NameKeys("Lò Thị Xuân") {
		stored[k] = true
	}
	for _, q := range []string{"xuan", "xuam", "xuann", "xan", "xuna"} {
		hit := false
		for _, k := range QueryKeys(q) {
			hit = hit || stored[k]
		}
		if q == "xuna" { // a transposition is two edits: not promised
			continue
		}
		if !hit {
			t.Errorf("query %q does not reach \"xuan\"", q)
		}
	}
	hit := false
	for _, k := range QueryKeys("hoang") {
		hit = hit || stored[k]
	}
	if hit {
		t.Error("an unrelated token matched")
	}
}

func TestScoreAndOrder(t *testing.T) {
	if s := Score([]string{"nguyen", "mai"}, "Nguyễn Thị Mai"); s != 0 {
		t.Errorf("exact score %d", s)
	}
	if s := Score([]string{"nguyen", "maii"}, "Nguyễn Thị Mai"); s != 1 {
		t.Errorf("typo score %d", s)
	}
	if s := Score([]string{"tran"}, "Nguyễn Thị Mai"); s != -1 {
		t.Errorf("miss score %d", s)
	}
	if o := Order([]string{"nguyen", "thi", "xuan"}); o[0] != "xuan" {
		t.Errorf("order %v", o)
	}
}

func TestNormalise(t *testing.T) {
	if NormalisePhone("+84 987 654 321") != "0987654321" || NormalisePhone("0987.654.321") != "0987654321" {
		t.Error("phone")
	}
	if NormaliseID("011 190-012 345") != "011190012345" || NormaliseID("c1234567") != "C1234567" {
		t.Error("id")
	}
}

func TestPairKeys(t *testing.T) {
	stored := map[Key]bool{}
	for _, k := range PairKeys("Nguyễn Thị Xuân") {
		stored[k] = true
	}
	for _, q := range [][2]string{{"xuan", "nguyen"}, {"xuam", "nguyen"}, {"xuan", "nguyn"}, {"xuann", "nguyen"}, {"thi", "xuan"}, {"nguyen", "xuna"}} {
		hit := false
		for _, k := range QueryPairKeys(q[0], q[1]) {
			hit = hit || stored[k]
		}
		if !hit { // a transposition is caught too (two deletions in common)
			t.Errorf("pair %v: hit %v", q, hit)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"xuan", "xuan", 0}, {"xuan", "xuna", 1}, {"xuan", "xan", 1}, {"xuan", "xuann", 1}, {"xuan", "xuam", 1}, {"xuan", "hoang", 3}} {
		if got := Distance(c.a, c.b); got != c.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}
