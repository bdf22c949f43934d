package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/dbtest"
	"ctip/internal/store"
)

func TestMain(m *testing.M) {
	auth.ArgonMemory, auth.ArgonTime = 1024, 1 // cheap hashes: these tests are about behaviour
	dbtest.Main(m)
}

type fixture struct {
	svc   *auth.Service
	db    *store.DB
	clock *ctip.FixedClock
	sys   context.Context
	root  *auth.Unit
}

func setup(t *testing.T, db *store.DB, clock *ctip.FixedClock) *fixture {
	t.Helper()
	svc := auth.New(db, clock)
	f := &fixture{svc: svc, db: db, clock: clock, sys: ctip.WithActor(context.Background(), ctip.SystemActor("test"))}
	var err error
	f.root, err = svc.CreateUnit(f.sys, auth.UnitInput{Code: "CAT", Name: "Công an tỉnh", Kind: ctip.UnitPolice})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, e := range dbtest.Engines {
		t.Run(string(e), func(t *testing.T) {
			clock := &ctip.FixedClock{T: time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)}
			fn(t, setup(t, dbtest.Open(t, e, dbtest.Options{Clock: clock}), clock))
		})
	}
}

const goodPassword = "Sông Đà chảy về xuôi 2026"

func (f *fixture) user(t *testing.T, name string, roles ...string) *auth.User {
	t.Helper()
	u, _, err := f.svc.CreateUser(f.sys, auth.UserInput{Username: name, UnitID: ctip.Some(f.root.ID), Roles: roles, Password: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPasswordPolicy(t *testing.T) {
	for _, c := range []struct {
		pw, user, want string
	}{
		{"short", "", "auth.password_too_short"},
		{"password1234", "", "auth.password_common"},
		{"iloveyou2026!", "", "auth.password_common"},
		{"matkhau123456", "", "auth.password_common"},
		{"aaaaaaaaaaaaaa", "", "auth.password_common"},
		{"abcabcabcabc", "", "auth.password_common"},
		{"nguyenvana-2026x", "nguyenvana", "auth.password_contains_username"},
		{goodPassword, "nguyenvana", ""},
		{"tàu-ra-Côn-Đảo", "", ""},
	} {
		if got := auth.CheckPasswordPolicy(c.pw, c.user); got != c.want {
			t.Errorf("CheckPasswordPolicy(%q) = %q, want %q", c.pw, got, c.want)
		}
	}
}

func TestHashAndVerify(t *testing.T) {
	h := auth.HashPassword("Đúng mật khẩu 123")
	if ok, err := auth.VerifyPassword(h, "Đúng mật khẩu 123"); !ok || err != nil {
		t.Fatalf("verify: %v %v", ok, err)
	}
	if ok, _ := auth.VerifyPassword(h, "Sai mật khẩu 123"); ok {
		t.Fatal("wrong password accepted")
	}
	if _, err := auth.VerifyPassword("$md5$x", "x"); err == nil {
		t.Fatal("malformed hash accepted")
	}
}

func TestLoginStagesOneTimePasswordThenFull(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		u, oneTime, err := f.svc.CreateUser(f.sys, auth.UserInput{Username: "canbo1", DisplayName: "Cán bộ Một", UnitID: ctip.Some(f.root.ID), Roles: []string{auth.RoleIntake}})
		if err != nil {
			t.Fatal(err)
		}
		if oneTime == "" || !u.MustChangePassword {
			t.Fatal("no one-time password")
		}
		res, err := f.svc.Login(ctx, "CanBo1", oneTime, auth.Client{IP: "10.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Session.Stage != auth.StagePassword {
			t.Fatalf("stage = %s", res.Session.Stage)
		}
		au, err := f.svc.Authenticate(ctx, res.Token)
		if err != nil {
			t.Fatal(err)
		}
		// Weak new password refused with the field named.
		_, _, err = f.svc.ChangePassword(ctx, au, oneTime, "password1234", "password1234", auth.Client{})
		if ce, ok := err.(*ctip.Error); !ok || ce.Kind != ctip.Invalid || ce.Fields[0].Field != "password" {
			t.Fatalf("weak password: %v", err)
		}
		tok, stage, err := f.svc.ChangePassword(ctx, au, oneTime, goodPassword, goodPassword, auth.Client{})
		if err != nil || stage != auth.StageFull {
			t.Fatalf("change: %s %v", stage, err)
		}
		if _, err := f.svc.Authenticate(ctx, res.Token); err == nil {
			t.Fatal("old token still valid after rotation")
		}
		au2, err := f.svc.Authenticate(ctx, tok)
		if err != nil || au2.Session.Stage != auth.StageFull || !au2.Actor.Can(ctip.PermIntakeCreate) {
			t.Fatalf("after change: %+v %v", au2, err)
		}
		if _, err := f.svc.Login(ctx, "canbo1", oneTime, auth.Client{IP: "10.0.0.1"}); err == nil {
			t.Fatal("one-time password still works")
		}
	})
}

func TestAdminMustEnrolTOTPAndThenUseIt(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.user(t, "quantri", auth.RoleAdmin)
		res, err := f.svc.Login(ctx, "quantri", goodPassword, auth.Client{IP: "10.0.0.2"})
		if err != nil || res.Session.Stage != auth.StageEnrol {
			t.Fatalf("login: %+v %v", res, err)
		}
		au, _ := f.svc.Authenticate(ctx, res.Token)
		en, err := f.svc.BeginTOTP(ctx, au)
		if err != nil || len(en.PNG) < 100 {
			t.Fatalf("begin: %v", err)
		}
		if _, _, err := f.svc.ConfirmTOTP(ctx, au, en.Secret, "000000", auth.Client{}); !ctip.IsKind(err, ctip.Invalid) {
			t.Fatalf("wrong code accepted: %v", err)
		}
		code, _ := totp.GenerateCodeCustom(en.Secret, f.clock.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix})
		tok, stage, err := f.svc.ConfirmTOTP(ctx, au, en.Secret, code, auth.Client{})
		if err != nil || stage != auth.StageFull {
			t.Fatalf("confirm: %s %v", stage, err)
		}
		if au, err := f.svc.Authenticate(ctx, tok); err != nil || !au.Actor.Can(ctip.PermAdminUsers) {
			t.Fatal("not a full admin session")
		}
		// Next login asks for the code; replaying the enrolment code is refused.
		f.clock.Advance(10 * time.Second)
		res, err = f.svc.Login(ctx, "quantri", goodPassword, auth.Client{IP: "10.0.0.2"})
		if err != nil || res.Session.Stage != auth.StageMFA {
			t.Fatalf("second login: %+v %v", res, err)
		}
		au, _ = f.svc.Authenticate(ctx, res.Token)
		if _, _, err := f.svc.VerifyTOTP(ctx, au, code, auth.Client{IP: "10.0.0.2"}); !ctip.IsKind(err, ctip.Invalid) {
			t.Fatalf("replayed code accepted: %v", err)
		}
		f.clock.Advance(30 * time.Second)
		code2, _ := totp.GenerateCodeCustom(en.Secret, f.clock.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix})
		if _, stage, err := f.svc.VerifyTOTP(ctx, au, code2, auth.Client{IP: "10.0.0.2"}); err != nil || stage != auth.StageFull {
			t.Fatalf("verify: %s %v", stage, err)
		}
		// The TOTP secret is encrypted at rest.
		var raw []byte
		if err := f.db.QueryRow(ctx, "SELECT totp_secret FROM users WHERE username = 'quantri'").Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if len(raw) == 0 || string(raw) == en.Secret {
			t.Fatal("TOTP secret stored in clear")
		}
	})
}

