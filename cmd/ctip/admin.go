package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/config"
)

// open parses the shared flags of an administration command and opens the app.
func openFor(ctx context.Context, e env, cfg *config.Config) (*app, error) {
	if err := cfg.Resolve(); err != nil {
		return nil, usageError{err.Error()}
	}
	return openApp(ctx, cfg, e, nil)
}

func sub(e env, group string, subs map[string]func(context.Context, env) error, order []string) func(context.Context) error {
	return func(ctx context.Context) error {
		if len(e.args) == 0 {
			return usagef("%s: a subcommand is needed: %s\nUsage: ctip %s <%s> [flags]", group, strings.Join(order, ", "), group, strings.Join(order, "|"))
		}
		if e.args[0] == "-h" || e.args[0] == "--help" {
			fmt.Fprintf(e.stdout, "Usage: ctip %s <%s> [flags]\n", group, strings.Join(order, "|"))
			return errHelp
		}
		f, ok := subs[e.args[0]]
		if !ok {
			return usagef("%s: unknown subcommand %q (use %s)", group, e.args[0], strings.Join(order, ", "))
		}
		e.args = e.args[1:]
		return f(ctx, e)
	}
}

func cmdMigrate(ctx context.Context, e env) error {
	cfg := config.New(e.getenv)
	fs := flags("migrate", "migrate [--data DIR] [--database URL]", e, cfg)
	if _, err := parse(fs, e.args); err != nil {
		return err
	}
	a, err := openFor(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	fmt.Fprintf(e.stdout, "database %s (%s) is up to date\n", cfg.DatabaseLabel(), a.db.Engine)
	return nil
}

// ---------- units ----------

func cmdUnit(ctx context.Context, e env) error {
	return sub(e, "unit", map[string]func(context.Context, env) error{"add": unitAdd, "list": unitList}, []string{"add", "list"})(ctx)
}

func unitAdd(ctx context.Context, e env) error {
	cfg := config.New(e.getenv)
	fs := flags("unit add", "unit add --code CODE --name NAME --kind KIND [--parent CODE] [--commune CODE]", e, cfg)
	var in auth.UnitInput
	fs.StringVar(&in.Code, "code", "", "unit code, e.g. PC02 (required)")
	fs.StringVar(&in.Name, "name", "", "unit name (required)")
	fs.StringVar(&in.Kind, "kind", "", "kind: "+strings.Join(ctip.UnitKinds, ", ")+" (required)")
	fs.StringVar(&in.ParentCode, "parent", "", "code of the parent unit")
	fs.StringVar(&in.CommuneCode, "commune", "", "commune code (commune police)")
	if pos, err := parse(fs, e.args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("unit add: unexpected argument %q", pos[0])
	}
	var missing []string
	for n, v := range map[string]string{"--code": in.Code, "--name": in.Name, "--kind": in.Kind} {
		if v == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return usagef("unit add: missing %s", strings.Join(missing, ", "))
	}
	a, err := openFor(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	u, err := a.auth.CreateUnit(system(ctx, "cli"), in)
	if err != nil {
		return a.usageOrErr(err)
	}
	fmt.Fprintf(e.stdout, "created unit %s (%s) %s\n", u.Code, u.Kind, u.ID)
	return nil
}

// usageOrErr turns an input error into an exit-2 message in Vietnamese and English field names.
func (a *app) usageOrErr(err error) error {
	ce, ok := err.(*ctip.Error)
	if !ok || ce.Kind != ctip.Invalid {
		if ok && ce.Kind != ctip.Internal {
			return fmt.Errorf("%s", a.cat.T("en", ce.Key, ce.Args...))
		}
		return err
	}
	var lines []string
	for _, f := range ce.Fields {
		lines = append(lines, fmt.Sprintf("%s: %s", f.Field, a.cat.T("en", f.Key, f.Args...)))
	}
	return usageError{strings.Join(lines, "; ")}
}

func unitList(ctx context.Context, e env) error {
	cfg := config.New(e.getenv)
	fs := flags("unit list", "unit list", e, cfg)
	if _, err := parse(fs, e.args); err != nil {
		return err
	}
	a, err := openFor(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	us, err := a.auth.Units(system(ctx, "cli"))
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tKIND\tACTIVE\tNAME")
	for _, u := range us {
		fmt.Fprintf(tw, "%s%s\t%s\t%v\t%s\n", strings.Repeat("  ", u.Depth), u.Code, u.Kind, u.Active, u.Name)
	}
	return tw.Flush()
}

// ---------- users ----------

func cmdUser(ctx context.Context, e env) error {
	return sub(e, "user", map[string]func(context.Context, env) error{
		"add": userAdd, "list": userList, "disable": userDisable, "reset-password": userReset,
	}, []string{"add", "list", "disable", "reset-password"})(ctx)
}

func readPassword(e env) (string, error) {
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 4096), 4096)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return "", err
		}
		return "", usagef("--password-stdin: no password on standard input")
	}
	pw := strings.TrimRight(sc.Text(), "\r")
	if pw == "" {
		return "", usagef("--password-stdin: empty password")
	}
	return pw, nil
}

