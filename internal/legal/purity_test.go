package legal

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The package is pure: it imports only the standard library (without I/O
// packages) and the ctip kernel, and never reads the clock.
func TestPurity(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	forbidden := map[string]bool{
		"os": true, "os/exec": true, "net": true, "net/http": true, "database/sql": true,
		"io/fs": true, "io/ioutil": true, "log": true, "log/slog": true, "syscall": true,
		"unsafe": true, "math/rand": true, "math/rand/v2": true, "crypto/rand": true,
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			first := strings.SplitN(path, "/", 2)[0]
			switch {
			case path == "ctip", strings.HasPrefix(path, "golang.org/x/"):
			case strings.Contains(first, "."):
				t.Errorf("%s imports %s: only the standard library, ctip and golang.org/x", name, path)
			case forbidden[path]:
				t.Errorf("%s imports %s: no I/O, logging or randomness in legal", name, path)
			}
		}
		full, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(full, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "time" && (sel.Sel.Name == "Now" || sel.Sel.Name == "Since" || sel.Sel.Name == "Until") {
					t.Errorf("%s: time.%s — callers pass dates in", fset.Position(sel.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
	}
}
