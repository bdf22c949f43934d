package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"ctip"
)

// Everything below is invented for the demo: people, phone numbers, ID
// numbers, villages (bản) and stories. Family names are those common in Điện
// Biên (Thái: Lò, Lường, Quàng, Cà, Tòng…; Hmông: Mùa, Giàng, Sùng, Vàng,
// Thào…; Kinh: Nguyễn, Trần, Lê, Phạm…).

var (
	thaiFamily  = []string{"Lò", "Lường", "Quàng", "Cà", "Tòng", "Lù", "Điêu", "Vì"}
	hmongFamily = []string{"Mùa", "Giàng", "Sùng", "Vàng", "Thào", "Lầu", "Hạng", "Lý", "Chang"}
	kinhFamily  = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng"}
	khmuFamily  = []string{"Quàng", "Lò", "Cà", "Vì", "Lù"}

	thaiMale    = []string{"Tám", "Sướng", "Khăm", "Ính", "Pọm", "Panh", "Xôm", "Hặc", "Biên", "Chum", "Thoan", "Pánh", "Xương", "Phanh"}
	thaiFemale  = []string{"Mai", "Ỏn", "Xoan", "Pâng", "Ánh", "Hương", "Lả", "Ín", "Bua", "Ngân", "Phương", "Thơm", "Inh", "Lường"}
	hmongMale   = []string{"Dế", "Sử", "Chứ", "Páo", "Lử", "Tủa", "Vừ", "Chá", "Say", "Khua", "Sình", "Dơ", "Pó", "Cở"}
	hmongFemale = []string{"Mỷ", "Sua", "Dua", "Chở", "Pàng", "Dợ", "Mai", "Sú", "Ly", "Máy", "Chía", "Kia", "Dính", "Dở"}
	kinhMiddleM = []string{"Văn", "Đức", "Minh", "Quang", "Xuân", "Ngọc"}
	kinhMiddleF = []string{"Thị", "Thị", "Thu", "Thanh", "Ngọc", "Hồng"}
	kinhMale    = []string{"Hùng", "Dũng", "Tuấn", "Minh", "Quang", "Thành", "Hải", "Nam", "Cường", "Long", "Sơn", "Tùng"}
	kinhFemale  = []string{"Hoa", "Lan", "Huyền", "Thủy", "Trang", "Ngọc", "Hạnh", "Linh", "Thảo", "Yến", "Nhung", "Hà"}

	villages = []string{"bản Huổi Lếch", "bản Nậm Pố", "bản Co Muông", "bản Pa Thơm", "bản Huổi Cắn", "bản Nà Pán",
		"bản Xá Nhè", "bản Huổi Sang", "bản Lọng Luông", "bản Tả Ló San", "bản Đề Pua", "bản Púng Bon", "bản Nậm Chua",
		"bản Phìn Hồ", "bản Huổi Thanh", "bản Sen Thượng", "bản Cang", "bản Mường Tỉnh", "bản Nà Sự", "bản Hua Ná"}
	relations = []string{"mẹ", "bố", "anh trai", "chị gái", "em trai", "bà nội", "trưởng bản"}

	chinaPlaces = []string{"thị trấn Hà Khẩu, tỉnh Vân Nam (Trung Quốc)", "thành phố Côn Minh, tỉnh Vân Nam (Trung Quốc)",
		"tỉnh Quảng Tây (Trung Quốc)", "tỉnh Hà Nam (Trung Quốc)", "tỉnh Sơn Đông (Trung Quốc)", "tỉnh Giang Tô (Trung Quốc)",
		"tỉnh Phúc Kiến (Trung Quốc)", "huyện Giang Thành, tỉnh Vân Nam (Trung Quốc)"}
	laosPlaces = []string{"tỉnh Phông Sa Lỳ (Lào)", "tỉnh Luông Nậm Thà (Lào)", "tỉnh U Đôm Xay (Lào)",
		"Đặc khu kinh tế Tam giác vàng, tỉnh Bokeo (Lào)", "thủ đô Viêng Chăn (Lào)"}
	recruiters = []string{"một phụ nữ tự xưng là Ly, khoảng 35 tuổi, nói giọng miền xuôi",
		"một người cùng bản đã đi làm ở Trung Quốc về", "một tài khoản Zalo tên \"Hoa Mai\"",
		"một nam thanh niên quen qua Facebook tên \"A Páo\"", "vợ chồng chủ một quán tạp hóa ở trung tâm xã",
		"một người đàn ông lạ đi xe máy biển số tỉnh khác", "một người họ hàng xa của gia đình"}
	nicknames = []string{"Việc nhẹ lương cao", "Tuyển gấp LĐ đi Lào", "Mai Anh Official", "Việc làm Vân Nam 24h",
		"Kiếm tiền online", "Hằng Nga", "Tuyển NV bán hàng"}
	gates = []string{"cửa khẩu quốc tế Tây Trang", "cửa khẩu Huổi Puốc", "cửa khẩu A Pa Chải – Long Phú",
		"cửa khẩu quốc tế Lào Cai"}
)

