package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"ctip"
	"ctip/internal/legal"
)

// TestCaseFlow: an investigator records crime information, decides to
// institute a case, opens the case file from the item (linked both ways),
// then records the procuracy's extension of the investigation and sees the
// new deadline (CPC Art. 172).
func TestCaseFlow(t *testing.T) {
	chromium(t)
	in := newInstance(t)
	in.start()
	in.ctip("", "unit", "add", "--code", "CATDB", "--name", "Công an tỉnh Điện Biên", "--kind", "police")
	in.ctip("", "unit", "add", "--code", "PC02", "--name", "Phòng Cảnh sát hình sự", "--kind", "police", "--parent", "CATDB")
	in.ctip("", "unit", "add", "--code", "VKSDB", "--name", "Viện kiểm sát nhân dân tỉnh Điện Biên", "--kind", "procuracy")
	const password = "Điều tra viên dùng mật khẩu dài 2026"
	in.ctip(password+"\n", "user", "add", "--username", "dieutra", "--name", "Quàng Văn Hùng", "--unit", "PC02", "--role", "investigator", "--password-stdin")

	ctx, cancel := browser(t, 412, 915) // a phone
	defer cancel()
	today := ctip.DateOf(time.Now())
	do(t, ctx,
		chromedp.Navigate(in.url+"/"),
		chromedp.WaitVisible(css(`#f-username`)),
		chromedp.SendKeys(css(`#f-username`), "dieutra"),
		chromedp.SendKeys(css(`#f-password`), password),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`img.qr`)),
	)
	// Investigators may see victims' identities: the first sign-in enrols a second factor.
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
	)
	do(t, ctx,
		// Crime information, then the decision to institute a case.
		chromedp.Navigate(in.url+"/intake/new"),
		chromedp.WaitVisible(css(`#f-summary`)),
		chromedp.SetValue(css(`#f-channel`), "hotline"),
		chromedp.SetValue(css(`#f-offence_article`), "150"),
		chromedp.SendKeys(css(`#f-summary`), "Đối tượng dụ dỗ hai phụ nữ sang Trung Quốc để bán."),
		chromedp.SendKeys(css(`input[name="reporter.name"]`), "Giàng A Páo"),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`p.flash[role=status]`)),
	)
	do(t, ctx,
		chromedp.Click(css(`a[href$="/act/prosecute"]`)),
		chromedp.WaitVisible(css(`#f-document_number`)),
		chromedp.SendKeys(css(`#f-document_number`), "15/QĐ-CSHS"),
		chromedp.SetValue(css(`#f-document_date`), today.String()),
		chromedp.SendKeys(css(`#f-signer`), "Thượng tá Lường Văn Thắng"),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`a[href^="/cases/new?intake="]`)),
	)
	itemURL := location(t, ctx)
	shot(t, ctx, "case-01-intake-decided")
	// Open the case file from the item: the decision is carried over.
	do(t, ctx,
		chromedp.Click(css(`a[href^="/cases/new?intake="]`)),
		chromedp.WaitVisible(css(`[name="charges.0.clause"]`)),
	)
	if v := value(t, ctx, `#f-institution_number`); v != "15/QĐ-CSHS" {
		t.Fatalf("institution number carried over: %q", v)
	}
	do(t, ctx,
		chromedp.SetValue(css(`[name="charges.0.article"]`), "150"),
		chromedp.SetValue(css(`[name="charges.0.clause"]`), "1"),
		chromedp.SetValue(css(`#f-procuracy_unit_id`), unitID(t, ctx, "Viện kiểm sát")),
	)
	shot(t, ctx, "case-02-form")
	do(t, ctx,
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`p.flash[role=status]`)),
	)
	shot(t, ctx, "case-03-case")
	h1 := text(t, ctx, "h1")
	if !strings.Contains(h1, "VA-") || !strings.Contains(h1, "Đang điều tra") {
		t.Fatalf("case heading: %q", h1)
	}
	// Art. 172: a very serious crime (Art. 150(1), 5–10 years) — 4 months.
	base, _ := legal.Investigation(legal.DefaultPolicy(), legal.NewCalendar(), legal.VerySerious, today)
	if due := text(t, ctx, `.clock[data-kind="investigation"] .due`); due != base.Due.Format() {
		t.Fatalf("investigation deadline %q, want %s", due, base.Due.Format())
	}
	caseURL := location(t, ctx)
	// Extend the investigation once (the procuracy's decision, recorded by the investigating body).
	do(t, ctx,
		chromedp.Click(css(`a[href$="/act/extend_investigation"]`)),
		chromedp.WaitVisible(css(`#f-months`)),
		chromedp.SetValue(css(`#f-months`), "4"),
		chromedp.SendKeys(css(`#f-document_number`), "03/QĐ-VKS-P2"),
		chromedp.SendKeys(css(`#f-signer`), "Phó Viện trưởng Lò Văn Minh"),
	)
	shot(t, ctx, "case-04-extension-form")
	do(t, ctx,
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`p.flash[role=status]`)),
	)
	shot(t, ctx, "case-05-extended")
	ext, _ := legal.Investigation(legal.DefaultPolicy(), legal.NewCalendar(), legal.VerySerious, today, legal.Months(4))
	if due := text(t, ctx, `.clock[data-kind="investigation"] .due`); due != ext.Due.Format() {
		t.Fatalf("after the extension the deadline is %q, want %s", due, ext.Due.Format())
	}
	if tl := text(t, ctx, ".timeline"); !strings.Contains(tl, "Gia hạn điều tra") || !strings.Contains(tl, "03/QĐ-VKS-P2") || !strings.Contains(tl, "Hạn mới: "+ext.Due.Format()) {
		t.Errorf("timeline:\n%s", tl)
	}
	// The item links to its case.
	do(t, ctx, chromedp.Navigate(itemURL), chromedp.WaitVisible(css(`a[href^="/cases/"]`)))
	if href := attr(t, ctx, `main a[href^="/cases/"]`, "href"); !strings.HasSuffix(caseURL, href) {
		t.Errorf("the item links to %q, the case is %s", href, caseURL)
	}
	// The board lists it.
	do(t, ctx, chromedp.Navigate(in.url+"/cases?view=all"), chromedp.WaitVisible(css(`#cases`)))
	shot(t, ctx, "case-06-list")
	do(t, ctx, chromedp.Navigate(in.url+"/cases/board"), chromedp.WaitVisible(css(`.cards`)))
	shot(t, ctx, "case-07-board")
	if out := in.ctip("", "audit", "verify"); !strings.Contains(out, "audit chain intact") {
		t.Fatalf("audit verify: %s", out)
	}
}

func value(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Value(css(sel)))
	if err != nil {
		t.Fatalf("value of %s: %v", sel, err)
	}
	return v
}

func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+"`"+sel+"`"+`).getAttribute("`+name+`")`))
	if err != nil {
		t.Fatalf("attribute %s of %s: %v", name, sel, err)
	}
	return v
}

// unitID returns the value of the procuracy option whose text contains name.
func unitID(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){for (const o of document.querySelectorAll('#f-procuracy_unit_id option')) { if (o.textContent.includes(`+"`"+name+"`"+`)) return o.value } return ''})()`))
	if err != nil {
		t.Fatal(err)
	}
	return v
}
