// Package match computes the search keys of the person registry: folded name
// tokens and their deletion variants (typo tolerance without storing names),
// normalised identity-document numbers and phone numbers. The store turns
// every key into a keyed blind index (HMAC) before it touches the database,
// so no name, number or phone is ever stored or queried in clear.
//
// Typo tolerance is the "symmetric deletion" method: a token of length ≥ 4
// is indexed with every variant that drops one letter; a query token matches
// a stored token when they share the token itself or a one-letter deletion,
// which covers one inserted, deleted or substituted letter (edit distance 1).
//
// What the indexes leak to someone holding the database but not the index
// key (docs/SECURITY.md): that two persons share a name token, a document
// number or a phone (equality), and how often a token occurs (frequency: the
// commonest hash is probably "nguyen"); the number of index rows per person
// hints at the length of the name. They do not reveal a rare name, a number
// or a phone without the key, and the index key is separate from the
// encryption keys.
package match

import (
	"slices"
	"strings"
	"unicode"

	"ctip/internal/i18n"
)

// Kinds of search keys (stored as person_search.kind).
const (
	KindToken    = "n" // a folded name token
	KindDeletion = "d" // a one-letter deletion of a name token
	KindID       = "i" // an identity-document number
	KindPhone    = "p" // a phone number
	KindPair     = "q" // two tokens of one name, one of them possibly with a letter deleted
)

// Domain is the blind-index domain of a kind.
func Domain(kind string) string { return "person.search." + kind }

// MinDeletionLen is the shortest token that gets deletion variants: a typo
// in a three-letter token ("thi", "mai") matches too much to be useful.
const MinDeletionLen = 4

// Tokens folds a name (Vietnamese marks removed, đ→d, lower case) and splits
// it into tokens of letters and digits.
func Tokens(name string) []string {
	f := i18n.Fold(name)
	toks := strings.FieldsFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := toks[:0]
	for _, t := range toks {
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// Deletions returns the distinct one-letter deletions of a token.
func Deletions(tok string) []string {
	r := []rune(tok)
	if len(r) < MinDeletionLen {
		return nil
	}
	var out []string
	for i := range r {
		d := string(r[:i]) + string(r[i+1:])
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// Key is one search key: a kind and a normalised value.
type Key struct {
	Kind  string
	Value string
}

// NameKeys returns the keys stored for a set of names (full name and aliases).
func NameKeys(names ...string) []Key {
	var out []Key
	seen := map[Key]bool{}
	add := func(k Key) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, n := range names {
		for _, t := range Tokens(n) {
			add(Key{KindToken, t})
			for _, d := range Deletions(t) {
				add(Key{KindDeletion, d})
			}
		}
	}
	return out
}

// pairKey is the canonical (order-free) form of two strings.
func pairKey(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + " " + b
}

// variants are a token and its one-letter deletions.
func variants(t string) []string { return append([]string{t}, Deletions(t)...) }

// PairKeys returns the pair keys stored for names: for every two tokens a
// and b of the same name, the pairs ({a} ∪ del(a)) × {b} and {a} × ({b} ∪
// del(b)). A query of two tokens then finds a person in a dozen exact
// lookups, even with one letter wrong in one of the two tokens — far more
// selective than one token alone ("nguyen" is a third of the province).
func PairKeys(names ...string) []Key {
	var out []Key
	seen := map[string]bool{}
	add := func(v string) {
		if !seen[v] {
			seen[v] = true
			out = append(out, Key{KindPair, v})
		}
	}
	for _, n := range names {
		toks := Tokens(n)
		for i := 0; i < len(toks); i++ {
			for j := i + 1; j < len(toks); j++ {
				for _, a := range variants(toks[i]) {
					add(pairKey(a, toks[j]))
				}
				for _, b := range variants(toks[j]) {
					add(pairKey(toks[i], b))
				}
			}
		}
	}
	return out
}

// QueryPairKeys returns the pair keys that mean "these two tokens, with at
// most one edit in one of them".
func QueryPairKeys(x, y string) []Key {
	var out []Key
	seen := map[string]bool{}
	for _, a := range variants(x) {
		if k := pairKey(a, y); !seen[k] {
			seen[k] = true
			out = append(out, Key{KindPair, k})
		}
	}
	for _, b := range variants(y) {
		if k := pairKey(x, b); !seen[k] {
			seen[k] = true
			out = append(out, Key{KindPair, k})
		}
	}
	return out
}

// QueryKeys returns, for one query token, the stored keys that mean "within
// one edit": the token itself (as token or deletion) and its deletions (as
// token or deletion).
func QueryKeys(tok string) []Key {
	out := []Key{{KindToken, tok}}
	if len([]rune(tok)) >= MinDeletionLen-1 {
		out = append(out, Key{KindDeletion, tok})
	}
	for _, d := range Deletions(tok) {
		out = append(out, Key{KindToken, d}, Key{KindDeletion, d})
	}
	return out
}

// common are the commonest Vietnamese family and middle names: a query
// starts from its rarest token, so these go last.
var common = []string{"nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo",
	"duong", "ly", "thi", "van", "thu", "minh", "ngoc", "thanh", "quang", "giang", "lo", "lu", "sung", "vang", "mua", "thao"}

// Order sorts query tokens from the most to the least selective (uncommon
// and long first).
func Order(toks []string) []string {
	out := slices.Clone(toks)
	slices.SortStableFunc(out, func(a, b string) int {
		ca, cb := slices.Contains(common, a), slices.Contains(common, b)
		if ca != cb {
			if ca {
				return 1
			}
			return -1
		}
		return len(b) - len(a)
	})
	return out
}

// Distance is the optimal-string-alignment distance of two strings, in
// runes: insertions, deletions, substitutions and transpositions of two
// adjacent letters ("xuna" for "xuan") count one each.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			c := 1
			if ra[i-1] == rb[j-1] {
				c = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+c)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// Score says how well a query matches a person's names: -1 when some query
// token is more than one edit from every name token, otherwise the number of
// edits (0 = exact).
func Score(query []string, names ...string) int {
	var toks []string
	for _, n := range names {
		toks = append(toks, Tokens(n)...)
	}
	total := 0
	for _, q := range query {
		best := 2
		for _, t := range toks {
			if d := Distance(q, t); d < best {
				best = d
			}
		}
		if best > 1 {
			return -1
		}
		total += best
	}
	return total
}

// NormaliseID normalises an identity-document number: upper case, no spaces,
// dots or dashes.
func NormaliseID(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// NormalisePhone normalises a phone number to digits in the national form
// (+84 / 84 prefixes become 0), so "+84 987 654 321" and "0987654321" match.
func NormalisePhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	plus := strings.HasPrefix(strings.TrimSpace(s), "+")
	if (plus || len(d) == 11) && strings.HasPrefix(d, "84") && len(d) >= 10 {
		d = "0" + d[2:]
	}
	return d
}
