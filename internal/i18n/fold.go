package i18n

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold returns the search form of Vietnamese text: decomposed (NFD), tone
// and vowel marks dropped, đ→d, lower case, spaces collapsed. "Nguyễn Thị
// Đào" and "nguyen thi dao" fold to the same key. SQL lower()/LIKE are not
// used for Vietnamese: stores keep a Go-folded search_key column instead.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimRight(b.String(), " ")
}