func TestThrottleLocksAccountAfterFailures(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.user(t, "canbo2", auth.RoleIntake)
		for i := range 5 {
			if _, err := f.svc.Login(ctx, "canbo2", "wrong password 123", auth.Client{IP: "10.0.0.3"}); !ctip.IsKind(err, ctip.Unauthenticated) {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		if _, err := f.svc.Login(ctx, "canbo2", goodPassword, auth.Client{IP: "10.0.0.4"}); !ctip.IsKind(err, ctip.TooMany) {
			t.Fatalf("locked account accepted the right password: %v", err)
		}
		f.clock.Advance(16 * time.Minute)
		if _, err := f.svc.Login(ctx, "canbo2", goodPassword, auth.Client{IP: "10.0.0.4"}); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
	})
}

func TestThrottleLocksAddress(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.svc.Settings.IPFailLimit = 3
		f.user(t, "canbo3", auth.RoleIntake)
		for i := range 3 {
			f.svc.Login(ctx, "nobody"+string(rune('a'+i)), "whatever 12345", auth.Client{IP: "10.9.9.9"})
		}
		if _, err := f.svc.Login(ctx, "canbo3", goodPassword, auth.Client{IP: "10.9.9.9"}); !ctip.IsKind(err, ctip.TooMany) {
			t.Fatalf("locked address accepted: %v", err)
		}
		if _, err := f.svc.Login(ctx, "canbo3", goodPassword, auth.Client{IP: "10.9.9.8"}); err != nil {
			t.Fatalf("other address refused: %v", err)
		}
	})
}

