package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"
)

// bodies makes valid, varied POST /api/v1/intake bodies (about 0.6 kB of
// JSON, Vietnamese text as an intake officer would type it).
type bodies struct {
	rng *rand.Rand
	n   int
}

func newBodies(seed uint64) *bodies { return &bodies{rng: rand.New(rand.NewPCG(seed, 0x6c6f6164))} }

// Communes of Điện Biên (province 11) in the 2025 list.
var communes = []string{"03127", "03151", "03158", "03160", "03162", "03163", "03164", "03166", "03169", "03172", "03175", "03176"}

var (
	offences = []string{"150", "151", "153", "154", "347", "348", "349", "350", "other"}
	channels = []string{"hotline", "walk_in", "letter", "online", "referral", "foreign_handover"}
	names    = []string{"Lò Thị Mai", "Quàng Văn Thắng", "Vàng A Sử", "Giàng Thị Dợ", "Lường Văn Hải", "Cà Thị Xuân", "Sùng A Páo", "Tòng Thị Phương"}
	orgs     = []string{"UBND xã Mường Nhé", "Đồn Biên phòng A Pa Chải", "Báo Điện Biên Phủ", "Trường THCS Sín Thầu", "Hội Liên hiệp Phụ nữ tỉnh"}
	stories  = []string{
		"Người báo tin cho biết con gái 17 tuổi đã rời nhà cùng một người đàn ông lạ hứa hẹn việc làm lương cao ở Trung Quốc, từ ba ngày nay không liên lạc được.",
		"Phát hiện một nhóm năm phụ nữ được đưa qua đường mòn biên giới vào ban đêm, có dấu hiệu bị lừa bán sang Trung Quốc làm vợ.",
		"Một thanh niên bị dụ sang Campuchia làm việc tại cơ sở đánh bạc trực tuyến, gia đình bị yêu cầu chuyển tiền chuộc.",
		"Trên mạng xã hội có tài khoản đăng tin tuyển lao động nữ đi Lào, yêu cầu nộp giấy tờ tùy thân và đặt cọc.",
		"Cháu bé 14 tuổi được người quen đưa đi khỏi bản, gia đình nghi bị bán sang bên kia biên giới.",
	}
)

func (b *bodies) pick(xs []string) string { return xs[b.rng.IntN(len(xs))] }

// next returns the next body.
func (b *bodies) next() []byte {
	b.n++
	r := b.rng
	body := map[string]any{
		"channel":         b.pick(channels),
		"received_at":     time.Now().Add(-time.Duration(r.IntN(72*60)) * time.Minute).Format(time.RFC3339),
		"summary":         fmt.Sprintf("%s (Tin số %d)", b.pick(stories), b.n),
		"commune_code":    b.pick(communes),
		"offence_article": b.pick(offences),
	}
	switch n := r.IntN(10); {
	case n < 6:
		body["kind"] = "denunciation"
		if r.IntN(4) == 0 {
			body["reporter"] = map[string]any{"anonymous": true}
		} else {
			body["reporter"] = map[string]any{"name": b.pick(names), "phone": fmt.Sprintf("09%08d", r.IntN(1e8)),
				"address": "Bản Nậm Pố, " + "xã Mường Nhé"}
			body["persons"] = "Một người đàn ông khoảng 30 tuổi, nói tiếng Mông, đi xe máy Wave màu đỏ."
		}
	case n < 9:
		body["kind"] = "report"
		body["reporter"] = map[string]any{"organisation": b.pick(orgs), "name": b.pick(names)}
	default:
		body["kind"] = "petition"
		body["reporter"] = map[string]any{"organisation": "Viện kiểm sát nhân dân huyện Mường Nhé"}
	}
	out, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	return out
}
