package config

import (
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func load(t *testing.T, env map[string]string, args ...string) (*Config, error) {
	t.Helper()
	c := New(func(k string) string { return env[k] })
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.Storage(fs)
	c.Server(fs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, c.Resolve()
}

func TestDefaultsWorkOnAFreshMachine(t *testing.T) {
	c, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "data" || c.DatabaseURL != filepath.Join("data", "ctip.db") || c.KeyFile != filepath.Join("data", "ctip.keys") || c.IsPostgres() {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	c, err := load(t, map[string]string{"CTIP_ADDR": ":9000", "CTIP_DATABASE_URL": "postgres://u:secret@db/ctip"}, "--addr", ":9100")
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9100" || !c.IsPostgres() {
		t.Fatalf("%+v", c)
	}
	if strings.Contains(c.DatabaseLabel(), "secret") {
		t.Fatalf("password shown: %s", c.DatabaseLabel())
	}
}

func TestEveryProblemReportedAtOnce(t *testing.T) {
	_, err := load(t, map[string]string{"CTIP_SESSION_IDLE": "soon", "CTIP_TRUST_PROXY": "maybe", "CTIP_LOG_FORMAT": "xml", "CTIP_PROVINCE": "Điện Biên"}, "--database", "mysql://x")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"CTIP_SESSION_IDLE", "CTIP_TRUST_PROXY", "CTIP_LOG_FORMAT", "CTIP_PROVINCE", "--database"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

func TestProductionRefusesInsecureSettings(t *testing.T) {
	_, err := load(t, map[string]string{"CTIP_ENV": "production"})
	if err == nil || !strings.Contains(err.Error(), "Secure") || !strings.Contains(err.Error(), "CTIP_KEY_FILE") {
		t.Fatalf("production accepted insecure defaults: %v", err)
	}
}

func TestUnknownFlagRefused(t *testing.T) {
	if _, err := load(t, nil, "--nope"); err == nil {
		t.Fatal("unknown flag accepted")
	}
}
