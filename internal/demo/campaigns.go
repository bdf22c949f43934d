package demo

import (
	"context"
	"fmt"
	"math"
	"time"

	"ctip"
	"ctip/internal/casefile"
)

// campaignPlan is a peak enforcement campaign (đợt cao điểm), recorded by
// the provincial police's leader some days before it starts, with targets
// close to what the province then achieves.
type campaignPlan struct {
	in casefile.CampaignInput
	at time.Time
}

// planCampaigns plans the yearly peak of 1 July – 30 September (the
// provincial plan's "cao điểm tấn công trấn áp tội phạm mua bán người",
// 1/7–30/9/2022) of every year whose peak starts within the demo's two years.
func (l *loader) planCampaigns(plans []*plan, cases []*casePlan) []*campaignPlan {
	var out []*campaignPlan
	first := ctip.DateOf(l.start).AddDays(20)
	for y := l.start.Year(); y <= l.end.Year(); y++ {
		starts, ends := ctip.NewDate(y, 7, 1), ctip.NewDate(y, 9, 30)
		if starts.Before(first) || starts.After(l.lastDay) {
			continue
		}
		name := fmt.Sprintf("Cao điểm tấn công, trấn áp tội phạm mua bán người năm %d (01/7–30/9/%d)", y, y)
		if y == 2022 {
			name = "Cao điểm tấn công trấn áp tội phạm mua bán người trên phạm vi toàn tỉnh (01/7/2022–30/9/2022)"
		}
		in := casefile.CampaignInput{Name: name, StartsOn: starts, EndsOn: ends,
			Description: "Thực hiện Kế hoạch của UBND tỉnh về phòng, chống mua bán người: mở cao điểm tấn công trấn áp tội phạm mua bán người trên phạm vi toàn tỉnh; " +
				"thống nhất xác định các vụ án trọng điểm để truy tố, xét xử kịp thời, nghiêm minh; tiếp nhận, giải cứu, hỗ trợ nạn nhân."}
		in.Targets = l.campaignTargets(plans, cases, starts, ends)
		d := l.work(starts.AddDays(-10-l.crng.IntN(10)), first, starts)
		at := time.Date(d.Year, d.Month, d.Day, 8, 0, 0, 0, ctip.Vietnam).Add(time.Duration(l.crng.IntN(420)) * time.Minute).UTC()
		if at.Before(l.start) || !at.Before(l.end.Add(-time.Hour)) {
			continue
		}
		out = append(out, &campaignPlan{in: in, at: at})
	}
	return out
}

// campaignTargets sets targets near what the plan achieves in the window
// (pro rata for a campaign still running).
func (l *loader) campaignTargets(plans []*plan, cases []*casePlan, from, to ctip.Date) casefile.Tally {
	in := func(d ctip.Date) bool { return !d.Before(from) && !d.After(to) }
	var t casefile.Tally
	for _, p := range plans {
		if in(ctip.DateOf(p.in.ReceivedAt)) {
			t.Intake++
		}
	}
	for _, cp := range cases {
		if in(cp.d0) {
			t.Cases++
			if cp.ring {
				t.Rings++
			}
		}
		for _, a := range cp.accused {
			if in(a.charged) {
				t.Accused++
			}
		}
		for _, pt := range cp.parties {
			if pt.rescued && in(pt.back) {
				t.Rescued++
			}
		}
	}
	scale := 1.0
	if to.After(l.lastDay) {
		scale = float64(from.DaysUntil(to)+1) / float64(max(1, from.DaysUntil(l.lastDay)+1))
	}
	target := func(n int) int {
		f := float64(n) * scale * (0.85 + 0.35*l.crng.Float64())
		return max(1, int(math.Round(f)))
	}
	return casefile.Tally{Intake: target(t.Intake), Cases: target(t.Cases), Accused: target(t.Accused), Rings: target(t.Rings), Rescued: target(t.Rescued)}
}

func (l *loader) campaignTrack(c *campaignPlan, idx int) *track {
	return &track{idx: idx, kind: kindCampaign, label: "campaign " + c.in.Name, steps: []tstep{{at: c.at, name: "campaign", by: "lanhdaocat",
		do: func(ctx context.Context) error {
			_, err := l.d.Cases.CreateCampaign(ctx, c.in)
			return err
		}}}}
}