func TestSessionTimeoutsAndRevocation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		u := f.user(t, "canbo4", auth.RoleIntake)
		res, _ := f.svc.Login(ctx, "canbo4", goodPassword, auth.Client{IP: "10.0.0.5"})
		f.clock.Advance(29 * time.Minute)
		if _, err := f.svc.Authenticate(ctx, res.Token); err != nil {
			t.Fatalf("within idle: %v", err)
		}
		f.clock.Advance(31 * time.Minute)
		if _, err := f.svc.Authenticate(ctx, res.Token); err == nil {
			t.Fatal("idle timeout not applied")
		}
		// Absolute timeout: keep it busy for 12 hours.
		res, _ = f.svc.Login(ctx, "canbo4", goodPassword, auth.Client{IP: "10.0.0.5"})
		for range 25 {
			f.clock.Advance(29 * time.Minute)
			f.svc.Authenticate(ctx, res.Token)
		}
		if _, err := f.svc.Authenticate(ctx, res.Token); err == nil {
			t.Fatal("absolute timeout not applied")
		}
		// Users revoke their own sessions; not other people's.
		res, _ = f.svc.Login(ctx, "canbo4", goodPassword, auth.Client{IP: "10.0.0.5"})
		au, _ := f.svc.Authenticate(ctx, res.Token)
		other := f.user(t, "canbo5", auth.RoleIntake)
		res5, _ := f.svc.Login(ctx, "canbo5", goodPassword, auth.Client{IP: "10.0.0.6"})
		au5, _ := f.svc.Authenticate(ctx, res5.Token)
		if err := f.svc.RevokeSession(ctip.WithActor(ctx, au.Actor), au5.Session.ID); !ctip.IsKind(err, ctip.NotFound) {
			t.Fatalf("revoked someone else's session: %v", err)
		}
		list, err := f.svc.Sessions(ctip.WithActor(ctx, au.Actor), ctip.Some(u.ID), ctip.PageRequest{})
		if err != nil || list.Total != 1 {
			t.Fatalf("own sessions: %d %v", list.Total, err)
		}
		if _, err := f.svc.Sessions(ctip.WithActor(ctx, au.Actor), ctip.Some(other.ID), ctip.PageRequest{}); !ctip.IsKind(err, ctip.Forbidden) {
			t.Fatalf("listed another user's sessions: %v", err)
		}
		if err := f.svc.RevokeSession(ctip.WithActor(ctx, au.Actor), au.Session.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(ctx, res.Token); err == nil {
			t.Fatal("revoked session still valid")
		}
	})
}

func TestDisableEndsSessionsAndTokens(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		u := f.user(t, "canbo6", auth.RoleIntake)
		res, _ := f.svc.Login(ctx, "canbo6", goodPassword, auth.Client{IP: "10.0.0.7"})
		_, secret, err := f.svc.CreateToken(f.sys, u.ID, "script")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AuthenticateToken(ctx, secret); err != nil {
			t.Fatalf("token: %v", err)
		}
		var stored string
		f.db.QueryRow(ctx, "SELECT token_hash FROM api_tokens").Scan(&stored)
		if stored == secret || stored != auth.HashToken(secret) {
			t.Fatal("token not stored hashed")
		}
		if _, err := f.svc.SetUserDisabled(f.sys, u.ID, u.Version, true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(ctx, res.Token); err == nil {
			t.Fatal("session of a disabled user still valid")
		}
		if _, err := f.svc.AuthenticateToken(ctx, secret); err == nil {
			t.Fatal("token of a disabled user still valid")
		}
		if _, err := f.svc.Login(ctx, "canbo6", goodPassword, auth.Client{IP: "10.0.0.7"}); err == nil {
			t.Fatal("disabled user logged in")
		}
	})
}

func TestTokenRevocation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		u := f.user(t, "canbo7", auth.RoleIntake)
		tok, secret, _ := f.svc.CreateToken(f.sys, u.ID, "x")
		if err := f.svc.RevokeToken(f.sys, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AuthenticateToken(ctx, secret); err == nil {
			t.Fatal("revoked token works")
		}
		if _, err := f.svc.AuthenticateToken(ctx, "ctip_forged"); err == nil {
			t.Fatal("forged token works")
		}
	})
}

