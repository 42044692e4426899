// Package probe runs the minion's offline diagnostic probes concurrently.
// Probes never touch the network or the clock: each one carries a fixed
// cost budget that is reported in place of a measured latency, so results
// are identical from run to run.
package probe

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// Probe is a single named check.
type Probe struct {
	Name   string
	Budget time.Duration
	Run    func() (string, error)
}

// Result is the outcome of one probe.
type Result struct {
	Name   string
	OK     bool
	Detail string
	Budget time.Duration
}

func (r Result) String() string {
	status := "ok"
	if !r.OK {
		status = "FAIL"
	}
	return fmt.Sprintf("%s: %s (%s) [%s]", r.Name, status, r.Detail, r.Budget)
}

// RunAll runs every probe in its own goroutine and returns the results
// sorted by name, independent of the order in which the goroutines finish.
func RunAll(probes []Probe) []Result {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		results = make([]Result, 0, len(probes))
	)
	for _, p := range probes {
		wg.Add(1)
		go func(p Probe) {
			defer wg.Done()
			r := Result{Name: p.Name, Budget: p.Budget}
			detail, err := p.Run()
			if err != nil {
				r.Detail = err.Error()
			} else {
				r.OK, r.Detail = true, detail
			}
			mu.Lock()
			results = append(results, r)
			mu.Unlock()
		}(p)
	}
	wg.Wait()
	sort.Slice(results, func(i, j int) bool { return results[i].Name < results[j].Name })
	return results
}

// TotalBudget sums the budgets of results.
func TotalBudget(results []Result) time.Duration {
	var d time.Duration
	for _, r := range results {
		d += r.Budget
	}
	return d
}
