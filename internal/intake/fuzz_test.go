package intake

import (
	"testing"
	"time"
	"unicode/utf8"

	"ctip"
	"ctip/internal/geo"
	"ctip/internal/legal"
)

// FuzzValidate checks that any input is either accepted in a normalised,
// bounded form or refused with named fields — never a panic.
func FuzzValidate(f *testing.F) {
	f.Add("denunciation", "hotline", int64(1772416800), "Tố giác", "03160", "", "", "150", false, "Lò Văn Pọm", "", "0912345678", "", "011203004567", "")
	f.Add("report", "letter", int64(0), "", "99999", "01", "LA", "x", false, "", "", "abc", "a@", "12", "")
	f.Add("petition", "referral", int64(1900000000), "\x00\x00", "06978", "22", "VN", "other", true, "x", "y", "z", "w", "v", "u")
	svc := &Service{Places: geo.MustLoad(), Clock: &ctip.FixedClock{T: time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)},
		Policy: legal.DefaultPolicy()}
	f.Fuzz(func(t *testing.T, kind, channel string, unix int64, summary, commune, province, country, offence string,
		anon bool, name, org, phone, email, idn, addr string) {
		in := Input{Kind: kind, Channel: channel, Summary: summary, CommuneCode: commune, ProvinceCode: province,
			CountryCode: country, OffenceArticle: offence,
			Reporter: ReporterInput{Anonymous: anon, Name: name, Organisation: org, Phone: phone, Email: email, IDNumber: idn, Address: addr}}
		if unix != 0 {
			in.ReceivedAt = time.Unix(unix%4_000_000_000, 0)
		}
		p := svc.validate(&in)
		if len(p) > 0 {
			for _, fe := range p {
				if fe.Field == "" || fe.Key == "" {
					t.Fatalf("problem without a field or key: %+v", fe)
				}
			}
			return
		}
		// Accepted: within bounds, on the lists, and anonymous means no identity.
		if utf8.RuneCountInString(in.Summary) > MaxSummary || in.Summary == "" {
			t.Fatalf("summary accepted out of bounds: %d", len(in.Summary))
		}
		if in.Reporter.Anonymous && (in.Reporter.Name != "" || in.Reporter.Phone != "" || in.Reporter.IDNumber != "") {
			t.Fatal("anonymous reporter kept an identity")
		}
		if in.CommuneCode != "" {
			if prov, ok := svc.Places.CommuneProvince(in.CommuneCode); !ok || prov != in.ProvinceCode {
				t.Fatalf("commune %s accepted with province %s", in.CommuneCode, in.ProvinceCode)
			}
		}
	})
}
