package legal

import (
	"testing"

	"ctip"
)

// TestOrderedDetention: the procuracy's (Art. 241) and the court's (Art.
// 278) detention orders run to the date in the order, no later than the
// stage's limit unless the U setting lifts the cap (LEGAL.md §1.5).
func TestOrderedDetention(t *testing.T) {
	start, stageDue := d("2026-02-11"), d("2026-03-13")
	for _, tc := range []struct {
		name     string
		pol      Policy
		stage    Stage
		end      ctip.Date
		key      string
		cite     string
		wantDue  ctip.Date
		wantCite string
	}{
		{"on the stage's last day", Policy{}, StageProsecution, stageDue, "", "", stageDue, "BLTTHS Điều 241"},
		{"before it", Policy{}, StageTrialPreparation, d("2026-03-01"), "", "", d("2026-03-01"), "BLTTHS Điều 278"},
		{"a day beyond, prosecution", Policy{}, StageProsecution, d("2026-03-14"), KeyStageDetentionBeyondStage, "BLTTHS Điều 241", ctip.Date{}, ""},
		{"a day beyond, trial preparation", DefaultPolicy(), StageTrialPreparation, d("2026-03-14"), KeyStageDetentionBeyondStage, "BLTTHS Điều 278", ctip.Date{}, ""},
		{"beyond, cap off", Policy{StageDetentionUncapped: true}, StageProsecution, d("2026-04-30"), "", "", d("2026-04-30"), "BLTTHS Điều 241"},
		{"no end date", Policy{}, StageProsecution, ctip.Date{}, KeyStageDetentionEndBeforeStart, "BLTTHS Điều 241", ctip.Date{}, ""},
		{"end before start", Policy{}, StageTrialPreparation, d("2026-02-10"), KeyStageDetentionEndBeforeStart, "BLTTHS Điều 278", ctip.Date{}, ""},
		{"investigation is Art. 173's", Policy{}, StageInvestigation, stageDue, KeyUnknownStage, "", ctip.Date{}, ""},
	} {
		l, err := OrderedDetention(tc.pol, tc.stage, start, tc.end, stageDue)
		if tc.key == "" {
			if err != nil || l.Due != tc.wantDue || l.Start != start || l.Basis != tc.wantCite {
				t.Errorf("%s: %+v, %v", tc.name, l, err)
			}
			continue
		}
		ce, ok := err.(*ctip.Error)
		if !ok || ce.Kind != ctip.Invalid || ce.Key != tc.key {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.key)
			continue
		}
		if tc.cite != "" {
			if txt, ok := ce.Args[0].(ctip.Text); !ok || txt.VI != tc.cite {
				t.Errorf("%s: citation %v, want %s", tc.name, ce.Args[0], tc.cite)
			}
		}
		if tc.key == KeyStageDetentionBeyondStage && ce.Args[1] != stageDue.Format() {
			t.Errorf("%s: the stage's last day %v", tc.name, ce.Args[1])
		}
	}
	// No stage limit running (zero): only the order's own dates are checked.
	if _, err := OrderedDetention(Policy{}, StageProsecution, start, d("2027-01-01"), ctip.Date{}); err != nil {
		t.Errorf("no stage limit: %v", err)
	}
}
