package demo

import (
	"fmt"
	"time"

	"ctip"
	"ctip/internal/intake"
)

// Tổng đài 111 became the national anti-trafficking switchboard on this day
// (Decree 162/2025/NĐ-CP); before, 111 was the child-protection line.
var switchboard111 = ctip.NewDate(2025, 9, 19)

type org struct {
	name    string
	channel intake.Channel
}

// content fills an item's input: place, story, kind, channel and reporter.
func (l *loader) content(p *plan, received time.Time) {
	g, r := l.g, p.recv
	on := ctip.DateOf(received)
	code := r.communes[l.rng.IntN(len(r.communes))]
	if r.home != "" && l.rng.IntN(100) < 75 {
		code = r.home
	}
	place := "tỉnh Điện Biên"
	if c, ok := l.d.Places.Commune(code); ok {
		place = c.Type + " " + c.Name
	}
	p.place = place
	sc := scene{commune: place, village: g.pick(villages), on: on, post: r.name, atBorder: r.kind == ctip.UnitBorderGuard}
	in := intake.Input{ReceivedAt: received, CommuneCode: code}

	var st story
	var intro string
	rep := intake.ReporterInput{}
	handover := (r.kind == ctip.UnitBorderGuard && l.rng.IntN(100) < 15) || (r.isPC02() && l.rng.IntN(100) < 8)
	if handover {
		country := "LA"
		if r.code == CodeAPaChai && l.rng.IntN(2) == 0 || r.isPC02() && l.rng.IntN(100) < 60 {
			country = "CN"
		}
		st = handoverStory(g, sc, country)
		in.OffenceArticle, in.Kind, in.Channel = "150", string(intake.Report), string(intake.ForeignHandover)
		rep.Organisation = g.pick([]string{"Công an tỉnh Vân Nam (Trung Quốc)", "Trạm Kiểm soát biên phòng Hà Khẩu (Trung Quốc)"})
		if country == "LA" {
			rep.Organisation = g.pick([]string{"Công an tỉnh Phông Sa Lỳ (Lào)", "Bộ Chỉ huy Quân sự tỉnh Phông Sa Lỳ (Lào)"})
		}
		intro = rep.Organisation + " thông báo và bàn giao hồ sơ: "
	} else {
		t := l.pickTemplate(r)
		st = t.write(g, sc)
		in.OffenceArticle = t.article
		switch {
		case t.article == "347" || (t.article == "348" && sc.atBorder):
			// Found by the unit's own patrol.
			in.Kind, in.Channel = string(intake.Report), string(intake.WalkIn)
			rep.Organisation, rep.Name = "Tổ công tác "+r.name, g.person(false)
		default:
			intro = l.reporter(&in, &rep, sc, t.article, on)
		}
	}
	p.story, p.commune = st, code
	in.Summary = intro + st.body
	in.Persons = st.persons
	in.Reporter = rep
	if st.abroad != "" {
		in.CountryCode, in.CommuneCode = st.abroad, ""
	}
	p.in = in
}

func (l *loader) pickTemplate(r *receiver) tmpl {
	total := 0
	for _, t := range templates {
		total += t.weight(r)
	}
	n := l.rng.IntN(total)
	for _, t := range templates {
		if n < t.weight(r) {
			return t
		}
		n -= t.weight(r)
	}
	return templates[0]
}

