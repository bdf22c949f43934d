package legal

import "strings"

// Category is the class of a crime under Penal Code Art. 9(1) (Bộ luật Hình
// sự 2015, amended 2017, Điều 9 khoản 1), decided by the maximum of the
// penalty bracket (khung hình phạt) of the clause charged, not by the
// sentence imposed (LEGAL.md §2.1). Every procedural time limit depends on
// it (LEGAL.md §1.7). The string values are the stable API values.
type Category string

// The four categories of Penal Code Art. 9(1).
const (
	// LessSerious — tội phạm ít nghiêm trọng (Penal Code Art. 9(1)(a)):
	// fine, non-custodial reform or imprisonment up to 3 years.
	LessSerious Category = "less_serious"
	// Serious — tội phạm nghiêm trọng (Penal Code Art. 9(1)(b)): more than 3
	// and up to 7 years' imprisonment.
	Serious Category = "serious"
	// VerySerious — tội phạm rất nghiêm trọng (Penal Code Art. 9(1)(c)): more
	// than 7 and up to 15 years' imprisonment.
	VerySerious Category = "very_serious"
	// EspeciallySerious — tội phạm đặc biệt nghiêm trọng (Penal Code
	// Art. 9(1)(d)): more than 15 and up to 20 years' imprisonment, life
	// imprisonment or death.
	EspeciallySerious Category = "especially_serious"
)

// Categories lists the categories from the least to the most serious.
var Categories = []Category{LessSerious, Serious, VerySerious, EspeciallySerious}

// CategoryFor returns the Art. 9(1) category of a penalty bracket whose
// maximum is maxYears of imprisonment (0 for a bracket of fines or
// non-custodial reform only), or life imprisonment or death when
// lifeOrDeath is set.
func CategoryFor(maxYears int, lifeOrDeath bool) Category {
	switch {
	case lifeOrDeath || maxYears > 15:
		return EspeciallySerious
	case maxYears > 7:
		return VerySerious
	case maxYears > 3:
		return Serious
	}
	return LessSerious
}

// Rank orders the categories: 1 (less serious) to 4 (especially serious);
// 0 for an unknown value.
func (c Category) Rank() int {
	for i, x := range Categories {
		if c == x {
			return i + 1
		}
	}
	return 0
}

// Valid reports whether c is one of the four categories.
func (c Category) Valid() bool { return c.Rank() > 0 }

// Vietnamese returns the statutory Vietnamese term.
func (c Category) Vietnamese() string {
	switch c {
	case LessSerious:
		return "tội phạm ít nghiêm trọng"
	case Serious:
		return "tội phạm nghiêm trọng"
	case VerySerious:
		return "tội phạm rất nghiêm trọng"
	case EspeciallySerious:
		return "tội phạm đặc biệt nghiêm trọng"
	}
	return ""
}

// English returns the English name.
func (c Category) English() string {
	switch c {
	case LessSerious:
		return "less serious crime"
	case Serious:
		return "serious crime"
	case VerySerious:
		return "very serious crime"
	case EspeciallySerious:
		return "especially serious crime"
	}
	return ""
}

// Abbrev returns the usual Vietnamese abbreviation (ÍNT, NT, RNT, ĐBNT).
func (c Category) Abbrev() string {
	switch c {
	case LessSerious:
		return "ÍNT"
	case Serious:
		return "NT"
	case VerySerious:
		return "RNT"
	case EspeciallySerious:
		return "ĐBNT"
	}
	return ""
}

// ParseCategory parses an API value (surrounding space and case ignored).
// An unknown value is a *ctip.Error Invalid with KeyUnknownCategory.
func ParseCategory(s string) (Category, error) {
	c := Category(strings.ToLower(strings.TrimSpace(s)))
	if !c.Valid() {
		return "", invalid(KeyUnknownCategory, s)
	}
	return c, nil
}

// MostSerious returns the most serious of cats, ignoring unknown values; ""
// when there is none. When a case has several charges, the most serious
// category drives the case-level deadlines — a design assumption that
// LEGAL.md §2.2 marks U as a legal rule (confirm with counsel).
func MostSerious(cats ...Category) Category {
	var best Category
	for _, c := range cats {
		if c.Rank() > best.Rank() {
			best = c
		}
	}
	return best
}

// LimitationYears returns the limitation period for criminal prosecution
// (thời hiệu truy cứu trách nhiệm hình sự, Penal Code Art. 27(2)): 5, 10, 15
// or 20 years by category, counted from the day the offence was committed
// (LEGAL.md §1.7, V). 0 for an unknown category.
func LimitationYears(c Category) int {
	return []int{0, 5, 10, 15, 20}[c.Rank()]
}
