package demo

import (
	"context"
	"slices"
	"strings"
	"time"

	"ctip"
	"ctip/internal/auth"
	"ctip/internal/geo"
	"ctip/internal/i18n"
)

// Province is Điện Biên (code 11 of Decision 19/2025/QĐ-TTg).
const Province = "11"

// Codes of the units the loader relies on.
const (
	CodeRoot       = "ROOT"
	CodeCommittee  = "BCD"
	CodePolice     = "CATDB"
	CodePC02       = "PC02"
	CodeBorder     = "BDBP"
	CodeProcuracy  = "VKSDB"
	CodeHealth     = "SYT"
	CodeTayTrang   = "DBP-TAYTRANG"
	CodeAPaChai    = "DBP-APACHAI"
	CodeSiPaPhin   = "DBP-SIPAPHIN"
	namePC02Signer = "Lường Văn Thắng – Phó Thủ trưởng Cơ quan Cảnh sát điều tra Công an tỉnh Điện Biên"
	nameCATSigner  = "Tòng Văn Hải – Thủ trưởng Cơ quan Cảnh sát điều tra Công an tỉnh Điện Biên"
	nameVKSSigner  = "Lò Văn Phong – Phó Viện trưởng Viện kiểm sát nhân dân tỉnh Điện Biên"
)

type unitSpec struct {
	code, name, kind, parent, commune string
}

// communePolice are the communes (by name, as in the 2025 code list) that get
// a commune police unit, in order of preference; the first seven present in
// the data are used.
var communePolice = []string{"Điện Biên Phủ", "Mường Lay", "Mường Nhé", "Sín Thầu", "Mường Chà", "Tuần Giáo", "Tủa Chùa", "Nậm Pồ", "Mường Ảng"}

// borderAreas are the communes (by name) where each border post's items
// take place, when present in the data.
var borderAreas = map[string][]string{
	CodeTayTrang: {"Sam Mứn", "Thanh Nưa", "Núa Ngam", "Mường Nhà", "Pu Nhi"},
	CodeAPaChai:  {"Sín Thầu", "Mường Nhé", "Mường Toong", "Nậm Kè"},
	CodeSiPaPhin: {"Si Pa Phìn", "Chà Tở", "Nà Hỳ", "Nà Bủng", "Mường Chà"},
}

// communeCode turns a commune's name into the ASCII suffix of a unit code.
func communeCode(name string) string {
	return strings.ToUpper(strings.ReplaceAll(i18n.Fold(name), " ", ""))
}

