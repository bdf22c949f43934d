package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDuplicateMergeFlow: an investigator records a suspect, then a second
// record with the same phone: the form shows the existing record and records
// the new one only when told it is someone else. The unit head compares the
// two records and merges them; the old record's page leads to the survivor.
// The administrator changes the reveal window on the settings page.
func TestDuplicateMergeFlow(t *testing.T) {
	chromium(t)
	in := newInstance(t)
	in.start()
	in.ctip("", "unit", "add", "--code", "CATDB", "--name", "Công an tỉnh Điện Biên", "--kind", "police")
	in.ctip("", "unit", "add", "--code", "PC02", "--name", "Phòng Cảnh sát hình sự", "--kind", "police", "--parent", "CATDB")
	const invPassword = "Điều tra viên dùng mật khẩu dài 2026"
	const leadPassword = "Trưởng phòng dùng mật khẩu dài 2026"
	const admPassword = "Quản trị viên dùng mật khẩu dài 2026"
	in.ctip(invPassword+"\n", "user", "add", "--username", "dieutra", "--name", "Quàng Văn Hùng", "--unit", "PC02", "--role", "investigator", "--password-stdin")
	in.ctip(leadPassword+"\n", "user", "add", "--username", "truongphong", "--name", "Lò Văn Minh", "--unit", "PC02", "--role", "leader", "--password-stdin")
	in.ctip(admPassword+"\n", "user", "add", "--username", "quantri", "--name", "Cà Thị Lan", "--unit", "CATDB", "--role", "admin", "--password-stdin")

	ctx, cancel := browser(t, 1280, 900)
	defer cancel()
	signInWithTOTP(t, ctx, in.url, "dieutra", invPassword)
	newPerson := func(name, phone string) {
		do(t, ctx,
			chromedp.Navigate(in.url+"/persons/new"),
			chromedp.WaitVisible(css(`#f-full_name`)),
			chromedp.SendKeys(css(`#f-full_name`), name),
			chromedp.Click(css(`input[name=sex][value=male]`)),
			chromedp.SendKeys(css(`#f-birth_year`), "1985"),
			chromedp.SendKeys(css(`#f-phone`), phone),
			chromedp.SetValue(css(`#f-role`), "recruiter"),
			chromedp.Click(css(`main button[type=submit]`)),
		)
	}
	newPerson("Thào A Sử", "0977 000 111")
	do(t, ctx, chromedp.WaitVisible(css(`p.flash[role=status]`)))
	first := location(t, ctx)

	// The same phone under another name: the existing record is shown.
	newPerson("Sử Lùn", "+84 977 000 111")
	do(t, ctx, chromedp.WaitVisible(css(`#duplicates`)))
	if d := text(t, ctx, "#duplicates"); !strings.Contains(d, "Thào A Sử") || !strings.Contains(d, "số điện thoại") {
		t.Fatalf("duplicates: %q", d)
	}
	shot(t, ctx, "registry-01-duplicates")
	do(t, ctx,
		chromedp.Click(css(`#confirm-new`)),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`p.flash[role=status]`)),
	)
	second := location(t, ctx)
	if second == first || !strings.Contains(second, "/persons/") {
		t.Fatalf("second record at %q", second)
	}
	do(t, ctx, chromedp.Click(css(`header form button`)), chromedp.WaitVisible(css(`#f-username`)))

	// The unit head merges the second record into the first.
	signInWithTOTP(t, ctx, in.url, "truongphong", leadPassword)
	do(t, ctx,
		chromedp.Navigate(first),
		chromedp.WaitVisible(css(`#f-merge-other`)),
		chromedp.SendKeys(css(`#f-merge-other`), second),
		chromedp.Click(css(`#merge-compare`)),
		chromedp.WaitVisible(css(`#merge-result`)),
	)
	if r := text(t, ctx, "#merge-result"); !strings.Contains(r, "Sử Lùn") {
		t.Fatalf("merge result: %q", r)
	}
	shot(t, ctx, "registry-02-merge-confirm")
	do(t, ctx,
		chromedp.SendKeys(css(`#f-reason`), "Cùng một người: trùng số điện thoại"),
		chromedp.Click(css(`#merge-btn`)),
		chromedp.WaitVisible(css(`p.flash[role=status]`)),
	)
	if loc := location(t, ctx); loc != first {
		t.Fatalf("after the merge: %q, want %q", loc, first)
	}
	if page := text(t, ctx, "main"); !strings.Contains(page, "Sử Lùn") {
		t.Fatal("the survivor does not list the merged name")
	}
	shot(t, ctx, "registry-03-merged")
	do(t, ctx, chromedp.Navigate(second), chromedp.WaitVisible(css(`h1`)))
	if loc := location(t, ctx); loc != first {
		t.Fatalf("the old record's page is at %q, want %q", loc, first)
	}
	do(t, ctx, chromedp.Click(css(`header form button`)), chromedp.WaitVisible(css(`#f-username`)))

	// The administrator sets a 20-minute reveal window; a wrong value is refused first.
	signInWithTOTP(t, ctx, in.url, "quantri", admPassword)
	do(t, ctx,
		chromedp.Navigate(in.url+"/admin/persons"),
		chromedp.WaitVisible(css(`#f-reveal_minutes`)),
		chromedp.SetValue(css(`#f-reveal_minutes`), "600"),
		chromedp.Click(css(`#settings-btn`)),
		chromedp.WaitVisible(css(`.error-summary`)),
	)
	if es := text(t, ctx, ".error-summary"); !strings.Contains(es, "từ 5 đến 60") {
		t.Fatalf("settings error: %q", es)
	}
	shot(t, ctx, "registry-04-settings-error")
	do(t, ctx,
		chromedp.SetValue(css(`#f-reveal_minutes`), "20"),
		chromedp.Click(css(`#settings-btn`)),
		chromedp.WaitVisible(css(`p.flash[role=status]`)),
	)
	v, err := chromedp.Run(ctx, chromedp.Value(css(`#f-reveal_minutes`)))
	if err != nil || v != "20" {
		t.Fatalf("saved reveal window %q %v", v, err)
	}
	shot(t, ctx, "registry-05-settings")
}
