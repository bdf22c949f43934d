package geo

import "testing"

func TestLoadCountsAndLookups(t *testing.T) {
	p, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Provinces) != 34 || len(p.Communes) != 3321 || len(p.Ethnics) != 54 || len(p.Countries) < 240 {
		t.Fatalf("counts: %d provinces, %d communes, %d ethnic groups, %d countries", len(p.Provinces), len(p.Communes), len(p.Ethnics), len(p.Countries))
	}
	if n := len(p.CommunesOf("11")); n != 45 {
		t.Errorf("Điện Biên has %d communes, want 45", n)
	}
	if prov, ok := p.CommuneProvince("03127"); !ok || prov != "11" {
		t.Errorf("03127 (Điện Biên Phủ) → %q %v", prov, ok)
	}
	if _, ok := p.Commune("06978"); !ok {
		t.Error("Ba Chẽ alias 06978 not accepted")
	}
	if _, ok := p.Commune("99999"); ok {
		t.Error("unknown commune accepted")
	}
	if !p.CountryExists("la") || !p.CountryExists("CN") || p.CountryExists("XX") {
		t.Error("country lookups wrong")
	}
	if pr, _ := p.Province("75"); pr.FullName != "Thành phố Đồng Nai" {
		t.Errorf("Đồng Nai after the 2026 change: %q", pr.FullName)
	}
	if got := p.PlaceName("03127", "", "", "vi"); got != "Phường Điện Biên Phủ, Tỉnh Điện Biên" {
		t.Errorf("PlaceName = %q", got)
	}
}