// gen builds the words of one item from the random source.
type gen struct {
	rng *rand.Rand
}

func (g gen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g gen) between(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

// person returns a realistic full name of the given sex, from a Thái, Hmông,
// Kinh or Khơ Mú family.
func (g gen) person(female bool) string {
	r := g.rng.IntN(100)
	switch {
	case r < 38: // Thái
		if female {
			return g.pick(thaiFamily) + " Thị " + g.pick(thaiFemale)
		}
		return g.pick(thaiFamily) + " Văn " + g.pick(thaiMale)
	case r < 75: // Hmông
		if female {
			return g.pick(hmongFamily) + " Thị " + g.pick(hmongFemale)
		}
		return g.pick(hmongFamily) + " A " + g.pick(hmongMale)
	case r < 95: // Kinh
		if female {
			return g.pick(kinhFamily) + " " + g.pick(kinhMiddleF) + " " + g.pick(kinhFemale)
		}
		return g.pick(kinhFamily) + " " + g.pick(kinhMiddleM) + " " + g.pick(kinhMale)
	default: // Khơ Mú
		if female {
			return g.pick(khmuFamily) + " Thị " + g.pick(thaiFemale)
		}
		return g.pick(khmuFamily) + " Văn " + g.pick(thaiMale)
	}
}

// phone returns a Vietnamese mobile number "09xx xxx xxx".
func (g gen) phone() string {
	prefixes := []string{"098", "097", "096", "086", "091", "094", "088", "035", "036", "037", "038", "039", "033", "034", "082"}
	return fmt.Sprintf("%s%d %03d %03d", g.pick(prefixes), g.rng.IntN(10), g.rng.IntN(1000), g.rng.IntN(1000))
}

// idNumber returns a 12-digit citizen ID of a person registered in Điện
// Biên (place code 011), born in the given year.
func (g gen) idNumber(female bool, born int) string {
	century := 0
	if born >= 2000 {
		century = 2
	}
	if female {
		century++
	}
	return fmt.Sprintf("011%d%02d%06d", century, born%100, g.rng.IntN(1000000))
}

func (g gen) money(lo, hi, step int) string {
	n := g.between(lo/step, hi/step) * step
	return fmt.Sprintf("%d triệu đồng", n)
}

// story is what a template writes: the summary body, the persons mentioned,
// and whether the events took place abroad (for the place fields); and, for
// the case and the victim files that may follow, who the story names.
type story struct {
	body    string
	persons string
	abroad  string // "CN" or "LA" when the place of the events is abroad

	victims   []figure // the persons harmed, as the story names them
	suspects  []figure // the suspects it names (a name may be only a given name)
	witnesses []figure // others it names (persons taken across the border …)
	others    int      // victims it counts without naming them
	home      bool     // the victim is already back (escaped, handed over)
	dest      string   // where the victim was taken: "CN", "LA"
	exploit   string   // HTCDS exploitation type
}

// figure is a person a story names.
type figure struct {
	name   string // full name; a given name alone when only that is known
	alias  bool   // name is only what the suspect called themselves
	age    int    // 0 unknown
	female bool
}

// tmpl is a summary template for one kind of trafficking-related information.
type tmpl struct {
	article string
	weight  func(r *receiver) int
	write   func(g gen, c scene) story
}

// scene is what a template may mention.
type scene struct {
	commune  string // "xã Mường Nhé"
	village  string
	on       ctip.Date // day of receipt
	post     string    // a border post's name, for patrol stories
	atBorder bool      // the receiving unit is a border post
}

func before(on ctip.Date, g gen, lo, hi int) string { return on.AddDays(-g.between(lo, hi)).Format() }

func flat(n int) func(*receiver) int { return func(*receiver) int { return n } }

func borderHeavy(base, border int) func(*receiver) int {
	return func(r *receiver) int {
		if r.kind == ctip.UnitBorderGuard {
			return border
		}
		return base
	}
}

var templates = []tmpl{
	{article: "150", weight: flat(14), write: func(g gen, c scene) story {
		v, age := g.person(true), g.between(16, 27)
		return story{
			body: fmt.Sprintf("%s (%d tuổi), trú tại %s, %s, được %s rủ sang %s làm công nhân nhà máy điện tử, hứa trả lương %s/tháng. "+
				"Ngày %s, %s rời nhà; đến nay gia đình không liên lạc được, có thông tin %s bị giữ giấy tờ và bị ép làm việc không được trả lương.",
				v, age, c.village, c.commune, g.pick(recruiters), g.pick(chinaPlaces), g.money(8, 15, 1), before(c.on, g, 5, 60), v, v),
			persons: fmt.Sprintf("Người bị hại: %s (%d tuổi). Đối tượng nghi vấn: người môi giới chưa rõ nhân thân.", v, age),
			victims: []figure{{name: v, age: age, female: true}}, dest: "CN", exploit: "ForcedLabour",
		}
	}},
	{article: "150", weight: flat(12), write: func(g gen, c scene) story {
		v, age := g.person(true), g.between(16, 24)
		s := story{
			body: fmt.Sprintf("%s (%d tuổi), %s, %s, đi chợ phiên cùng một nam thanh niên quen qua Zalo rồi mất liên lạc. "+
				"Ngày %s, %s gọi điện về bằng số điện thoại Trung Quốc, cho biết đã bị đưa sang %s, bị ép lấy chồng người địa phương và không có tiền để về.",
				v, age, c.village, c.commune, before(c.on, g, 1, 30), v, g.pick(chinaPlaces)),
			persons: fmt.Sprintf("Người bị hại: %s (%d tuổi). Đối tượng nghi vấn: nam thanh niên tự xưng tên Lử, khoảng 25 tuổi.", v, age),
			victims: []figure{{name: v, age: age, female: true}}, suspects: []figure{{name: "Lử", alias: true, age: 25}},
			dest: "CN", exploit: "ForcedMarriage",
		}
		if g.rng.IntN(4) == 0 {
			s.abroad = "CN"
		}
		return s
	}},
	{article: "151", weight: flat(8), write: func(g gen, c scene) story {
		female := g.rng.IntN(3) > 0
		v, age := g.person(female), g.between(11, 15)
		exploit := "ForcedMarriage"
		if !female {
			exploit = "ChildLabour"
		}
		return story{
			body: fmt.Sprintf("Cháu %s (%d tuổi), học sinh Trường PTDTBT THCS %s, bỏ học từ ngày %s. Người dân thấy cháu đi cùng một phụ nữ lạ "+
				"về hướng đường mòn biên giới; gia đình nghi cháu bị đưa sang Trung Quốc để bán.",
				v, age, strings.TrimPrefix(strings.TrimPrefix(c.commune, "xã "), "phường "), before(c.on, g, 2, 20)),
			persons: fmt.Sprintf("Người bị hại: cháu %s (%d tuổi). Đối tượng nghi vấn: phụ nữ khoảng 40 tuổi, chưa rõ nhân thân.", v, age),
			victims: []figure{{name: v, age: age, female: female}}, suspects: []figure{{age: 40, female: true}}, dest: "CN", exploit: exploit,
		}
	}},
	{article: "150", weight: flat(10), write: func(g gen, c scene) story {
		v, age := g.person(true), g.between(17, 23)
		s := story{
			body: fmt.Sprintf("Qua TikTok, %s (%d tuổi), %s, được tài khoản \"%s\" tuyển làm nhân viên bán hàng trực tuyến tại %s, thu nhập %s/tháng, được bao vé xe. "+
				"Sang đến nơi, %s bị thu điện thoại, bị ép làm việc lừa đảo qua mạng; gia đình bị đòi %s tiền chuộc.",
				v, age, c.commune, g.pick(nicknames), g.pick(laosPlaces), g.money(10, 20, 1), v, g.money(50, 200, 10)),
			persons: fmt.Sprintf("Người bị hại: %s (%d tuổi). Đối tượng nghi vấn: chủ tài khoản mạng xã hội tuyển dụng.", v, age),
			victims: []figure{{name: v, age: age, female: true}}, dest: "LA", exploit: "ForcedLabour",
		}
		if g.rng.IntN(3) == 0 {
			s.abroad = "LA"
		}
		return s
	}},
	{article: "150", weight: flat(6), write: func(g gen, c scene) story {
		v, age, k := g.person(false), g.between(18, 30), g.between(2, 6)
		body := fmt.Sprintf("Anh %s (%d tuổi) cùng %d thanh niên ở %s, %s được giới thiệu sang Đặc khu kinh tế Tam giác vàng (Bokeo, Lào) làm bảo vệ. "+
			"Tại đây các anh bị bán lại cho một công ty, bị đánh đập, ép làm việc 16 giờ mỗi ngày; anh %s trốn được về qua %s ngày %s.",
			v, age, k, c.village, c.commune, v, g.pick(gates), before(c.on, g, 1, 10))
		sus := g.person(false)
		return story{
			body:    body,
			persons: fmt.Sprintf("Người bị hại: %s (%d tuổi) và %d người khác. Đối tượng nghi vấn: %s.", v, age, k, sus),
			abroad:  "LA",
			victims: []figure{{name: v, age: age}}, suspects: []figure{{name: sus}}, others: k, home: true, dest: "LA", exploit: "ForcedLabour",
		}
	}},
	{article: "154", weight: flat(4), write: func(g gen, c scene) story {
		v, age := g.person(false), g.between(20, 40)
		return story{
			body: fmt.Sprintf("Anh %s (%d tuổi), %s, cho biết một tài khoản Facebook tên \"%s\" liên hệ đề nghị mua một quả thận với giá %s, "+
				"hẹn đưa sang %s để phẫu thuật, đã chuyển trước %s tiền \"đặt cọc\".",
				v, age, c.commune, g.pick(nicknames), g.money(200, 400, 50), g.pick(chinaPlaces), g.money(5, 20, 5)),
			persons:   fmt.Sprintf("Người liên quan: %s (%d tuổi). Đối tượng nghi vấn: chủ tài khoản mạng xã hội.", v, age),
			witnesses: []figure{{name: v, age: age}}, home: true, dest: "CN", exploit: "OrganRemoval",
		}
	}},
	{article: "348", weight: borderHeavy(8, 30), write: func(g gen, c scene) story {
		k, guide := g.between(3, 12), g.person(false)
		dest := "Trung Quốc"
		if g.rng.IntN(3) == 0 {
			dest = "Lào"
		}
		who, said := "Có", "Theo người báo tin, %s được"
		if c.atBorder {
			who, said = "Tổ công tác "+c.post+" phát hiện", "Tại chỗ, %s khai được"
		}
		body := fmt.Sprintf("%s %d công dân trú tại %s đang được %s dẫn đường qua lối mở gần %s để sang %s làm thuê. ",
			who, k, c.commune, guide, c.village, dest) +
			fmt.Sprintf(said, guide) + fmt.Sprintf(" một người ở bên kia biên giới trả %s cho mỗi người đưa qua.", g.money(1, 5, 1))
		w1, w2 := g.person(true), g.person(false)
		return story{
			body:      body,
			persons:   fmt.Sprintf("Đối tượng: %s (người dẫn đường). Những người được đưa đi: %s, %s và %d người khác.", guide, w1, w2, k-2),
			suspects:  []figure{{name: guide}},
			witnesses: []figure{{name: w1, female: true}, {name: w2}},
		}
	}},
	{article: "349", weight: flat(10), write: func(g gen, c scene) story {
		k := g.between(4, 15)
		body := fmt.Sprintf("Một nhóm đối tượng thu của %d người dân %s mỗi người %s để đưa sang %s qua đường mòn và bố trí ở lại làm việc trái phép; "+
			"hiện nhiều người bị giữ lại nơi làm việc và buộc nộp thêm tiền mới được về.",
			k, c.commune, g.money(15, 40, 5), g.pick(chinaPlaces))
		s1, s2, w1 := g.person(false), g.person(true), g.person(false)
		return story{
			body:     body,
			persons:  fmt.Sprintf("Đối tượng nghi vấn: %s, %s. Người bị đưa đi: %s và %d người khác.", s1, s2, w1, k-1),
			suspects: []figure{{name: s1}, {name: s2, female: true}}, witnesses: []figure{{name: w1}},
		}
	}},
	{article: "151", weight: flat(4), write: func(g gen, c scene) story {
		v, age := g.person(true), g.between(18, 26)
		return story{
			body: fmt.Sprintf("%s (%d tuổi), %s, đang mang thai tháng thứ tám, được một phụ nữ hứa trả %s nếu sang %s sinh con và để lại con cho người khác nuôi.",
				v, age, c.commune, g.money(30, 80, 10), g.pick(chinaPlaces)),
			persons:   fmt.Sprintf("Người liên quan: %s (%d tuổi). Đối tượng nghi vấn: phụ nữ tự xưng tên Lan.", v, age),
			witnesses: []figure{{name: v, age: age, female: true}}, suspects: []figure{{name: "Lan", alias: true, female: true}},
			dest: "CN", exploit: "ForcedAdoption",
		}
	}},
	{article: "153", weight: flat(3), write: func(g gen, c scene) story {
		female := g.rng.IntN(2) == 0
		v, age := g.person(female), g.between(3, 12)
		body := fmt.Sprintf("Cháu %s (%d tuổi) bị một người quen của gia đình đưa khỏi %s từ ngày %s; đối tượng gọi điện đòi gia đình %s mới trả cháu.",
			v, age, c.village, before(c.on, g, 1, 5), g.money(20, 100, 10))
		sus := g.person(false)
		return story{
			body:    body,
			persons: fmt.Sprintf("Người bị hại: cháu %s (%d tuổi). Đối tượng: %s.", v, age, sus),
			victims: []figure{{name: v, age: age, female: female}}, suspects: []figure{{name: sus}}, home: true,
		}
	}},
	{article: "347", weight: borderHeavy(1, 8), write: func(g gen, c scene) story {
		nat := "Trung Quốc"
		if g.rng.IntN(2) == 0 {
			nat = "Lào"
		}
		return story{
			body: fmt.Sprintf("Tổ tuần tra phát hiện %d người quốc tịch %s không có giấy tờ, nhập cảnh trái phép qua lối mở tại %s.",
				g.between(2, 6), nat, c.commune),
			persons: "Những người nhập cảnh trái phép chưa xác định được nhân thân.",
		}
	}},
	{article: "350", weight: flat(1), write: func(g gen, c scene) story {
		v := g.person(false)
		body := fmt.Sprintf("Anh %s, %s, cho biết bị chủ nợ đe dọa, ép phải trốn sang Lào làm thuê để trả khoản nợ %s.", v, c.commune, g.money(30, 120, 10))
		sus := g.person(false)
		return story{
			body:    body,
			persons: fmt.Sprintf("Người bị hại: %s. Đối tượng: chủ nợ %s.", v, sus),
			victims: []figure{{name: v}}, suspects: []figure{{name: sus}}, home: true,
		}
	}},
	{article: "other", weight: flat(5), write: func(g gen, c scene) story {
		v := g.person(true)
		body := fmt.Sprintf("Chị %s, %s, cho biết bị một người nhận %s \"phí hồ sơ\" hứa đưa đi xuất khẩu lao động tại Hàn Quốc rồi cắt liên lạc; nghi có dấu hiệu mua bán người.",
			v, c.commune, g.money(30, 90, 10))
		sus := g.person(false)
		return story{
			body:    body,
			persons: fmt.Sprintf("Người bị hại: %s. Đối tượng: %s.", v, sus),
			victims: []figure{{name: v, female: true}}, suspects: []figure{{name: sus}}, home: true,
		}
	}},
}

// handover is the story of victims handed back by a foreign authority.
func handoverStory(g gen, c scene, country string) story {
	v, age, k := g.person(true), g.between(16, 28), g.between(1, 5)
	place, gate := g.pick(chinaPlaces), "cửa khẩu quốc tế Lào Cai"
	if country == "LA" {
		place, gate = g.pick(laosPlaces), "cửa khẩu quốc tế Tây Trang"
	}
	return story{
		body: fmt.Sprintf("Ngày %s, phía bạn trao trả qua %s %d công dân Việt Nam là nạn nhân bị mua bán, trong đó có %s (%d tuổi), trú tại %s. "+
			"Các nạn nhân khai bị lừa sang %s làm việc rồi bị bán cho người khác.", before(c.on, g, 0, 2), gate, k, v, age, c.commune, place),
		persons: fmt.Sprintf("Người bị hại: %s (%d tuổi) và %d người khác.", v, age, k-1),
		abroad:  country,
		victims: []figure{{name: v, age: age, female: true}}, others: k - 1, home: true, dest: country, exploit: "ForcedMarriage",
	}
}

// Offence names for decision notes (Penal Code articles).
var offenceNames = map[string]string{
	"150":   "Mua bán người (Điều 150 BLHS)",
	"151":   "Mua bán người dưới 16 tuổi (Điều 151 BLHS)",
	"153":   "Chiếm đoạt người dưới 16 tuổi (Điều 153 BLHS)",
	"154":   "Mua bán, chiếm đoạt mô hoặc bộ phận cơ thể người (Điều 154 BLHS)",
	"347":   "Vi phạm quy định về xuất cảnh, nhập cảnh; tội ở lại Việt Nam trái phép (Điều 347 BLHS)",
	"348":   "Tổ chức, môi giới cho người khác xuất cảnh, nhập cảnh hoặc ở lại Việt Nam trái phép (Điều 348 BLHS)",
	"349":   "Tổ chức, môi giới cho người khác trốn đi nước ngoài hoặc ở lại nước ngoài trái phép (Điều 349 BLHS)",
	"350":   "Cưỡng ép người khác trốn đi nước ngoài hoặc ở lại nước ngoài trái phép (Điều 350 BLHS)",
	"other": "Lừa đảo chiếm đoạt tài sản (Điều 174 BLHS)",
}

// Share of prosecutions among decisions, by article.
var prosecuteRate = map[string]int{"150": 50, "151": 55, "153": 40, "154": 35, "347": 50, "348": 60, "349": 50, "350": 30, "other": 15}

var verifyNotes = []string{
	"Lấy lời khai người báo tin và thân nhân người bị hại",
	"Làm việc với Công an %s xác minh nhân thân, lai lịch của đối tượng",
	"Xác minh tại UBND %s về nơi cư trú của người bị hại",
	"Phối hợp Đồn Biên phòng xác minh việc xuất cảnh qua đường mòn, lối mở",
	"Đề nghị Phòng Quản lý xuất nhập cảnh cung cấp thông tin xuất nhập cảnh của người bị hại",
	"Thu thập dữ liệu tài khoản mạng xã hội của đối tượng (có văn bản đề nghị nhà mạng)",
	"Đề nghị ngân hàng cung cấp sao kê tài khoản nhận tiền",
	"Ghi lời khai người bị hại sau khi được giải cứu, trao trả",
	"Tổ chức cho người bị hại nhận dạng đối tượng qua ảnh",
	"Đề nghị tương trợ tư pháp qua Cục Hợp tác quốc tế – Bộ Công an",
	"Phối hợp Hội Liên hiệp Phụ nữ xã và Sở Y tế tiếp nhận, hỗ trợ ban đầu cho người bị hại",
	"Trưng cầu giám định độ tuổi của người bị hại",
	"Xác minh nơi làm việc được hứa hẹn; không có doanh nghiệp như đối tượng giới thiệu",
	"Triệu tập đối tượng nghi vấn để làm việc",
}

// exitOffences are the exit/entry offences, whose verification differs.
var exitOffences = map[string]bool{"347": true, "348": true, "349": true, "350": true}

var exitNotes = []string{
	"Lấy lời khai người báo tin",
	"Làm việc với Công an %s xác minh nhân thân, lai lịch của đối tượng",
	"Phối hợp Đồn Biên phòng xác minh việc xuất cảnh qua đường mòn, lối mở",
	"Đề nghị Phòng Quản lý xuất nhập cảnh cung cấp thông tin xuất nhập cảnh",
	"Lấy lời khai những người được đưa đi hoặc bị phát hiện",
	"Đề nghị ngân hàng cung cấp sao kê tài khoản nhận tiền",
	"Triệu tập đối tượng nghi vấn để làm việc",
	"Xác minh tại UBND %s về nơi cư trú của những người liên quan",
}

var notProsecuteNotes = map[string]string{
	"no_crime_event":     "Kết quả xác minh: người được trình báo tự đi làm thuê, vẫn liên lạc với gia đình, không có sự việc phạm tội",
	"not_a_crime":        "Hành vi không cấu thành tội phạm; chuyển xử lý vi phạm hành chính",
	"under_age":          "Người thực hiện hành vi chưa đến tuổi chịu trách nhiệm hình sự",
	"already_judged":     "Hành vi đã được giải quyết bằng bản án có hiệu lực pháp luật",
	"limitation_expired": "Đã hết thời hiệu truy cứu trách nhiệm hình sự",
	"offender_dead":      "Người thực hiện hành vi đã chết",
}

var suspendNotes = map[string]string{
	"expert_pending":    "Đã có văn bản đề nghị tương trợ tư pháp gửi phía bạn, chưa có kết quả",
	"documents_pending": "Đã yêu cầu cung cấp tài liệu có ý nghĩa quyết định, chưa nhận được",
	"force_majeure":     "Mưa lũ, sạt lở làm chia cắt giao thông, không thể tiến hành xác minh",
}
