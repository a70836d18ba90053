package matcher

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// benchWords is a general news vocabulary the generated profiles draw from.
var benchWords = strings.Fields(`solar wind battery storage grid hydrogen nuclear reactor coal mine
lithium cobalt nickel copper steel aluminium cement port shipping freight rail metro airport
airline aviation drone satellite launch rocket missile radar sonar submarine frigate destroyer
carrier fighter engine turbine helicopter tank artillery rifle ammunition cyber ransomware
malware breach privacy data cloud chip foundry wafer fab telecom spectrum fibre broadband
vaccine drug generic pharma hospital clinic insurance pension bank loan bond rupee dollar yen
inflation rate budget deficit subsidy fertiliser wheat rice sugar onion cotton jute tea coffee
monsoon flood drought heatwave cyclone earthquake wildfire glacier river dam canal reservoir
election poll ballot court verdict bail tribunal appeal petition ordinance bill act treaty
summit visit dialogue ministerial council forum alliance coalition pact accord memorandum
startup unicorn venture fund equity merger acquisition listing ipo stake buyback dividend
exports imports shipment customs quota licence sanction embargo blacklist entity waiver
quantum photonics robotics autonomy sensor laser hypersonic stealth armour propulsion
biotech genome enzyme crop seed irrigation tractor dairy fisheries shrimp textile garment
jewellery diamond gold silver oil gas pipeline refinery lng petrol diesel ethanol biofuel
semiconductor display battery smartphone laptop server datacentre software platform app`)

var benchPlaces = []string{"India", "Indian", "United States", "Japan", "Australia", "France",
	"Germany", "Brazil", "Kenya", "Canada", "Mexico", "Vietnam", "Indonesia", "Korea", "Israel",
	"Egypt", "Nigeria", "Chile", "Norway", "Poland", "Gujarat", "Tamil Nadu", "Texas", "Bavaria"}

// genProfiles returns a profile file with n generated profiles: phrases,
// acronyms, near and all context, none vetoes. The same n gives the same file.
func genProfiles(n int) string {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	word := func() string { return benchWords[r.IntN(len(benchWords))] }
	phrase := func() string {
		k := 2 + r.IntN(2)
		ws := make([]string, k)
		for i := range ws {
			ws[i] = word()
		}
		if r.IntN(4) == 0 {
			return strings.Join(ws, "-")
		}
		return strings.Join(ws, " ")
	}
	acronym := func() string {
		b := make([]byte, 3+r.IntN(2))
		for i := range b {
			b[i] = byte('A' + r.IntN(26))
		}
		return string(b)
	}
	var b strings.Builder
	b.WriteString("profiles:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - name: gen-%d\n    description: generated profile %d\n    rules:\n", i, i)
		fmt.Fprintf(&b, "      - any: [%q, %q, %q, {term: %s, case: true}]\n", phrase(), phrase(), word()+" "+word(), acronym())
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, "        near: [[%q, %q]]\n        within: %d\n", benchPlaces[r.IntN(len(benchPlaces))], benchPlaces[r.IntN(len(benchPlaces))], 5+r.IntN(20))
		} else {
			fmt.Fprintf(&b, "        all: [%q]\n", benchPlaces[r.IntN(len(benchPlaces))])
		}
		if r.IntN(3) == 0 {
			fmt.Fprintf(&b, "        none: [%q]\n", phrase())
		}
		fmt.Fprintf(&b, "      - any: [%q]\n", phrase())
	}
	return b.String()
}

// benchItems cuts the seed articles into items of about 1.5 KB, the size of
// a feed item's title and summary.
func benchItems(tb testing.TB) []Document {
	files, err := filepath.Glob(filepath.Join("testdata", "seeds", "*.txt"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no seeds: %v", err)
	}
	var docs []Document
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		words := strings.Fields(string(data))
		for len(words) > 0 {
			var body strings.Builder
			k := 0
			for k < len(words) && body.Len() < 1400 {
				body.WriteString(words[k])
				body.WriteByte(' ')
				k++
			}
			title := strings.Join(words[:min(12, k)], " ")
			docs = append(docs, Document{Title: title, Body: body.String()})
			words = words[k:]
		}
	}
	return docs
}

// benchMatcher compiles the built-in profiles plus generated ones, n in all.
func benchMatcher(tb testing.TB, n int) *Matcher {
	data, err := os.ReadFile("../config/profiles.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	specs, err := ParseProfiles("profiles.yaml", data)
	if err != nil {
		tb.Fatal(err)
	}
	if n > len(specs) {
		gen, err := ParseProfiles("gen.yaml", []byte(genProfiles(n-len(specs))))
		if err != nil {
			tb.Fatal(err)
		}
		specs = append(specs, gen...)
	}
	m, err := Compile(specs)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func BenchmarkMatch(b *testing.B) {
	docs := benchItems(b)
	for _, n := range []int{5, 100, 1000, 10000} {
		b.Run(fmt.Sprintf("profiles=%d", n), func(b *testing.B) {
			m := benchMatcher(b, n)
			var size int64
			for _, d := range docs {
				size += int64(len(d.Title) + len(d.Body))
			}
			b.SetBytes(size / int64(len(docs)))
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				m.Match(docs[i%len(docs)])
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
		})
	}
}

// bigRule returns one profile with one rule of n distinct triggers, the
// shape of a pasted-in term list: two- and three-word phrases, some
// hyphenated, some case-sensitive.
func bigRule(n int) []Spec {
	r := rand.New(rand.NewPCG(2, uint64(n)))
	terms := make([]Term, n)
	for i := range terms {
		w := benchWords[r.IntN(len(benchWords))]
		switch i % 4 {
		case 0:
			terms[i] = Term{Text: fmt.Sprintf("%s %d", w, i)}
		case 1:
			terms[i] = Term{Text: fmt.Sprintf("%s-%s %d", w, benchWords[r.IntN(len(benchWords))], i)}
		case 2:
			terms[i] = Term{Text: fmt.Sprintf("%s%d", strings.ToUpper(w), i), Case: true}
		default:
			terms[i] = Term{Text: fmt.Sprintf("%s w%d", w, i)}
		}
	}
	return []Spec{{Name: "big", Rules: []Rule{{Any: terms}}}}
}

// BenchmarkCompileLargeRule compiles one rule of many terms: the cost must
// grow linearly with the number of terms (issue 11). It reports the bytes
// allocated per term alongside the usual allocation figures.
func BenchmarkCompileLargeRule(b *testing.B) {
	for _, n := range []int{100_000, 200_000, 400_000} {
		b.Run(fmt.Sprintf("terms=%d", n), func(b *testing.B) {
			specs := bigRule(n)
			b.ReportAllocs()
			var ms runtime.MemStats
			var alloc uint64
			for b.Loop() {
				runtime.ReadMemStats(&ms)
				before := ms.TotalAlloc
				if _, err := Compile(specs); err != nil {
					b.Fatal(err)
				}
				runtime.ReadMemStats(&ms)
				alloc = ms.TotalAlloc - before
			}
			b.ReportMetric(float64(alloc)/float64(n), "B/term")
		})
	}
}
