package console

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"
)

// The console's charts are SVG built on the server: a line chart of counts
// per day with one series per profile (and reader feedback as bars behind
// them), and the sparklines of the feeds page. Names go through
// html/template, so a profile name cannot become markup.

// palette colours the series, in order; it repeats past its end. The colours
// are Tableau's ten, which stay apart for most colour-blind readers.
var palette = []string{"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"}

// series is one line of a chart.
type series struct {
	Name   string
	Values []int
	Color  string
}

// Total is the sum of the series' values.
func (s series) Total() int { return sum(s.Values) }

// chart is a line chart of counts per day.
type chart struct {
	// ID prefixes the element IDs, unique on the page.
	ID string
	// Title and Desc label the chart for screen readers; Title shows.
	Title, Desc string
	// Days are the days of the values, in order.
	Days   []time.Time
	Series []series
	// Feedback, when set, has one entry per day, drawn as bars.
	Feedback []FeedbackDay
}

// Chart geometry, in SVG user units; the SVG scales to its box.
const (
	chartW, chartH                       = 760, 300
	padLeft, padRight, padTop, padBottom = 44, 44, 14, 34
)

// point is a position in the SVG.
type point struct{ X, Y float64 }

// chartView is what the chart template draws.
type chartView struct {
	chart
	W, H            int
	Left, Right     float64
	Top, Bottom     float64
	YTicks, FBTicks []tick
	XTicks          []tick
	Lines           []lineView
	Bars            []barView
	HasFeedback     bool
}

type tick struct {
	At    float64
	Label string
}

type lineView struct {
	series
	Points string
	Dots   []dotView
}

type dotView struct {
	point
	Label string
}

type barView struct {
	X, W          float64
	PosY, PosH    float64
	NegY, NegH    float64
	Label         string
	Positive, Neg int
}

// niceMax returns a round upper bound for an axis whose largest value is
// max, and the step between its ticks (about four of them).
func niceMax(max int) (top, step int) {
	if max <= 4 {
		return 4, 1
	}
	raw := float64(max) / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m == 2.5 && mag < 10 {
			continue // a step of 2.5 only where it is a whole number
		}
		if s := m * mag; s >= raw {
			step = int(math.Ceil(s))
			break
		}
	}
	top = (max + step - 1) / step * step
	return top, step
}

// svg draws the chart.
func (c chart) svg() template.HTML {
	v := chartView{chart: c, W: chartW, H: chartH,
		Left: padLeft, Right: chartW - padRight, Top: padTop, Bottom: chartH - padBottom}
	n := len(c.Days)
	if n == 0 {
		return ""
	}
	x := func(i int) float64 {
		if n == 1 {
			return (v.Left + v.Right) / 2
		}
		return v.Left + float64(i)*(v.Right-v.Left)/float64(n-1)
	}
	most := 0
	for _, s := range c.Series {
		for _, val := range s.Values {
			most = max(most, val)
		}
	}
	top, step := niceMax(most)
	y := func(val int) float64 { return v.Bottom - float64(val)/float64(top)*(v.Bottom-v.Top) }
	for t := 0; t <= top; t += step {
		v.YTicks = append(v.YTicks, tick{At: y(t), Label: strconv.Itoa(t)})
	}
	for i, d := range c.Days {
		if (n-1-i)%7 == 0 {
			v.XTicks = append(v.XTicks, tick{At: x(i), Label: d.Format("2 Jan")})
		}
	}
	for _, s := range c.Series {
		l := lineView{series: s}
		var pts []string
		for i, val := range s.Values {
			p := point{x(i), y(val)}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", p.X, p.Y))
			l.Dots = append(l.Dots, dotView{point: p, Label: fmt.Sprintf("%s, %s: %d", s.Name, c.Days[i].Format("Mon 2 Jan"), val)})
		}
		l.Points = strings.Join(pts, " ")
		v.Lines = append(v.Lines, l)
	}
	if len(c.Feedback) == n {
		most := 0
		for _, f := range c.Feedback {
			most = max(most, f.Positive+f.Negative)
		}
		v.HasFeedback = true
		ftop, fstep := niceMax(most)
		fy := func(val int) float64 { return float64(val) / float64(ftop) * (v.Bottom - v.Top) }
		for t := 0; t <= ftop; t += fstep {
			v.FBTicks = append(v.FBTicks, tick{At: v.Bottom - fy(t), Label: strconv.Itoa(t)})
		}
		w := (v.Right - v.Left) / float64(max(n, 2)) * 0.6
		for i, f := range c.Feedback {
			ph, nh := fy(f.Positive), fy(f.Negative)
			v.Bars = append(v.Bars, barView{X: x(i) - w/2, W: w,
				PosY: v.Bottom - ph, PosH: ph, NegY: v.Bottom - ph - nh, NegH: nh,
				Positive: f.Positive, Neg: f.Negative,
				Label: fmt.Sprintf("feedback, %s: %d for, %d against", c.Days[i].Format("Mon 2 Jan"), f.Positive, f.Negative)})
		}
	}
	var buf bytes.Buffer
	if err := chartTemplate.Execute(&buf, v); err != nil {
		// The template is fixed and its data plain; a failure is a bug.
		panic(fmt.Sprintf("console: chart template: %v", err))
	}
	return template.HTML(buf.String())
}