// reporter chooses the kind, channel and reporter of an item and returns
// the opening words of its summary.
func (l *loader) reporter(in *intake.Input, rep *intake.ReporterInput, sc scene, article string, on ctip.Date) string {
	g := l.g
	crowd := article == "348" || article == "349"
	switch r := l.rng.IntN(100); {
	case r < 62: // tố giác by a person
		in.Kind = string(intake.Denunciation)
		switch c := l.rng.IntN(100); {
		case c < 45:
			in.Channel = string(intake.Hotline)
		case c < 78:
			in.Channel = string(intake.WalkIn)
		case c < 90:
			in.Channel = string(intake.Online)
		default:
			in.Channel = string(intake.Letter)
		}
		anon := map[intake.Channel]int{intake.Hotline: 40, intake.Online: 35, intake.Letter: 30}[intake.Channel(in.Channel)]
		if l.rng.IntN(100) < anon {
			rep.Anonymous = true
			switch intake.Channel(in.Channel) {
			case intake.Hotline:
				if on.Before(switchboard111) {
					return "Qua đường dây nóng, một người không cho biết danh tính báo tin: "
				}
				return "Qua Tổng đài 111, một người không cho biết danh tính báo tin: "
			case intake.Online:
				return "Qua cổng tiếp nhận trực tuyến, một người giấu tên báo tin: "
			}
			return "Đơn tố giác không ghi tên người gửi: "
		}
		relation := g.pick(relations)
		female := relation == "mẹ" || relation == "chị gái" || relation == "bà nội"
		born := on.Year - g.between(25, 60)
		rep.Name = g.person(female)
		if l.rng.IntN(100) < 85 {
			rep.Phone = g.phone()
		}
		if in.Channel == string(intake.WalkIn) && l.rng.IntN(100) < 80 || l.rng.IntN(100) < 30 {
			rep.IDNumber = g.idNumber(female, born)
		}
		if l.rng.IntN(100) < 70 {
			rep.Address = sc.village + ", " + sc.commune + ", tỉnh Điện Biên"
		}
		if crowd {
			return fmt.Sprintf("%s, người dân %s, báo tin: ", rep.Name, sc.village)
		}
		if relation == "trưởng bản" {
			return fmt.Sprintf("%s, trưởng %s, trình báo: ", rep.Name, sc.village)
		}
		return fmt.Sprintf("%s (%s của người bị hại) trình báo: ", rep.Name, relation)
	case r < 90: // tin báo by an organisation
		in.Kind = string(intake.Report)
		hotline := "Tổng đài 111"
		if on.Before(switchboard111) {
			hotline = "Tổng đài điện thoại quốc gia bảo vệ trẻ em 111"
		}
		o := g.pickOrg([]org{
			{hotline, intake.Hotline}, {hotline, intake.Hotline},
			{"UBND " + sc.commune, intake.Referral}, {"Hội Liên hiệp Phụ nữ " + sc.commune, intake.Referral},
			{"Trạm Y tế " + sc.commune, intake.Referral}, {"Trường PTDTBT THCS " + sc.commune, intake.Letter},
			{"Báo và Phát thanh, Truyền hình Điện Biên", intake.Online}, {"Sở Y tế tỉnh Điện Biên", intake.Referral},
			{"Trung tâm Công tác xã hội tỉnh Điện Biên", intake.Referral}, {"Đồn Biên phòng Mường Nhé", intake.Referral},
		})
		in.Channel, rep.Organisation = string(o.channel), o.name
		if l.rng.IntN(100) < 50 {
			rep.Name = g.person(l.rng.IntN(2) == 0)
		}
		if l.rng.IntN(100) < 60 {
			rep.Phone = g.phone()
		}
		return o.name + " báo tin: "
	default: // kiến nghị khởi tố by a state agency
		in.Kind = string(intake.Petition)
		o := g.pickOrg([]org{
			{"Thanh tra tỉnh Điện Biên", intake.Letter}, {"Chi cục Hải quan cửa khẩu quốc tế Tây Trang", intake.Letter},
			{"Sở Nội vụ tỉnh Điện Biên", intake.Letter}, {"Bộ Chỉ huy Bộ đội Biên phòng tỉnh Điện Biên", intake.Referral},
		})
		in.Channel, rep.Organisation = string(o.channel), o.name
		if l.rng.IntN(100) < 60 {
			rep.Name = g.person(l.rng.IntN(2) == 0)
		}
		return o.name + " có văn bản kiến nghị khởi tố: "
	}
}

func (g gen) pickOrg(list []org) org { return list[g.rng.IntN(len(list))] }
