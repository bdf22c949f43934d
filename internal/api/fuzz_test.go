package api

import (
	"testing"

	"ctip"
)

// FuzzDecodeIntake feeds arbitrary bytes to the strict JSON decoding of an
// intake body: it must never panic, and every refusal must be an Invalid
// error naming at least one field.
func FuzzDecodeIntake(f *testing.F) {
	for _, s := range []string{
		`{"kind":"denunciation","channel":"hotline","received_at":"2026-03-02T09:15:00+07:00","summary":"x","commune_code":"03160","offence_article":"150","reporter":{"anonymous":true}}`,
		`{"kind":7}`, `{"colour":"red"}`, `[]`, `{}`, `{"reporter":{"name":"Lò Văn Pọm","phone":"0912"}}`, `{"received_at":"yesterday"}`,
		`{"summary":"\u0000"}`, `{"kind":"denunciation"} {}`, `{"version":1.5}`, `null`, `"string"`, `{"reporter":[]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in IntakeInput
		err := DecodeJSON(body, &in)
		if err != nil {
			ce, ok := err.(*ctip.Error)
			if !ok || ce.Kind != ctip.Invalid || len(ce.Fields) == 0 || ce.Fields[0].Field == "" {
				t.Fatalf("refusal without a field: %#v", err)
			}
			return
		}
		var p ctip.Problems
		got := in.toInput(&p)
		if in.ReceivedAt != nil && *in.ReceivedAt != "" && len(p) == 0 && got.ReceivedAt.IsZero() {
			t.Fatalf("received_at %q accepted but lost", *in.ReceivedAt)
		}
	})
}
