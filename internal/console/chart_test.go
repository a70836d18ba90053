package console

import (
	"strings"
	"testing"
	"time"
)

func TestNiceMax(t *testing.T) {
	tests := []struct{ max, top, step int }{
		{0, 4, 1}, {3, 4, 1}, {4, 4, 1}, {5, 6, 2}, {9, 10, 5}, {17, 20, 5}, {99, 100, 25}, {101, 150, 50}, {1234, 1500, 500},
	}
	for _, tt := range tests {
		top, step := niceMax(tt.max)
		if top != tt.top || step != tt.step {
			t.Errorf("niceMax(%d) = %d, %d; want %d, %d", tt.max, top, step, tt.top, tt.step)
		}
		if top < tt.max || top%step != 0 {
			t.Errorf("niceMax(%d) = %d, %d: not a round bound above the max", tt.max, top, step)
		}
	}
}

func TestChartSVG(t *testing.T) {
	days := func(n int) []time.Time {
		out := make([]time.Time, n)
		for i := range out {
			out[i] = time.Date(2026, 11, 1+i, 0, 0, 0, 0, time.UTC)
		}
		return out
	}
	tests := []struct {
		name      string
		c         chart
		want, not []string
	}{
		{"no days", chart{ID: "c"}, nil, []string{"<svg"}},
		{"one day", chart{ID: "c", Days: days(1), Series: []series{{Name: "a", Values: []int{2}, Color: "#000"}}},
			[]string{`<g class="series" data-profile="a">`, `cx="380.0"`}, nil},
		{"a hostile name", chart{ID: "c", Title: "<b>t</b>", Days: days(2), Series: []series{{Name: `"><script>x</script>`, Values: []int{1, 2}}}},
			[]string{"&lt;b&gt;t&lt;/b&gt;", "&lt;script&gt;"}, []string{"<script>", "<b>t"}},
		{"feedback", chart{ID: "c", Days: days(2), Series: []series{{Name: "a", Values: []int{1, 2}}}, Feedback: []FeedbackDay{{1, 0}, {0, 3}}},
			[]string{`class="fb-pos"`, "feedback, Mon 2 Nov: 0 for, 3 against", `class="axis y2"`}, nil},
		{"feedback of the wrong length is left out", chart{ID: "c", Days: days(2), Series: []series{{Name: "a", Values: []int{1, 2}}}, Feedback: []FeedbackDay{{1, 0}}},
			nil, []string{`class="fb-pos"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(tt.c.svg())
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("svg lacks %q:\n%s", w, got)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("svg has %q", n)
				}
			}
		})
	}
}

func TestSparkline(t *testing.T) {
	tests := []struct {
		name   string
		values []int
		want   []string
	}{
		{"silent", []int{0, 0, 0}, []string{`class="spark silent"`, `points="1.0,26.0 60.0,26.0 119.0,26.0"`}},
		{"busy", []int{0, 2, 4}, []string{`class="spark"`, `points="1.0,26.0 60.0,14.0 119.0,2.0"`}},
		{"one day", []int{3}, []string{`cx="60.0"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(sparkline{Values: tt.values, Label: "l"}.svg())
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("sparkline lacks %q:\n%s", w, got)
				}
			}
		})
	}
	if (sparkline{}).svg() != "" {
		t.Error("an empty sparkline draws something")
	}
}
