package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"ctip"
)

// signInWithTOTP signs a user in whose role requires a second factor,
// enrolling it on the first sign-in.
func signInWithTOTP(t *testing.T, ctx context.Context, url, username, password string) {
	t.Helper()
	do(t, ctx,
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible(css(`#f-username`)),
		chromedp.SendKeys(css(`#f-username`), username),
		chromedp.SendKeys(css(`#f-password`), password),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`img.qr`)),
	)
	secret, err := chromedp.Run(ctx, chromedp.Value(css(`input[name="secret"]`)))
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx,
		chromedp.SendKeys(css(`#f-code`), code),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`p.flash[role=status]`)),
	)
}

// TestVictimFlow: a victim-support officer of the health department
// receives a person, records the identification and two support services,
// and sees the identity only after typing a reason; an investigator of
// another unit sees only the pseudonym, and finds nothing by name.
func TestVictimFlow(t *testing.T) {
	chromium(t)
	in := newInstance(t)
	in.start()
	in.ctip("", "unit", "add", "--code", "CATDB", "--name", "Công an tỉnh Điện Biên", "--kind", "police")
	in.ctip("", "unit", "add", "--code", "PC02", "--name", "Phòng Cảnh sát hình sự", "--kind", "police", "--parent", "CATDB")
	in.ctip("", "unit", "add", "--code", "SYT", "--name", "Sở Y tế tỉnh Điện Biên", "--kind", "health")
	const supportPassword = "Cán bộ hỗ trợ nạn nhân 2026 an toàn"
	const investigatorPassword = "Điều tra viên dùng mật khẩu dài 2026"
	in.ctip(supportPassword+"\n", "user", "add", "--username", "hotro", "--name", "Lò Thị Hoa", "--unit", "SYT", "--role", "victim_support", "--password-stdin")
	in.ctip(investigatorPassword+"\n", "user", "add", "--username", "dieutra", "--name", "Quàng Văn Hùng", "--unit", "PC02", "--role", "investigator", "--password-stdin")

	ctx, cancel := browser(t, 412, 915) // a phone
	defer cancel()
	signInWithTOTP(t, ctx, in.url, "hotro", supportPassword)

	// Reception: an empty form first, then the person.
	do(t, ctx,
		chromedp.Navigate(in.url+"/victims/new"),
		chromedp.WaitVisible(css(`#f-full_name`)),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`.error-summary`)),
	)
	if es := text(t, ctx, ".error-summary"); !strings.Contains(es, "Hình thức") || !strings.Contains(es, "Họ và tên") {
		t.Fatalf("error summary: %q", es)
	}
	shot(t, ctx, "victim-01-reception-errors")
	const name = "Vàng Thị Dung"
	do(t, ctx,
		chromedp.SetValue(css(`#f-channel`), "rescue"),
		chromedp.SendKeys(css(`#f-reception_body`), "Đồn Biên phòng A Pa Chải"),
		chromedp.SendKeys(css(`#f-full_name`), name),
		chromedp.Click(css(`input[name=sex][value=female]`)),
		chromedp.SetValue(css(`#f-date_of_birth`), "2007-08-15"),
		chromedp.SendKeys(css(`#f-id_number`), "011307004455"),
		chromedp.SendKeys(css(`#f-phone`), "0912 777 888"),
		chromedp.SetValue(css(`#f-nationality`), "VN"),
	)
	shot(t, ctx, "victim-02-reception-form")
	do(t, ctx,
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`p.flash[role=status]`)),
	)
	pseudonym := text(t, ctx, "#victim-label")
	if !strings.HasPrefix(pseudonym, "NN-") {
		t.Fatalf("heading after reception: %q", pseudonym)
	}
	page := text(t, ctx, "main")
	if strings.Contains(page, name) || strings.Contains(page, "011307004455") {
		t.Fatal("the identity shows before a reveal")
	}
	shot(t, ctx, "victim-03-file")
	victimURL := location(t, ctx)

	// Identification: a victim, on two grounds of Art. 32(1).
	today := ctip.DateOf(time.Now()).String()
	do(t, ctx,
		chromedp.Navigate(victimURL), // a fresh page: no flash left from the reception
		chromedp.WaitVisible(css(`#identify summary`)),
		chromedp.Click(css(`#identify summary`)),
		chromedp.WaitVisible(css(`input[name=status][value=victim]`)),
		chromedp.Click(css(`input[name=status][value=victim]`)),
		chromedp.SetValue(css(`#f-decided_on`), today),
		chromedp.SetValue(css(`#f-deciding_body`), "Police"),
		chromedp.SendKeys(css(`#f-decision_number`), "07/QĐ-CAT"),
		chromedp.Click(css(`input[name=grounds][value=rescuing_body]`)),
		chromedp.Click(css(`input[name=grounds][value=person_statement]`)),
		chromedp.Click(css(`#identify-btn`)),
		chromedp.WaitVisible(css(`p.flash[role=status]`)),
	)
	if h := text(t, ctx, "h1"); !strings.Contains(h, "Nạn nhân") {
		t.Fatalf("after identification: %q", h)
	}
	// Two support services: medical care and legal aid (a referral, with consent).
	for _, s := range []struct{ regime, provider, referral string }{
		{"medical", "Bệnh viện đa khoa tỉnh", ""},
		{"legal_aid", "Trung tâm trợ giúp pháp lý tỉnh", "Trung tâm trợ giúp pháp lý nhà nước tỉnh"},
	} {
		acts := []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(victimURL),
			chromedp.WaitVisible(css(`#support summary`)),
			chromedp.Click(css(`#support summary`)),
			chromedp.WaitVisible(css(`#f-regime`)),
			chromedp.SetValue(css(`#f-regime`), s.regime),
			chromedp.SendKeys(css(`#f-provider`), s.provider),
			chromedp.SetValue(css(`#f-provided_on`), today),
		}
		if s.referral != "" { // a referral is shared with consent, recorded with it
			acts = append(acts, chromedp.SendKeys(css(`#f-referral_to`), s.referral), chromedp.Click(css(`input[name=consent]`)))
		}
		acts = append(acts, chromedp.Click(css(`#support-btn`)), chromedp.WaitVisible(css(`p.flash[role=status]`)))
		do(t, ctx, acts...)
	}
	if tbl := text(t, ctx, "#support-table"); !strings.Contains(tbl, "Y tế") || !strings.Contains(tbl, "Trợ giúp pháp lý") {
		t.Fatalf("support table: %q", tbl)
	}
	shot(t, ctx, "victim-04-identified-supported")

	// The identity, after a reason.
	do(t, ctx,
		chromedp.SendKeys(css(`#f-reason`), "Lập kế hoạch hỗ trợ và liên hệ gia đình"),
		chromedp.Click(css(`#reveal-btn`)),
		chromedp.WaitVisible(css(`#identity-name`)),
	)
	if n := text(t, ctx, "#identity-name"); !strings.Contains(n, name) {
		t.Fatalf("revealed name: %q", n)
	}
	shot(t, ctx, "victim-05-revealed")

	// An investigator of another unit: the pseudonym only, and no search hit.
	do(t, ctx,
		chromedp.Click(css(`header form button`)), // sign out
		chromedp.WaitVisible(css(`#f-username`)),
	)
	signInWithTOTP(t, ctx, in.url, "dieutra", investigatorPassword)
	do(t, ctx, chromedp.Navigate(victimURL), chromedp.WaitVisible(css(`#victim-label`)))
	if l := text(t, ctx, "#victim-label"); l != pseudonym {
		t.Fatalf("investigator sees %q, want the pseudonym %q", l, pseudonym)
	}
	if page := text(t, ctx, "main"); strings.Contains(page, name) || strings.Contains(page, "011307004455") || strings.Contains(page, "0912") {
		t.Fatal("the investigator sees the identity")
	}
	shot(t, ctx, "victim-06-other-unit")
	do(t, ctx, chromedp.Navigate(in.url+"/persons?q=vang+thi+dung"), chromedp.WaitVisible(css(`#no-hits`)))
	shot(t, ctx, "victim-07-search-nothing")
	do(t, ctx, chromedp.Navigate(in.url+"/victims"), chromedp.WaitVisible(css(`#victims`)))
	if l := text(t, ctx, "#victims"); !strings.Contains(l, pseudonym) || strings.Contains(l, name) {
		t.Fatalf("victim list: %q", l)
	}
	shot(t, ctx, "victim-08-list")

	// The investigator records a suspect (a police record: the name is shown) and finds him with a typo.
	do(t, ctx,
		chromedp.Navigate(in.url+"/persons/new"),
		chromedp.WaitVisible(css(`#f-full_name`)),
		chromedp.SendKeys(css(`#f-full_name`), "Thào A Sử"),
		chromedp.Click(css(`input[name=sex][value=male]`)),
		chromedp.SendKeys(css(`#f-birth_year`), "1985"),
		chromedp.SetValue(css(`#f-role`), "recruiter"),
		chromedp.SendKeys(css(`#f-accounts`), "Zalo: 0977 000 111"),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`p.flash[role=status]`)),
	)
	if h := text(t, ctx, "h1"); !strings.Contains(h, "Thào A Sử") {
		t.Fatalf("suspect page: %q", h)
	}
	shot(t, ctx, "victim-09-suspect")
	suspectURL := location(t, ctx)
	do(t, ctx, chromedp.Navigate(in.url+"/persons?q=thao+a+su"), chromedp.WaitVisible(css(`#hits`)))
	if h := text(t, ctx, "#hits"); !strings.Contains(h, "Thào A Sử") {
		t.Fatalf("search hits: %q", h)
	}
	shot(t, ctx, "victim-10-search")
	do(t, ctx, chromedp.Navigate(in.url+"/victims/needs"), chromedp.WaitVisible(css(`#needs`)))
	shot(t, ctx, "victim-11-needs")

	// Later he is rescued: received as a victim on his existing record (a
	// victim in one case, a recruiter in another); protected from then on.
	do(t, ctx,
		chromedp.Navigate(suspectURL),
		chromedp.WaitVisible(css(`#receive-as-victim`)),
		chromedp.Click(css(`#receive-as-victim`)),
		chromedp.WaitVisible(css(`#existing-person`)),
		chromedp.SetValue(css(`#f-channel`), "rescue"),
		chromedp.SendKeys(css(`#f-reception_body`), "Phòng Cảnh sát hình sự"),
	)
	shot(t, ctx, "victim-12-receive-existing")
	do(t, ctx,
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`p.flash[role=status]`)),
	)
	if l := text(t, ctx, "#victim-label"); !strings.HasPrefix(l, "NN-") || l == pseudonym {
		t.Fatalf("file on the existing record: %q", l)
	}
	if page := text(t, ctx, "main"); strings.Contains(page, "Thào A Sử") {
		t.Fatal("the received person's name shows before a reveal")
	}
	shot(t, ctx, "victim-13-received-existing")
}