func TestUnitTreeMoveAndDeactivate(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		pc02, err := f.svc.CreateUnit(f.sys, auth.UnitInput{Code: "pc02", Name: "Phòng Cảnh sát hình sự", Kind: ctip.UnitPolice, ParentCode: "CAT"})
		if err != nil {
			t.Fatal(err)
		}
		team, _ := f.svc.CreateUnit(f.sys, auth.UnitInput{Code: "PC02-D1", Name: "Đội 1", Kind: ctip.UnitPolice, ParentID: ctip.Some(pc02.ID)})
		other, _ := f.svc.CreateUnit(f.sys, auth.UnitInput{Code: "BDBP", Name: "Bộ Chỉ huy BĐBP", Kind: ctip.UnitBorderGuard})
		if _, err := f.svc.CreateUnit(f.sys, auth.UnitInput{Code: "PC02", Name: "x", Kind: ctip.UnitPolice}); !ctip.IsKind(err, ctip.Invalid) {
			t.Fatalf("duplicate code: %v", err)
		}
		if _, err := f.svc.CreateUnit(f.sys, auth.UnitInput{Code: "X1", Name: "x", Kind: "district_police"}); !ctip.IsKind(err, ctip.Invalid) {
			t.Fatalf("unknown kind: %v", err)
		}
		// A unit cannot move under its own descendant.
		if _, err := f.svc.UpdateUnit(f.sys, pc02.ID, pc02.Version, auth.UnitInput{Code: "PC02", Name: pc02.Name, Kind: pc02.Kind, ParentID: ctip.Some(team.ID)}); !ctip.IsKind(err, ctip.Invalid) {
			t.Fatalf("move into own subtree: %v", err)
		}
		// Moving PC02 under BDBP moves its child too.
		moved, err := f.svc.UpdateUnit(f.sys, pc02.ID, pc02.Version, auth.UnitInput{Code: "PC02", Name: "Phòng CSHS", Kind: pc02.Kind, ParentID: ctip.Some(other.ID)})
		if err != nil {
			t.Fatal(err)
		}
		child, _ := f.svc.Unit(f.sys, team.ID)
		if child.Path != moved.Path+team.ID.String()+"/" || moved.Path != other.Path+pc02.ID.String()+"/" {
			t.Fatalf("paths after move: %s / %s", moved.Path, child.Path)
		}
		// Stale version refused.
		if _, err := f.svc.UpdateUnit(f.sys, pc02.ID, pc02.Version, auth.UnitInput{Code: "PC02", Name: "y", Kind: pc02.Kind}); !ctip.IsKind(err, ctip.Conflict) {
			t.Fatalf("stale update: %v", err)
		}
		// Deactivation refused while a child is active or users remain.
		if _, err := f.svc.SetUnitActive(f.sys, pc02.ID, moved.Version, false); !ctip.IsKind(err, ctip.Conflict) {
			t.Fatalf("deactivate with child: %v", err)
		}
		if _, err := f.svc.SetUnitActive(f.sys, team.ID, child.Version, false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.CreateUser(f.sys, auth.UserInput{Username: "x12", UnitID: ctip.Some(team.ID), Roles: []string{auth.RoleIntake}}); !ctip.IsKind(err, ctip.Invalid) {
			t.Fatalf("user in inactive unit: %v", err)
		}
	})
}

func TestOnlyAdminsManage(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		u := f.user(t, "canbo8", auth.RoleLeader, auth.RoleIntake)
		leader := ctip.WithActor(context.Background(), auth.ActorFor(u, f.root))
		if _, err := f.svc.CreateUnit(leader, auth.UnitInput{Code: "Z", Name: "z", Kind: ctip.UnitOther}); !ctip.IsKind(err, ctip.Forbidden) {
			t.Fatalf("leader created a unit: %v", err)
		}
		if _, _, err := f.svc.CreateUser(leader, auth.UserInput{Username: "zzz", UnitID: ctip.Some(f.root.ID), Roles: []string{auth.RoleAdmin}}); !ctip.IsKind(err, ctip.Forbidden) {
			t.Fatalf("leader created a user: %v", err)
		}
		if _, err := f.svc.Users(leader, auth.UserFilter{}, ctip.PageRequest{}); !ctip.IsKind(err, ctip.Forbidden) {
			t.Fatalf("leader listed users: %v", err)
		}
	})
}

func TestBootstrapCreatesAdminOnce(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		pw, err := f.svc.Bootstrap(ctx)
		if err != nil || pw == "" {
			t.Fatalf("bootstrap: %q %v", pw, err)
		}
		res, err := f.svc.Login(ctx, "admin", pw, auth.Client{IP: "127.0.0.1"})
		if err != nil || res.Session.Stage != auth.StagePassword {
			t.Fatalf("admin login: %+v %v", res, err)
		}
		if pw2, err := f.svc.Bootstrap(ctx); err != nil || pw2 != "" {
			t.Fatalf("second bootstrap: %q %v", pw2, err)
		}
	})
}