// pickCommunes returns the communes of the province named in want (in that
// order, at most n), completed from the data when fewer are present.
func pickCommunes(p *geo.Places, want []string, n int) []*geo.Commune {
	all := p.CommunesOf(Province)
	var out []*geo.Commune
	for _, name := range want {
		for _, c := range all {
			if c.Name == name && !slices.Contains(out, c) {
				out = append(out, c)
				break
			}
		}
		if len(out) == n {
			return out
		}
	}
	for _, c := range all {
		if len(out) == n {
			break
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// unitTree returns the units of the demo province in creation order.
func unitTree(communes []*geo.Commune) []unitSpec {
	specs := []unitSpec{
		{CodeCommittee, "Ban Chỉ đạo phòng, chống tội phạm tỉnh Điện Biên", ctip.UnitCommittee, "", ""},
		{CodePolice, "Công an tỉnh Điện Biên", ctip.UnitPolice, "", ""},
		{CodePC02, "Phòng Cảnh sát hình sự (PC02)", ctip.UnitPolice, CodePolice, ""},
		{"PA08", "Phòng Quản lý xuất nhập cảnh (PA08)", ctip.UnitPolice, CodePolice, ""},
		{"PC06", "Phòng Cảnh sát quản lý hành chính về trật tự xã hội (PC06)", ctip.UnitPolice, CodePolice, ""},
	}
	for _, c := range communes {
		specs = append(specs, unitSpec{"CAX-" + communeCode(c.Name), "Công an " + c.Type + " " + c.Name, ctip.UnitCommunePolice, CodePolice, c.Code})
	}
	specs = append(specs,
		unitSpec{CodeBorder, "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Điện Biên", ctip.UnitBorderGuard, "", ""},
		unitSpec{CodeTayTrang, "Đồn Biên phòng cửa khẩu quốc tế Tây Trang", ctip.UnitBorderGuard, CodeBorder, ""},
		unitSpec{CodeAPaChai, "Đồn Biên phòng A Pa Chải", ctip.UnitBorderGuard, CodeBorder, ""},
		unitSpec{CodeSiPaPhin, "Đồn Biên phòng Si Pa Phìn", ctip.UnitBorderGuard, CodeBorder, ""},
		unitSpec{CodeProcuracy, "Viện kiểm sát nhân dân tỉnh Điện Biên", ctip.UnitProcuracy, "", ""},
		unitSpec{"VKSKV1", "Viện kiểm sát nhân dân khu vực 1 – Điện Biên", ctip.UnitProcuracy, CodeProcuracy, ""},
		unitSpec{"TADB", "Tòa án nhân dân tỉnh Điện Biên", ctip.UnitCourt, "", ""},
		unitSpec{"TAKV1", "Tòa án nhân dân khu vực 1 – Điện Biên", ctip.UnitCourt, "TADB", ""},
		unitSpec{CodeHealth, "Sở Y tế tỉnh Điện Biên", ctip.UnitHealth, "", ""},
		unitSpec{"TGPL", "Trung tâm Trợ giúp pháp lý nhà nước tỉnh Điện Biên", ctip.UnitLegalAid, "", ""},
		unitSpec{"HLHPN", "Hội Liên hiệp Phụ nữ tỉnh Điện Biên", ctip.UnitWomensUnion, "", ""},
	)
	return specs
}

type userSpec struct {
	username, name, role, unit string
}

// users returns the demo accounts: one per role, a few more officers to show
// assignment and scope, and a receiving officer in every commune police unit
// and border post.
func userList(communeUnits []string, g gen) []userSpec {
	home := communeUnits[0]
	if slices.Contains(communeUnits, "CAX-MUONGNHE") {
		home = "CAX-MUONGNHE"
	}
	list := []userSpec{
		{"quantri", "Trần Minh Đức", auth.RoleAdmin, CodeRoot},
		{"lanhdao", "Lường Văn Thắng", auth.RoleLeader, CodePC02},
		{"tiepnhan", "Lò Thị Hương", auth.RoleIntake, home},
		{"dieutra", "Quàng Văn Hùng", auth.RoleInvestigator, CodePC02},
		{"kiemsat", "Phạm Thị Thu Trang", auth.RoleProcurator, CodeProcuracy},
		{"hotro", "Cà Thị Ánh", auth.RoleVictimSupport, CodeHealth},
		{"phantich", "Lê Quang Huy", auth.RoleAnalyst, CodeCommittee},
		{"kiemtoan", "Hoàng Thị Mai", auth.RoleAuditor, CodeCommittee},
		{"thamphan", "Đinh Thị Ngọc Hà", auth.RoleCourt, "TADB"},
		{"dieutra2", "Nguyễn Thị Lan Anh", auth.RoleInvestigator, CodePC02},
		{"truongcax", "Giàng A Dế", auth.RoleLeader, home},
		{"lanhdaocat", "Tòng Văn Hải", auth.RoleLeader, CodePolice},
		{"tiepnhanbp", "Vàng A Sử", auth.RoleIntake, CodeAPaChai},
	}
	for _, code := range communeUnits {
		if code != home {
			list = append(list, userSpec{"tiepnhan." + strings.ToLower(strings.TrimPrefix(code, "CAX-")), g.person(g.rng.IntN(2) == 0), auth.RoleIntake, code})
		}
	}
	list = append(list,
		userSpec{"tiepnhan.taytrang", g.person(false), auth.RoleIntake, CodeTayTrang},
		userSpec{"tiepnhan.sipaphin", g.person(false), auth.RoleIntake, CodeSiPaPhin},
	)
	return list
}

// buildTree creates the units (and ROOT when missing) and the accounts, as
// the system actor, with the clock moving a few minutes per record.
func (l *loader) buildTree(ctx context.Context, specs []unitSpec, users []userSpec) error {
	sys := ctip.WithActor(ctx, ctip.SystemActor("demo"))
	a := l.d.Auth
	root, err := a.Store.GetUnitByCode(ctx, CodeRoot)
	if err != nil {
		if !ctip.IsKind(err, ctip.NotFound) {
			return err
		}
		if root, err = a.CreateUnit(sys, auth.UnitInput{Code: CodeRoot, Name: "Đơn vị quản trị hệ thống", Kind: ctip.UnitOther}); err != nil {
			return err
		}
	}
	l.units[CodeRoot] = root
	var communeUnits []string
	for _, s := range specs {
		l.d.Clock.Advance(time.Duration(1+l.rng.IntN(5)) * time.Minute)
		u, err := a.CreateUnit(sys, auth.UnitInput{Code: s.code, Name: s.name, Kind: s.kind, ParentCode: s.parent, CommuneCode: s.commune})
		if err != nil {
			return err
		}
		l.units[s.code] = u
		if s.kind == ctip.UnitCommunePolice {
			communeUnits = append(communeUnits, s.code)
			l.communeOf[s.code] = s.commune
		}
	}
	l.communeUnits = communeUnits
	l.d.Clock.Advance(3 * time.Hour)
	for _, s := range users {
		l.d.Clock.Advance(time.Duration(2+l.rng.IntN(10)) * time.Minute)
		pw := newPassword(s.username)
		u, _, err := a.CreateUser(sys, auth.UserInput{Username: s.username, DisplayName: s.name, UnitCode: s.unit,
			Roles: []string{s.role}, Password: pw, DemoAccount: true})
		if err != nil {
			return err
		}
		l.actors[s.username] = auth.ActorFor(u, l.units[s.unit])
		l.accounts = append(l.accounts, Account{Username: s.username, Password: pw, Role: s.role, Unit: s.unit})
	}
	return nil
}

// newPassword returns a random password (crypto/rand: the seed makes the
// province reproducible, never its passwords) that passes the policy.
func newPassword(username string) string {
	for {
		pw := auth.GeneratePassword()
		if auth.CheckPasswordPolicy(pw, username) == "" {
			return pw
		}
	}
}
