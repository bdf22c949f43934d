package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"ctip"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	vi, en := c.Keys("vi"), c.Keys("en")
	for _, k := range vi {
		if !c.Has("en", k) {
			t.Errorf("English lacks %s", k)
		}
	}
	for _, k := range en {
		if !c.Has("vi", k) {
			t.Errorf("Vietnamese lacks %s", k)
		}
	}
	if len(vi) < 300 {
		t.Fatalf("only %d keys", len(vi))
	}
}

// Every message key that Go code hands to a ctip.Error (or a template asks
// for by a literal) must be in the catalogues.
// Message-only prefixes count wherever they appear; the module prefixes
// (auth., intake. …) are shared with audit action names and permissions, so
// they count only where an error is made.
var (
	keyRe    = regexp.MustCompile(`"((?:error|flash|field|nav|status|kind|channel|offence|ground|state|role|view)\.[a-z0-9_.]+)"`)
	errKeyRe = regexp.MustCompile(`(?:Errorf\(ctip\.\w+, |\.Add\("[^"]+", |Key: +|invalid\()"((?:auth|intake|legal|demo|admin|audit)\.[a-z0-9_.]+)"`)
)

func TestEveryKeyInTheCodeIsCatalogued(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join("..", "..")
	var missing []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range append(keyRe.FindAllStringSubmatch(string(b), -1), errKeyRe.FindAllStringSubmatch(string(b), -1)...) {
			k := m[1]
			if strings.HasSuffix(k, ".") || !c.Has("vi", k) {
				if !strings.HasSuffix(k, ".") && !slices.Contains(missing, k+" ("+p+")") {
					missing = append(missing, k+" ("+p+")")
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range missing {
		t.Errorf("key not in the catalogue: %s", m)
	}
}

func TestFormatsAndNumbers(t *testing.T) {
	c, _ := Load()
	if got := c.T("vi", "list.count", 1234); got != "1.234 hồ sơ" {
		t.Errorf("vi number: %q", got)
	}
	if got := c.T("en", "list.count", 1234); got != "1,234 records" {
		t.Errorf("en number: %q", got)
	}
	if got := c.T("vi", "no.such.key"); got != "⟦no.such.key⟧" {
		t.Errorf("missing key: %q", got)
	}
	for _, lang := range Langs {
		for _, k := range c.Keys(lang) {
			if v := c.T(lang, k); strings.Contains(v, "%!") {
				t.Errorf("%s %s: bad verb in %q", lang, k, v)
			}
		}
	}
}

func TestMatchAndFold(t *testing.T) {
	if Match("en-US,en;q=0.9") != "en" || Match("vi-VN") != "vi" || Match("fr") != "vi" || Match("") != "vi" {
		t.Error("Match")
	}
	for in, want := range map[string]string{
		"Nguyễn Thị Đào":      "nguyen thi dao",
		"  ĐIỆN   BIÊN  Phủ ": "dien bien phu",
		"Mường Nhé":           "muong nhe",
		"Quàng Văn Thắng":     "quang van thang",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLocalizedArguments: a ctip.Label argument is rendered as its label and
// a ctip.Text in the message's language (no codes, no English in
// Vietnamese messages).
func TestLocalizedArguments(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	vi := c.T("vi", "intake.transition_refused", ctip.Label("action.resume"), ctip.Label("status.assigned"))
	en := c.T("en", "intake.transition_refused", ctip.Label("action.resume"), ctip.Label("status.assigned"))
	if !strings.Contains(vi, "«Phục hồi»") || !strings.Contains(vi, "«Đã phân công»") || strings.Contains(vi, "resume") {
		t.Errorf("vi: %q", vi)
	}
	if strings.Contains(en, "Phục hồi") || strings.Contains(en, "resume»") {
		t.Errorf("en: %q", en)
	}
	cite := ctip.Text{VI: "BLTTHS Điều 172", EN: "CPC Art. 172"}
	if got := c.T("vi", "legal.investigation_extension_too_long", cite, 2, 4); !strings.Contains(got, "(BLTTHS Điều 172)") {
		t.Errorf("vi citation: %q", got)
	}
	if got := c.T("en", "legal.investigation_extension_too_long", cite, 2, 4); !strings.Contains(got, "CPC Art. 172") || strings.Contains(got, "BLTTHS") {
		t.Errorf("en citation: %q", got)
	}
}
