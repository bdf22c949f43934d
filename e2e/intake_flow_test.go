package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
)

var unitIDRe = regexp.MustCompile(`created unit (\S+) \((\S+)\) (\S+)`)

type css = chromedp.CSS

// TestIntakeFlowInBrowser: a commune police officer signs in with a
// one-time password, changes it, records crime information through the
// form, finds it in the list and transfers it to the criminal police, whose
// investigator records the decision to institute a case.
func TestIntakeFlowInBrowser(t *testing.T) {
	chromium(t)
	in := newInstance(t)
	printed := in.start()
	if !passwordRe.MatchString(printed) {
		t.Fatalf("first start did not print the administrator's one-time password:\n%s", printed)
	}
	in.ctip("", "unit", "add", "--code", "CATDB", "--name", "Công an tỉnh Điện Biên", "--kind", "police")
	out := in.ctip("", "unit", "add", "--code", "PC02", "--name", "Phòng Cảnh sát hình sự", "--kind", "police", "--parent", "CATDB")
	pc02 := unitIDRe.FindStringSubmatch(out)[3]
	in.ctip("", "unit", "add", "--code", "CAX-MUONGNHE", "--name", "Công an xã Mường Nhé", "--kind", "commune_police", "--parent", "CATDB", "--commune", "03160")
	out = in.ctip("", "user", "add", "--username", "tiepnhan", "--name", "Lò Thị Hương", "--unit", "CAX-MUONGNHE", "--role", "intake")
	oneTime := passwordRe.FindStringSubmatch(out)[1]
	const investigatorPassword = "Điều tra viên dùng mật khẩu dài 2026"
	in.ctip(investigatorPassword+"\n", "user", "add", "--username", "dieutra", "--name", "Quàng Văn Hùng", "--unit", "PC02", "--role", "investigator", "--password-stdin")

	ctx, cancel := browser(t, 412, 915) // a phone
	defer cancel()
	const newPassword = "Bản Mường Nhé mùa hoa ban 2026"

	// Sign in with the one-time password: the first stop is the password change.
	do(t, ctx,
		chromedp.Navigate(in.url+"/"),
		chromedp.WaitVisible(css(`#f-username`)),
		chromedp.SendKeys(css(`#f-username`), "tiepnhan"),
		chromedp.SendKeys(css(`#f-password`), oneTime),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`#f-current`)),
	)
	shot(t, ctx, "01-change-password")
	do(t, ctx,
		chromedp.SendKeys(css(`#f-current`), oneTime),
		chromedp.SendKeys(css(`#f-password`), newPassword),
		chromedp.SendKeys(css(`#f-confirm`), newPassword),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`p.flash[role=status]`)),
	)
	if f := text(t, ctx, "p.flash[role=status]"); !strings.Contains(f, "Đã đổi mật khẩu") {
		t.Fatalf("after the change: %q", f)
	}
	shot(t, ctx, "02-home")

	// Record by the full form; first submit it empty to see the messages.
	do(t, ctx,
		chromedp.Navigate(in.url+"/intake/new"),
		chromedp.WaitVisible(css(`#f-summary`)),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`.error-summary`)),
	)
	if es := text(t, ctx, ".error-summary"); !strings.Contains(es, "Nội dung tóm tắt: Bắt buộc nhập") {
		t.Fatalf("error summary: %q", es)
	}
	shot(t, ctx, "03-form-errors")
	do(t, ctx,
		chromedp.SetValue(css(`#f-channel`), "hotline"),
		chromedp.SetValue(css(`#f-offence_article`), "150"),
		chromedp.SendKeys(css(`#f-summary`), "Người dân báo có đối tượng rủ 3 thiếu nữ sang Trung Quốc làm việc lương cao."),
		chromedp.SetValue(css(`#f-commune_code`), "03160"),
		chromedp.SendKeys(css(`input[name="reporter.name"]`), "Giàng A Páo"),
		chromedp.SendKeys(css(`input[name="reporter.phone"]`), "0915 111 222"),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`p.flash[role=status]`)),
	)
	h1 := text(t, ctx, "h1")
	ref := regexp.MustCompile(`TB-\d{4}-\d{6}`).FindString(h1)
	if ref == "" || !strings.Contains(h1, "Đã tiếp nhận") {
		t.Fatalf("item page heading: %q", h1)
	}
	shot(t, ctx, "04-item")
	itemURL := location(t, ctx)

	// It is in the unit's list.
	do(t, ctx, chromedp.Navigate(in.url+"/intake?view=unit"), chromedp.WaitVisible(css(`table`)))
	if list := text(t, ctx, "table"); !strings.Contains(list, ref) {
		t.Fatalf("the new item %s is not in the unit's list:\n%s", ref, list)
	}
	shot(t, ctx, "05-list")

	// Transfer it to the criminal police.
	do(t, ctx,
		chromedp.Navigate(itemURL),
		chromedp.Click(css(`a[href$="/act/transfer"]`)),
		chromedp.WaitVisible(css(`#f-target_unit`)),
		chromedp.SetValue(css(`#f-target_unit`), pc02),
		chromedp.SendKeys(css(`#f-note`), "Chuyển Phòng Cảnh sát hình sự theo thẩm quyền"),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`p.flash[role=status]`)),
	)
	if st := text(t, ctx, "h1"); !strings.Contains(st, "Đã chuyển") {
		t.Fatalf("after transfer: %q", st)
	}
	shot(t, ctx, "06-transferred")

	// The investigator of PC02 records the decision to institute a case.
	// Investigators may see victims' identities, so their first sign-in
	// enrols a second factor: read the key from the page, answer with a code.
	today := time.Now().In(time.FixedZone("ICT", 7*3600)).Format("2006-01-02")
	do(t, ctx,
		chromedp.Click(css(`header form button`)), // sign out
		chromedp.WaitVisible(css(`#f-username`)),
		chromedp.SendKeys(css(`#f-username`), "dieutra"),
		chromedp.SendKeys(css(`#f-password`), investigatorPassword),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`img.qr`)),
	)
	shot(t, ctx, "07-enrol-totp")
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
		chromedp.WaitVisible(css(`.cards`)),
		chromedp.Navigate(itemURL),
		chromedp.Click(css(`a[href$="/act/prosecute"]`)),
		chromedp.WaitVisible(css(`#f-document_number`)),
		chromedp.SendKeys(css(`#f-document_number`), "12/QĐ-CSHS"),
		chromedp.SetValue(css(`#f-document_date`), today),
		chromedp.SendKeys(css(`#f-signer`), "Thượng tá Lường Văn Thắng, Trưởng phòng"),
	)
	shot(t, ctx, "08-decision-form")
	do(t, ctx,
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`p.flash[role=status]`)),
	)
	if d := text(t, ctx, "h1"); !strings.Contains(d, "Khởi tố vụ án") {
		t.Fatalf("after the decision: %q", d)
	}
	timeline := text(t, ctx, ".timeline")
	for _, want := range []string{"Tiếp nhận, vào sổ", "Chuyển nguồn tin", "Quyết định khởi tố vụ án", "12/QĐ-CSHS"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("timeline lacks %q:\n%s", want, timeline)
		}
	}
	shot(t, ctx, "09-decided")

	// The audit chain of everything above verifies.
	if out := in.ctip("", "audit", "verify"); !strings.Contains(out, "audit chain intact") {
		t.Fatalf("audit verify: %s", out)
	}
}