func userAdd(ctx context.Context, e env) error {
	cfg := config.New(e.getenv)
	fs := flags("user add", "user add --username NAME --unit CODE --role ROLE [--role ROLE…] [--name \"Full Name\"] [--password-stdin [--temporary]]", e, cfg)
	var in auth.UserInput
	var roles multi
	var fromStdin bool
	fs.StringVar(&in.Username, "username", "", "login name: lower-case letters, digits, . _ - (required)")
	fs.StringVar(&in.UnitCode, "unit", "", "code of the user's unit (required)")
	fs.Var(&roles, "role", "role, repeatable: "+strings.Join(auth.Roles, ", ")+" (at least one)")
	fs.StringVar(&in.DisplayName, "name", "", "full name shown in the UI")
	fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input (otherwise a one-time password is generated and printed)")
	fs.BoolVar(&in.Temporary, "temporary", false, "with --password-stdin: the user must change the password at first login")
	if pos, err := parse(fs, e.args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("user add: unexpected argument %q", pos[0])
	}
	if in.Username == "" || in.UnitCode == "" || len(roles) == 0 {
		return usagef("user add: --username, --unit and at least one --role are required")
	}
	in.Roles = roles
	if fromStdin {
		pw, err := readPassword(e)
		if err != nil {
			return err
		}
		in.Password = pw
	}
	a, err := openFor(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	u, oneTime, err := a.auth.CreateUser(system(ctx, "cli"), in)
	if err != nil {
		return a.usageOrErr(err)
	}
	fmt.Fprintf(e.stdout, "created user %s (%s) in %s\n", u.Username, strings.Join(u.Roles, ","), u.Unit.Code)
	if oneTime != "" {
		fmt.Fprintf(e.stdout, "one-time password (must be changed at first login): %s\n", oneTime)
	}
	return nil
}

func userList(ctx context.Context, e env) error {
	cfg := config.New(e.getenv)
	fs := flags("user list", "user list", e, cfg)
	if _, err := parse(fs, e.args); err != nil {
		return err
	}
	a, err := openFor(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	tw := tabwriter.NewWriter(e.stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tUNIT\tROLES\tSTATE\tTOTP\tLAST LOGIN")
	for off := 0; ; off += ctip.MaxPageSize {
		page, err := a.auth.Users(system(ctx, "cli"), auth.UserFilter{}, ctip.PageRequest{Limit: ctip.MaxPageSize, Offset: off})
		if err != nil {
			return err
		}
		for _, u := range page.Items {
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			last := "-"
			if !u.LastLoginAt.IsZero() {
				last = u.LastLoginAt.In(ctip.Vietnam).Format(time.DateTime)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\t%s\n", u.Username, u.Unit.Code, strings.Join(u.Roles, ","), state, u.TOTPEnabled, last)
		}
		if off+len(page.Items) >= page.Total || len(page.Items) == 0 {
			break
		}
	}
	return tw.Flush()
}

func userDisable(ctx context.Context, e env) error {
	cfg := config.New(e.getenv)
	fs := flags("user disable", "user disable NAME", e, cfg)
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("user disable: exactly one username is needed")
	}
	a, err := openFor(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	sys := system(ctx, "cli")
	u, err := a.auth.UserByUsername(sys, pos[0])
	if err != nil {
		return fmt.Errorf("user disable: no user %q", pos[0])
	}
	if _, err := a.auth.SetUserDisabled(sys, u.ID, -1, true); err != nil {
		return a.usageOrErr(err)
	}
	fmt.Fprintf(e.stdout, "disabled %s; their sessions ended and their API tokens stopped working\n", u.Username)
	return nil
}

func userReset(ctx context.Context, e env) error {
	cfg := config.New(e.getenv)
	fs := flags("user reset-password", "user reset-password NAME [--password-stdin [--temporary]]", e, cfg)
	var fromStdin, temporary bool
	fs.BoolVar(&fromStdin, "password-stdin", false, "read the new password from standard input (otherwise a one-time password is generated and printed)")
	fs.BoolVar(&temporary, "temporary", false, "with --password-stdin: the user must change it at next login")
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("user reset-password: exactly one username is needed")
	}
	pw := ""
	if fromStdin {
		if pw, err = readPassword(e); err != nil {
			return err
		}
	}
	a, err := openFor(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	sys := system(ctx, "cli")
	u, err := a.auth.UserByUsername(sys, pos[0])
	if err != nil {
		return fmt.Errorf("user reset-password: no user %q", pos[0])
	}
	oneTime, err := a.auth.ResetPassword(sys, u.ID, pw, temporary)
	if err != nil {
		return a.usageOrErr(err)
	}
	fmt.Fprintf(e.stdout, "password of %s reset; their sessions ended\n", u.Username)
	if oneTime != "" {
		fmt.Fprintf(e.stdout, "one-time password (must be changed at next login): %s\n", oneTime)
	}
	return nil
}

// ---------- tokens ----------

func cmdToken(ctx context.Context, e env) error {
	return sub(e, "token", map[string]func(context.Context, env) error{"add": tokenAdd, "revoke": tokenRevoke}, []string{"add", "revoke"})(ctx)
}

func tokenAdd(ctx context.Context, e env) error {
	cfg := config.New(e.getenv)
	fs := flags("token add", "token add --username NAME [--name LABEL]", e, cfg)
	var username, name string
	fs.StringVar(&username, "username", "", "owner of the token (required)")
	fs.StringVar(&name, "name", "", "label, e.g. the calling system")
	if pos, err := parse(fs, e.args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("token add: unexpected argument %q", pos[0])
	}
	if username == "" {
		return usagef("token add: --username is required")
	}
	a, err := openFor(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	sys := system(ctx, "cli")
	u, err := a.auth.UserByUsername(sys, username)
	if err != nil {
		return fmt.Errorf("token add: no user %q", username)
	}
	t, secret, err := a.auth.CreateToken(sys, u.ID, name)
	if err != nil {
		return a.usageOrErr(err)
	}
	fmt.Fprintf(e.stdout, "created API token %s (%q) for %s; it is shown once, on the next line:\n%s\n", t.ID, t.Name, u.Username, secret)
	return nil
}

func tokenRevoke(ctx context.Context, e env) error {
	cfg := config.New(e.getenv)
	fs := flags("token revoke", "token revoke ID", e, cfg)
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("token revoke: exactly one token ID is needed")
	}
	id, err := ctip.ParseID(pos[0])
	if err != nil {
		return usagef("token revoke: %q is not a token ID", pos[0])
	}
	a, err := openFor(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	if err := a.auth.RevokeToken(system(ctx, "cli"), id); err != nil {
		if ctip.IsKind(err, ctip.NotFound) {
			return fmt.Errorf("token revoke: no token %s", id)
		}
		return err
	}
	fmt.Fprintf(e.stdout, "revoked token %s\n", id)
	return nil
}

// ---------- audit ----------

func cmdAudit(ctx context.Context, e env) error {
	return sub(e, "audit", map[string]func(context.Context, env) error{"verify": auditVerify}, []string{"verify"})(ctx)
}

func auditVerify(ctx context.Context, e env) error {
	cfg := config.New(e.getenv)
	fs := flags("audit verify", "audit verify", e, cfg)
	if _, err := parse(fs, e.args); err != nil {
		return err
	}
	a, err := openFor(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	res, err := a.audit.Verify(system(ctx, "audit-verify"))
	if err != nil {
		return err
	}
	if res.Break != nil {
		return exitError{code: 1, msg: res.Break.Error()}
	}
	h := res.HeadHash
	if len(h) > 16 {
		h = h[:16]
	}
	fmt.Fprintf(e.stdout, "audit chain intact: %d entries, last entry %d, head hash %s…\n", res.Count, res.HeadSeq, h)
	return nil
}

// ---------- backup ----------

func cmdBackup(ctx context.Context, e env) error {
	cfg := config.New(e.getenv)
	fs := flags("backup", "backup --to FILE", e, cfg)
	var to string
	fs.StringVar(&to, "to", "", "file to write the copy to (must not exist)")
	if pos, err := parse(fs, e.args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("backup: unexpected argument %q", pos[0])
	}
	if to == "" {
		return usagef("backup: --to FILE is required")
	}
	if err := cfg.Resolve(); err != nil {
		return usageError{err.Error()}
	}
	if cfg.IsPostgres() {
		return exitError{code: 1, msg: "backup: the database is PostgreSQL; back it up with pg_dump (e.g. pg_dump -Fc -f ctip.dump \"$CTIP_DATABASE_URL\") and keep the key file with it — see docs/OPERATIONS.md"}
	}
	a, err := openApp(ctx, cfg, e, nil)
	if err != nil {
		return err
	}
	defer a.close()
	start := time.Now()
	if err := a.db.Backup(ctx, to); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(e.stdout, "wrote a consistent copy of %s to %s in %s\nthe key file %s is NOT in the copy: back it up separately\n",
		cfg.DatabaseURL, to, time.Since(start).Round(time.Millisecond), cfg.KeyFile)
	return nil
}
