package ctip_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// deps lists the transitive imports of a package (go list -deps).
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

func packages(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "./...").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(out))
}

// TestImportRules enforces the dependency direction of docs/ARCHITECTURE.md.
func TestImportRules(t *testing.T) {
	ours := func(p string) bool { return p == "ctip" || strings.HasPrefix(p, "ctip/") }
	leaf := []string{"ctip", "ctip/internal/legal", "ctip/internal/i18n", "ctip/internal/crypt", "ctip/internal/config"}
	adapters := []string{"ctip/internal/store", "ctip/internal/web", "ctip/internal/api", "ctip/internal/httpx", "ctip/internal/dbtest"}
	for _, pkg := range packages(t) {
		if strings.HasPrefix(pkg, "ctip/cmd/") || strings.HasPrefix(pkg, "ctip/e2e") || strings.HasPrefix(pkg, "ctip/tools/") {
			continue
		}
		d := deps(t, pkg)
		switch {
		case pkg == "ctip":
			for _, x := range d {
				if ours(x) && x != "ctip" {
					t.Errorf("ctip (the kernel) imports %s", x)
				}
			}
		case slices.Contains(leaf, pkg):
			for _, x := range d {
				if ours(x) && x != "ctip" && x != pkg {
					t.Errorf("%s may import only ctip of ours, imports %s", pkg, x)
				}
			}
		case slices.Contains(adapters, pkg):
			if pkg == "ctip/internal/web" || pkg == "ctip/internal/api" {
				for _, x := range d {
					if x == "ctip/internal/store" || x == "database/sql" {
						t.Errorf("%s imports %s: the UI and API call services only", pkg, x)
					}
				}
			}
		default: // domain packages
			for _, x := range d {
				if x == "database/sql" || x == "net/http" || slices.Contains(adapters, x) {
					t.Errorf("domain package %s imports %s", pkg, x)
				}
			}
		}
	}
}
