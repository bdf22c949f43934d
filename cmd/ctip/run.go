package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"ctip/internal/config"
)

var errHelp = errors.New("help shown")

// env is what a command gets: the arguments after its name, the
// environment, and the standard streams.
type env struct {
	args   []string
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env) error
}

func commands() []command {
	return []command{
		{"serve", "run the web UI, the JSON API and the background jobs", cmdServe},
		{"migrate", "apply database migrations and exit", cmdMigrate},
		{"unit", "manage units: add, list", cmdUnit},
		{"user", "manage users: add, list, disable, reset-password", cmdUser},
		{"token", "manage API tokens: add, revoke", cmdToken},
		{"audit", "audit trail: verify", cmdAudit},
		{"demo", "load the demo province into an empty database", cmdDemo},
		{"backup", "write a consistent copy of the SQLite database", cmdBackup},
		{"keys", "field-encryption keys: rotate (re-encrypt everything under a new key, resumably), status", cmdKeys},
	}
}

// run is the whole program, testable without a process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr) // an error: the usage goes with the message, to stderr
		return usagef("a command is needed (see above)")
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return errHelp
	}
	for _, c := range commands() {
		if c.name == args[0] {
			e.args = args[1:]
			return c.run(ctx, e)
		}
	}
	return usagef("unknown command %q (run ctip --help)", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "ctip — information system against human trafficking")
	fmt.Fprintln(w, "\nUsage: ctip <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command accepts --data DIR (env CTIP_DATA, default ./data) and --database URL")
	fmt.Fprintln(w, "(env CTIP_DATABASE_URL; default: SQLite in the data folder; postgres://… selects PostgreSQL).")
	fmt.Fprintln(w, "Run ctip <command> --help for its flags.")
}

// flags makes a flag set that reports problems instead of exiting, with the
// shared storage flags registered on cfg.
func flags(name, synopsis string, e env, cfg *config.Config) *flag.FlagSet {
	fs := flag.NewFlagSet("ctip "+name, flag.ContinueOnError)
	// The usage goes to the flag set's output: stdout when asked for
	// (--help), stderr with the message on a flag error (see parse).
	fs.SetOutput(e.stdout)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: ctip %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	cfg.Storage(fs)
	return fs
}

// parse parses flags that may come before or after positional arguments
// ("user disable NAME --data x"), and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	help := fs.Output()
	fs.SetOutput(io.Discard) // the flag package's own printing
	defer fs.SetOutput(help)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(help)
				fs.Usage()
				return nil, errHelp
			}
			// A flag error: the usage follows the message on stderr.
			var b strings.Builder
			fs.SetOutput(&b)
			fs.Usage()
			return nil, usagef("%s: %v\n\n%s", fs.Name(), err, strings.TrimRight(b.String(), "\n"))
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// multi is a repeatable string flag (--role a --role b).
type multi []string

func (m *multi) String() string { return strings.Join(*m, ",") }

func (m *multi) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*m = append(*m, s)
		}
	}
	return nil
}
