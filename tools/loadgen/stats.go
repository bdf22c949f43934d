package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// result is one measurement: latencies of the successful requests and the
// failures by cause.
type result struct {
	path    string
	elapsed time.Duration
	lat     []time.Duration
	errs    map[string]int
	nerr    int
}

// drive runs c workers in a closed loop: warm-up (not recorded), then d of
// measurement. Each worker has its own body generator.
func drive(ctx context.Context, c int, warm, d time.Duration, do func(ctx context.Context, w int, b *bodies) (int, error)) (*result, error) {
	var measuring atomic.Bool
	stopAt := time.Now().Add(warm + d)
	ctx, cancel := context.WithDeadline(ctx, stopAt.Add(30*time.Second))
	defer cancel()
	type part struct {
		lat  []time.Duration
		errs map[string]int
	}
	parts := make([]part, c)
	var wg sync.WaitGroup
	var start time.Time
	var end atomic.Int64
	for w := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := newBodies(uint64(w + 1))
			p := &parts[w]
			p.errs = map[string]int{}
			for {
				t0 := time.Now()
				if !t0.Before(stopAt) || ctx.Err() != nil {
					return
				}
				_, err := do(ctx, w, b)
				dt := time.Since(t0)
				if !measuring.Load() {
					continue
				}
				if err != nil {
					p.errs[short(err)]++
					continue
				}
				p.lat = append(p.lat, dt)
				end.Store(time.Now().UnixNano())
			}
		}()
	}
	if warm > 0 {
		select {
		case <-time.After(warm):
		case <-ctx.Done():
		}
	}
	start = time.Now()
	measuring.Store(true)
	wg.Wait()
	// The measured window ends at the deadline; requests started before it
	// and finished after it count (closed loop), so the window is stretched
	// to the last completion.
	elapsed := stopAt.Sub(start)
	if e := time.Unix(0, end.Load()); e.After(stopAt) {
		elapsed = e.Sub(start)
	}
	res := &result{elapsed: elapsed, errs: map[string]int{}}
	for _, p := range parts {
		res.lat = append(res.lat, p.lat...)
		for k, v := range p.errs {
			res.errs[k] += v
			res.nerr += v
		}
	}
	if err := ctx.Err(); err != nil && len(res.lat) == 0 {
		return nil, err
	}
	return res, nil
}

// driveN runs n requests spread over c workers.
func driveN(ctx context.Context, c, n int, do func(ctx context.Context, w int) (int, error)) (*result, error) {
	var next atomic.Int64
	var mu sync.Mutex
	res := &result{errs: map[string]int{}}
	var wg sync.WaitGroup
	t0 := time.Now()
	for w := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			errs := map[string]int{}
			for next.Add(1) <= int64(n) && ctx.Err() == nil {
				s := time.Now()
				_, err := do(ctx, w)
				if err != nil {
					errs[short(err)]++
					continue
				}
				lat = append(lat, time.Since(s))
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			for k, v := range errs {
				res.errs[k] += v
				res.nerr += v
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(t0)
	return res, ctx.Err()
}

func short(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && strings.HasPrefix(s[i+2:], "status") {
		return s[i+2:]
	}
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}

// pct returns the p-th percentile (nearest rank) of sorted latencies.
func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p/100*float64(len(sorted))+0.999999) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

// print writes a human summary and the RESULT line.
func (r *result) print(mode, label string, clients int) {
	slices.Sort(r.lat)
	ok := len(r.lat)
	rps := float64(ok) / r.elapsed.Seconds()
	p50, p95, p99 := pct(r.lat, 50), pct(r.lat, 95), pct(r.lat, 99)
	var mx time.Duration
	if ok > 0 {
		mx = r.lat[ok-1]
	}
	what := mode
	if r.path != "" {
		what += " " + r.path
	}
	fmt.Printf("%s [%s], %d clients, %.1fs: %d ok, %d errors, %.0f req/s; latency p50 %s ms, p95 %s ms, p99 %s ms, max %s ms\n",
		what, label, clients, r.elapsed.Seconds(), ok, r.nerr, rps, ms(p50), ms(p95), ms(p99), ms(mx))
	if r.nerr > 0 {
		keys := make([]string, 0, len(r.errs))
		for k := range r.errs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf("  error %q × %d\n", k, r.errs[k])
		}
	}
	line := fmt.Sprintf("RESULT mode=%s label=%s clients=%d seconds=%.1f ok=%d errors=%d rps=%.1f p50_ms=%s p95_ms=%s p99_ms=%s max_ms=%s",
		mode, label, clients, r.elapsed.Seconds(), ok, r.nerr, rps, ms(p50), ms(p95), ms(p99), ms(mx))
	if r.path != "" {
		line += " path=" + r.path
	}
	fmt.Println(line)
}
