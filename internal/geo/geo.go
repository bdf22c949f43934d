// Package geo holds the reference places: the 34 provinces and 3,321
// commune-level units of the two-level local government in force since
// 1 Jul 2025 (codes of Decision 19/2025/QĐ-TTg), ISO 3166 countries and the
// 54 ethnic groups. The data files and their sources and licences are in
// data/ (copied from the programme's shared reference data).
package geo

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"ctip/internal/i18n"
)

//go:embed data/*.csv
var files embed.FS

// Province is a province-level unit (tỉnh, thành phố trực thuộc trung ương).
type Province struct {
	Code     string // 2 digits
	Name     string // "Điện Biên"
	FullName string // "Tỉnh Điện Biên"
	NameEN   string
}

// Commune is a commune-level unit (xã, phường, đặc khu).
type Commune struct {
	Code         string // 5 digits
	Name         string
	FullName     string // "Xã Mường Nhé"
	Type         string // xã | phường | đặc khu
	ProvinceCode string
	fold         string
}

// Country is an ISO 3166-1 country.
type Country struct {
	Code   string // alpha-2
	Code3  string
	NameEN string
	NameVI string
}

// Ethnic is one of the 54 ethnic groups (GSO codes).
type Ethnic struct {
	Code string
	Name string
}

// Places is the loaded reference data.
type Places struct {
	Provinces  []Province
	Communes   []Commune
	Countries  []Country
	Ethnics    []Ethnic
	province   map[string]*Province
	commune    map[string]*Commune
	country    map[string]*Country
	byProvince map[string][]*Commune
}

func readCSV(name string) ([][]string, error) {
	b, err := files.ReadFile("data/" + name)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(b))
	var rows [][]string
	header := true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("geo: %s: %w", name, err)
		}
		if header {
			header = false
			continue
		}
		rows = append(rows, rec)
	}
}

// Load parses the embedded data.
func Load() (*Places, error) {
	p := &Places{province: map[string]*Province{}, commune: map[string]*Commune{}, country: map[string]*Country{}, byProvince: map[string][]*Commune{}}
	rows, err := readCSV("provinces-2025.csv")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		p.Provinces = append(p.Provinces, Province{Code: r[0], Name: r[1], FullName: r[2], NameEN: r[4]})
	}
	rows, err = readCSV("admin-units-2025.csv")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		p.Communes = append(p.Communes, Commune{ProvinceCode: r[0], Code: r[2], Name: r[3], FullName: r[4], Type: r[5], fold: i18n.Fold(r[4])})
	}
	// Later changes (e.g. Đồng Nai's communes that became wards in 2026).
	rows, err = readCSV("admin-changes-since-2025-07-01.csv")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		switch r[0] {
		case "province":
			for i := range p.Provinces {
				if p.Provinces[i].Code == r[1] {
					p.Provinces[i].FullName = r[3]
				}
			}
		case "commune":
			for i := range p.Communes {
				if p.Communes[i].Code == r[1] && p.Communes[i].FullName == r[2] {
					p.Communes[i].FullName, p.Communes[i].Type = r[3], r[5]
				}
			}
		}
	}
	rows, err = readCSV("countries.csv")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		p.Countries = append(p.Countries, Country{Code: r[0], Code3: r[1], NameEN: r[3], NameVI: r[4]})
	}
	slices.SortFunc(p.Countries, func(a, b Country) int { return strings.Compare(i18n.Fold(a.NameVI), i18n.Fold(b.NameVI)) })
	rows, err = readCSV("ethnic-groups.csv")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		p.Ethnics = append(p.Ethnics, Ethnic{Code: r[0], Name: r[1]})
	}
	for i := range p.Provinces {
		p.province[p.Provinces[i].Code] = &p.Provinces[i]
	}
	for i := range p.Communes {
		c := &p.Communes[i]
		p.commune[c.Code] = c
		p.byProvince[c.ProvinceCode] = append(p.byProvince[c.ProvinceCode], c)
	}
	for _, cs := range p.byProvince {
		slices.SortFunc(cs, func(a, b *Commune) int { return strings.Compare(a.fold, b.fold) })
	}
	for i := range p.Countries {
		p.country[p.Countries[i].Code] = &p.Countries[i]
	}
	return p, nil
}

// MustLoad is Load for program start (the data is embedded, so failure is a build bug).
func MustLoad() *Places {
	p, err := Load()
	if err != nil {
		panic(err)
	}
	return p
}

// Province returns a province by code.
func (p *Places) Province(code string) (*Province, bool) {
	v, ok := p.province[code]
	return v, ok
}

// Commune returns a commune by code (accepting 06978 as the alias of Ba Chẽ, 06970).
func (p *Places) Commune(code string) (*Commune, bool) {
	if code == "06978" {
		code = "06970"
	}
	v, ok := p.commune[code]
	return v, ok
}

// Country returns a country by alpha-2 code.
func (p *Places) Country(code string) (*Country, bool) {
	v, ok := p.country[strings.ToUpper(code)]
	return v, ok
}

// CommunesOf lists a province's communes in name order.
func (p *Places) CommunesOf(province string) []*Commune { return p.byProvince[province] }

// CommuneProvince returns the province of a commune code.
func (p *Places) CommuneProvince(code string) (string, bool) {
	c, ok := p.Commune(code)
	if !ok {
		return "", false
	}
	return c.ProvinceCode, true
}

// ProvinceExists reports whether a province code exists.
func (p *Places) ProvinceExists(code string) bool { _, ok := p.province[code]; return ok }

// CountryExists reports whether an alpha-2 country code exists.
func (p *Places) CountryExists(code string) bool { _, ok := p.Country(code); return ok }

// PlaceName returns "Xã X, Tỉnh Y" for a commune, the province's name, or the country's name.
func (p *Places) PlaceName(commune, province, country, lang string) string {
	if c, ok := p.Commune(commune); ok {
		if pr, ok := p.province[c.ProvinceCode]; ok {
			return c.FullName + ", " + pr.FullName
		}
		return c.FullName
	}
	if pr, ok := p.province[province]; ok {
		return pr.FullName
	}
	if c, ok := p.Country(country); ok {
		if lang == "en" {
			return c.NameEN
		}
		return c.NameVI
	}
	return ""
}
