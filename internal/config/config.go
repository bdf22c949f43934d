// Package config reads ctip's settings from flags and CTIP_* environment
// variables (flags win), with defaults that make `ctip serve` work on a fresh
// machine. Every problem is reported at once. No config library, no globals.
package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config holds every setting.
type Config struct {
	Addr              string        // CTIP_ADDR, --addr
	DataDir           string        // CTIP_DATA, --data
	DatabaseURL       string        // CTIP_DATABASE_URL, --database ("" = SQLite file in DataDir)
	KeyFile           string        // CTIP_KEY_FILE (default DataDir/ctip.keys)
	Province          string        // CTIP_PROVINCE: the programme's province code (default 11, Điện Biên)
	TrustProxy        bool          // CTIP_TRUST_PROXY: honour X-Forwarded-For/-Proto from the reverse proxy
	Production        bool          // CTIP_ENV=production: refuse insecure settings
	SessionIdle       time.Duration // CTIP_SESSION_IDLE (default 30m)
	SessionAbsolute   time.Duration // CTIP_SESSION_MAX (default 12h)
	RollDayLimits     bool          // CTIP_ROLL_DAY_LIMITS: day-based limits also move off days off (LEGAL.md §1.6, U)
	StageDetentionCap bool          // CTIP_STAGE_DETENTION_CAP: detention in prosecution / trial preparation within the stage's limit (LEGAL.md §1.5, U; default true)
	Holidays          string        // CTIP_HOLIDAYS_FILE: CSV of announced days off / make-up days
	LogFormat         string        // CTIP_LOG_FORMAT: text | json
	LogLevel          string        // CTIP_LOG_LEVEL: debug | info | warn | error
	MaxAttachmentMB   int           // CTIP_MAX_ATTACHMENT_MB (default 20)
	Secure            bool          // CTIP_SECURE_COOKIES: always mark cookies Secure (set behind TLS)

	problems []string
	getenv   func(string) string
}

// New returns a config reading the environment through getenv.
func New(getenv func(string) string) *Config {
	return &Config{getenv: getenv}
}

func (c *Config) env(name, def string) string {
	if v := c.getenv(name); v != "" {
		return v
	}
	return def
}

func (c *Config) envBool(name string, def bool) bool {
	v := c.getenv(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		c.problems = append(c.problems, fmt.Sprintf("%s=%q: not a boolean (use true or false)", name, v))
		return def
	}
	return b
}

func (c *Config) envDuration(name string, def time.Duration) time.Duration {
	v := c.getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		c.problems = append(c.problems, fmt.Sprintf("%s=%q: not a positive duration (e.g. 30m, 12h)", name, v))
		return def
	}
	return d
}

func (c *Config) envInt(name string, def int) int {
	v := c.getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		c.problems = append(c.problems, fmt.Sprintf("%s=%q: not a positive number", name, v))
		return def
	}
	return n
}

// Storage registers the settings every subcommand shares: --data and --database.
func (c *Config) Storage(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", c.env("CTIP_DATA", "data"), "data folder: SQLite database, field-encryption keys (env CTIP_DATA)")
	fs.StringVar(&c.DatabaseURL, "database", c.env("CTIP_DATABASE_URL", ""), "database: a postgres:// URL, or empty for SQLite in the data folder (env CTIP_DATABASE_URL)")
	c.KeyFile = c.env("CTIP_KEY_FILE", "")
	if f := c.getenv("CTIP_KEY_FILE_FILE"); f != "" && c.KeyFile == "" {
		c.KeyFile = f
	}
	c.Province = c.env("CTIP_PROVINCE", "11")
	c.RollDayLimits = c.envBool("CTIP_ROLL_DAY_LIMITS", false)
	c.StageDetentionCap = c.envBool("CTIP_STAGE_DETENTION_CAP", true)
	c.Holidays = c.env("CTIP_HOLIDAYS_FILE", "")
	c.LogFormat = c.env("CTIP_LOG_FORMAT", "text")
	c.LogLevel = c.env("CTIP_LOG_LEVEL", "info")
	c.MaxAttachmentMB = c.envInt("CTIP_MAX_ATTACHMENT_MB", 20)
	c.Production = c.env("CTIP_ENV", "") == "production"
}

// Server registers the settings of `ctip serve`.
func (c *Config) Server(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.env("CTIP_ADDR", "127.0.0.1:8080"), "listen address (env CTIP_ADDR)")
	c.TrustProxy = c.envBool("CTIP_TRUST_PROXY", false)
	c.Secure = c.envBool("CTIP_SECURE_COOKIES", false)
	c.SessionIdle = c.envDuration("CTIP_SESSION_IDLE", 30*time.Minute)
	c.SessionAbsolute = c.envDuration("CTIP_SESSION_MAX", 12*time.Hour)
}

// Resolve fills derived defaults and validates. It returns every problem in one error.
func (c *Config) Resolve() error {
	p := append([]string(nil), c.problems...)
	if c.DataDir == "" {
		p = append(p, "--data: must not be empty")
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = filepath.Join(c.DataDir, "ctip.db")
	} else if strings.Contains(c.DatabaseURL, "://") && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		p = append(p, fmt.Sprintf("--database: %q is neither a postgres:// URL nor a file path", redact(c.DatabaseURL)))
	}
	if c.KeyFile == "" {
		c.KeyFile = filepath.Join(c.DataDir, "ctip.keys")
	}
	if len(c.Province) != 2 || strings.Trim(c.Province, "0123456789") != "" {
		p = append(p, fmt.Sprintf("CTIP_PROVINCE=%q: a 2-digit province code is needed (e.g. 11)", c.Province))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		p = append(p, fmt.Sprintf("CTIP_LOG_FORMAT=%q: use text or json", c.LogFormat))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		p = append(p, fmt.Sprintf("CTIP_LOG_LEVEL=%q: use debug, info, warn or error", c.LogLevel))
	}
	if c.Addr != "" && !strings.Contains(c.Addr, ":") {
		p = append(p, fmt.Sprintf("--addr %q: use host:port (e.g. 127.0.0.1:8080 or :8080)", c.Addr))
	}
	if c.SessionAbsolute > 0 && c.SessionIdle > c.SessionAbsolute {
		p = append(p, "CTIP_SESSION_IDLE is longer than CTIP_SESSION_MAX")
	}
	if c.Production {
		if c.Addr != "" && !c.TrustProxy && !c.Secure {
			p = append(p, "CTIP_ENV=production: serve behind a TLS proxy (CTIP_TRUST_PROXY=true) or set CTIP_SECURE_COOKIES=true; cookies must be Secure")
		}
		if c.getenv("CTIP_KEY_FILE") == "" && c.getenv("CTIP_KEY_FILE_FILE") == "" {
			p = append(p, "CTIP_ENV=production: set CTIP_KEY_FILE to the field-encryption key file kept outside the data folder")
		} else if _, err := os.Stat(c.KeyFile); err != nil {
			p = append(p, fmt.Sprintf("CTIP_ENV=production: key file %s: %v (a production server never creates keys)", c.KeyFile, err))
		}
	}
	if len(p) > 0 {
		return errors.New(strings.Join(p, "\n"))
	}
	return nil
}

// IsPostgres reports whether the database is PostgreSQL.
func (c *Config) IsPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// DatabaseLabel describes the database without its password.
func (c *Config) DatabaseLabel() string { return redact(c.DatabaseURL) }

func redact(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			cred := rest[:at]
			if c := strings.Index(cred, ":"); c >= 0 {
				return u[:i+3] + cred[:c] + ":***" + rest[at:]
			}
		}
	}
	return u
}