var chartTemplate = template.Must(template.New("chart").Funcs(template.FuncMap{
	"add": func(a, b float64) float64 { return a + b },
	"sub": func(a, b float64) float64 { return a - b },
}).Parse(`<svg class="chart" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-labelledby="{{.ID}}-title {{.ID}}-desc" xmlns="http://www.w3.org/2000/svg">
<title id="{{.ID}}-title">{{.Title}}</title>
<desc id="{{.ID}}-desc">{{.Desc}}</desc>
<g class="grid">{{range .YTicks}}
<line x1="{{$.Left}}" x2="{{$.Right}}" y1="{{printf "%.1f" .At}}" y2="{{printf "%.1f" .At}}"/>{{end}}
</g>
<g class="axis y" aria-hidden="true">{{range .YTicks}}
<text x="{{printf "%.1f" (sub $.Left 8)}}" y="{{printf "%.1f" .At}}" dy="0.32em" text-anchor="end">{{.Label}}</text>{{end}}
</g>
{{if .HasFeedback}}<g class="feedback">{{range .Bars}}
<g><title>{{.Label}}</title><rect class="fb-pos" x="{{printf "%.1f" .X}}" y="{{printf "%.1f" .PosY}}" width="{{printf "%.1f" .W}}" height="{{printf "%.1f" .PosH}}"/><rect class="fb-neg" x="{{printf "%.1f" .X}}" y="{{printf "%.1f" .NegY}}" width="{{printf "%.1f" .W}}" height="{{printf "%.1f" .NegH}}"/></g>{{end}}
</g>
<g class="axis y2" aria-hidden="true">{{range .FBTicks}}
<text x="{{printf "%.1f" (add $.Right 8)}}" y="{{printf "%.1f" .At}}" dy="0.32em" text-anchor="start">{{.Label}}</text>{{end}}
</g>{{end}}
<g class="axis x" aria-hidden="true">
<line x1="{{$.Left}}" x2="{{$.Right}}" y1="{{$.Bottom}}" y2="{{$.Bottom}}"/>{{range .XTicks}}
<line x1="{{printf "%.1f" .At}}" x2="{{printf "%.1f" .At}}" y1="{{$.Bottom}}" y2="{{printf "%.1f" (add $.Bottom 5)}}"/>
<text x="{{printf "%.1f" .At}}" y="{{printf "%.1f" (add $.Bottom 20)}}" text-anchor="middle">{{.Label}}</text>{{end}}
</g>
{{range .Lines}}<g class="series" data-profile="{{.Name}}">
<title>{{.Name}}: {{.Total}} matches</title>
<polyline points="{{.Points}}" fill="none" stroke="{{.Color}}" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>{{$c := .Color}}{{range .Dots}}
<circle cx="{{printf "%.1f" .X}}" cy="{{printf "%.1f" .Y}}" r="3" fill="{{$c}}"><title>{{.Label}}</title></circle>{{end}}
</g>
{{end}}</svg>`))

// sparkline is a feed's items per day, drawn small.
type sparkline struct {
	Values []int
	// Label says the same in words, for screen readers and hover.
	Label string
}

// Sparkline geometry, in SVG user units.
const sparkW, sparkH = 120, 28

// svg draws the sparkline: a line over a filled area, the last day marked.
func (s sparkline) svg() template.HTML {
	n := len(s.Values)
	if n == 0 {
		return ""
	}
	most := 1
	for _, v := range s.Values {
		most = max(most, v)
	}
	var line []string
	x := func(i int) float64 {
		if n == 1 {
			return sparkW / 2
		}
		return 1 + float64(i)*(sparkW-2)/float64(n-1)
	}
	y := func(v int) float64 { return sparkH - 2 - float64(v)/float64(most)*(sparkH-4) }
	for i, v := range s.Values {
		line = append(line, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
	}
	area := fmt.Sprintf("%.1f,%d %s %.1f,%d", x(0), sparkH-1, strings.Join(line, " "), x(n-1), sparkH-1)
	var buf bytes.Buffer
	err := sparkTemplate.Execute(&buf, struct {
		sparkline
		W, H       int
		Line, Area string
		LastX      float64
		LastY      float64
		Silent     bool
	}{s, sparkW, sparkH, strings.Join(line, " "), area, x(n - 1), y(s.Values[n-1]), sum(s.Values) == 0})
	if err != nil {
		panic(fmt.Sprintf("console: sparkline template: %v", err))
	}
	return template.HTML(buf.String())
}

func sum(vs []int) int {
	n := 0
	for _, v := range vs {
		n += v
	}
	return n
}

var sparkTemplate = template.Must(template.New("spark").Parse(`<svg class="spark{{if .Silent}} silent{{end}}" viewBox="0 0 {{.W}} {{.H}}" width="{{.W}}" height="{{.H}}" role="img" aria-label="{{.Label}}" xmlns="http://www.w3.org/2000/svg"><title>{{.Label}}</title><polygon class="area" points="{{.Area}}"/><polyline class="line" points="{{.Line}}" fill="none"/><circle class="last" cx="{{printf "%.1f" .LastX}}" cy="{{printf "%.1f" .LastY}}" r="2.2"/></svg>`))
