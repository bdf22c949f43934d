// Package i18n holds the message catalogues (Vietnamese, the source, and
// English), language matching and the Vietnamese search folding.
//
// Catalogues are plain text files under catalog/<lang>/ (one file per area), one "key = text" per line, "#" comments.
// Texts are fmt formats whose numbers are printed in the language's style
// (golang.org/x/text/message). A missing key renders as ⟦key⟧ so that the
// render-every-page test can find it.
package i18n

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"ctip"
)

//go:embed catalog
var catalogs embed.FS

// Langs are the supported languages; the first is the default.
var Langs = []string{"vi", "en"}

var tags = []language.Tag{language.Vietnamese, language.English}

var matcher = language.NewMatcher(tags)

// Catalog is the loaded set of catalogues.
type Catalog struct {
	msgs     map[string]map[string]string
	printers map[string]*message.Printer
}

// Load parses the embedded catalogues.
func Load() (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}, printers: map[string]*message.Printer{}}
	for i, lang := range Langs {
		files, err := fs.Glob(catalogs, "catalog/"+lang+"/*.txt")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		for _, f := range files {
			b, err := catalogs.ReadFile(f)
			if err != nil {
				return nil, err
			}
			part, err := parse(b)
			if err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", f, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q defined twice", f, k)
				}
				m[k] = v
			}
		}
		c.msgs[lang] = m
		c.printers[lang] = message.NewPrinter(tags[i])
	}
	return c, nil
}

// MustLoad is Load for program start.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

func parse(b []byte) (map[string]string, error) {
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("line %d: no '='", n)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("line %d: duplicate key %q", n, k)
		}
		m[k] = strings.ReplaceAll(v, `\n`, "\n")
	}
	return m, sc.Err()
}

// Match picks a supported language from an Accept-Language header.
func Match(accept string) string {
	t, _ := language.MatchStrings(matcher, accept)
	base, _ := t.Base()
	for _, l := range Langs {
		if base.String() == l {
			return l
		}
	}
	return Langs[0]
}

// Supported reports whether lang is one of Langs.
func Supported(lang string) bool {
	for _, l := range Langs {
		if l == lang {
			return true
		}
	}
	return false
}

// T translates key with args.
func (c *Catalog) T(lang, key string, args ...any) string {
	m, ok := c.msgs[lang]
	if !ok {
		lang = Langs[0]
		m = c.msgs[lang]
	}
	f, ok := m[key]
	if !ok {
		return "⟦" + key + "⟧"
	}
	if len(args) == 0 {
		return f
	}
	// Labels and per-language texts take the message's language.
	var local []any
	for i, a := range args {
		var v string
		switch a := a.(type) {
		case ctip.Label:
			v = c.T(lang, string(a))
		case ctip.Text:
			v = a.In(lang)
		default:
			continue
		}
		if local == nil {
			local = append([]any(nil), args...)
		}
		local[i] = v
	}
	if local != nil {
		args = local
	}
	return c.printers[lang].Sprintf(f, args...)
}

// Has reports whether a catalogue has a key.
func (c *Catalog) Has(lang, key string) bool {
	_, ok := c.msgs[lang][key]
	return ok
}

// Keys lists a catalogue's keys, sorted.
func (c *Catalog) Keys(lang string) []string {
	var ks []string
	for k := range c.msgs[lang] {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Number formats an integer in the language's style (1.234 in Vietnamese).
func (c *Catalog) Number(lang string, n int) string {
	p, ok := c.printers[lang]
	if !ok {
		p = c.printers[Langs[0]]
	}
	return p.Sprintf("%d", n)
}
