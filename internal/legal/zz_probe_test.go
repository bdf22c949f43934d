package legal

import "testing"

func TestProbe(t *testing.T) {
	for y := 1984; y <= 2041; y++ {
		v, _ := lunarToSolar(1, 1, y, false, vnOffsetDays)
		c, _ := lunarToSolar(1, 1, y, false, 8.0/24)
		h, _ := lunarToSolar(10, 3, y, false, vnOffsetDays)
		mark := ""
		if v != c {
			mark = "  <-- differs"
		}
		t.Logf("%d VN %s CN %s Hung %s%s", y, v, c, h, mark)
	}
}
