package feeds

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// TestParsePeerFixtures parses every Miniflux fixture and checks that the
// titles come out as a person would read them.
func TestParsePeerFixtures(t *testing.T) {
	tests := []struct {
		file        string
		contentType string
		wantFeed    string
		wantItems   int
		wantFirst   string // first item's title; "" when the feed has no items
	}{
		{"encoding-invalid-prolog.xml", "", "테스트 피드", 1, "Café"},
		{"encoding-iso-8859-1.xml", "", "Café", 0, ""},
		{"encoding-koi8r.xml", "", "Пример RSS ленты", 2, "Первая новость"},
		{"encoding-utf8-incorrect-prolog.xml", "", "테스트 피드", 1, "Café"},
		{"encoding-utf8.xml", "", "테스트 피드", 1, "Café"},
		{"encoding-windows-1252-incorrect-prolog.xml", "", "Euro €", 0, ""},
		{"encoding-windows-1252.xml", "", "Euro €", 0, ""},
		{"parser-encoding_ISO-8859-1.xml", "", "Golem.de", 40, "Red Dead Redemption 2: Hinweise auf PC-Umsetzung in App von Rockstar Games"},
		{"parser-encoding_WINDOWS-1251.xml", "", "iBash.Org.Ru", 50, "Цитата #17703"},
		{"parser-large_atom.xml", "", "Artificial truth", 25, "Using vale with vim"},
		{"parser-large_rss.xml", "", "Artificial truth", 25, "Using vale with vim"},
		{"parser-no_encoding_ISO-8859-1.xml", "application/xml; charset=ISO-8859-1", "Flux RSS du magazine de psychologie Le Cercle Psy", 10, "Perturbateurs endocriniens : quels effets sur le cerveau ?"},
		{"parser-rdf_UTF8.xml", "", "heise online News", 60, "OLED-TVs: Vorsichtsmaßnahmen gegen Einbrennen"},
		{"parser-small_atom.xml", "", "Recent Commits to v2:main", 20, "Parse podcast categories"},
		{"parser-urdu_UTF8.xml", "", "BBC News اردو - پاکستان کے لیے امریکی امداد کی بہار و خزاں", 26, "امریکی عسکری امداد کی بندش کی وجوہات: انڈیا سے جنگ، جوہری پروگرام اور اب دہشت گردوں کی پشت پناہی"},
		{"xml-koi8r.xml", "text/xml", "Пример RSS ленты", 2, "Первая новость"},
		// A server that claims UTF-8 for KOI8-R bytes: the prolog is believed.
		{"encoding-koi8r.xml", "application/rss+xml; charset=utf-8", "Пример RSS ленты", 2, "Первая новость"},
		// A server that claims Latin-1 for UTF-8 bytes: the bytes are believed.
		{"parser-urdu_UTF8.xml", "text/xml; charset=iso-8859-1", "BBC News اردو - پاکستان کے لیے امریکی امداد کی بہار و خزاں", 26, "امریکی عسکری امداد کی بندش کی وجوہات: انڈیا سے جنگ، جوہری پروگرام اور اب دہشت گردوں کی پشت پناہی"},
	}
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.contentType, func(t *testing.T) {
			title, items, err := Parse(readFixture(t, "peer/"+tt.file), tt.contentType, "https://peer.example/feed", "")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if title != tt.wantFeed {
				t.Errorf("feed title = %q, want %q", title, tt.wantFeed)
			}
			if len(items) != tt.wantItems {
				t.Fatalf("got %d items, want %d", len(items), tt.wantItems)
			}
			if len(items) > 0 && items[0].Title != tt.wantFirst {
				t.Errorf("first title = %q, want %q", items[0].Title, tt.wantFirst)
			}
			for _, it := range items {
				for _, s := range []string{it.Title, it.Summary} {
					if strings.ContainsAny(s, "\uFFFD\u00C3\u00D0") {
						t.Errorf("mojibake in %q", s)
					}
				}
			}
		})
	}
}

// TestParseLatin1WithoutDeclaration checks the accented words of the feed
// whose only charset clue is the HTTP header.
func TestParseLatin1WithoutDeclaration(t *testing.T) {
	_, items, err := Parse(readFixture(t, "peer/parser-no_encoding_ISO-8859-1.xml"), "application/xml; charset=ISO-8859-1", "https://le-cercle-psy.example/rss", "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"NBSP folded", items[1].Title, "Masters en Psycho : une simplificationet#8230; très complexe"},
		{"accents", items[2].Title, "La criminalité liée surtout à... l'ennui ?"},
		{"summary", items[0].Summary, "Si leur impact semble discret au premier abord, nombre d'études montrent que les perturbateurs endocriniens pourraient être à l'origine de troubles neuro-développementaux chez l'enfant."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestDecodeCharset(t *testing.T) {
	latin1 := func(s string) string {
		b, err := charmap.ISO8859_1.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	utf16 := func(s string) string {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name        string
		data        string
		contentType string
		want        string
	}{
		{"valid UTF-8 kept", "Café", "text/xml; charset=windows-1252", "Café"},
		{"UTF-8 BOM dropped", "\xEF\xBB\xBFCafé", "", "Café"},
		{"UTF-16 with BOM", utf16("<t>Café</t>"), "", "<t>Café</t>"},
		{"header charset", latin1("Café"), "text/xml; charset=ISO-8859-1", "Café"},
		{"header beats prolog", `<?xml version="1.0" encoding="koi8-r"?>` + latin1("é"), "text/xml; charset=latin1", `<?xml version="1.0" encoding="koi8-r"?>é`},
		{"prolog when header has none", `<?xml version='1.0' encoding='windows-1251'?>` + "\xd6", "text/xml", `<?xml version='1.0' encoding='windows-1251'?>Ц`},
		{"unknown label falls back to windows-1252", `<?xml version="1.0" encoding="nonsense"?>` + "\x80", "", `<?xml version="1.0" encoding="nonsense"?>€`},
		{"no label falls back to windows-1252", "Caf\xe9 \x93quoted\x94", "", "Café “quoted”"},
		{"UTF-8 claimed but invalid", "Caf\xe9", "text/xml; charset=utf-8", "Caf\uFFFD"},
		{"malformed content type", "Caf\xe9", "text/xml; charset", "Café"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(decodeCharset([]byte(tt.data), tt.contentType))
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("%q is not UTF-8", got)
			}
		})
	}
}

func TestToUTF8StripsProlog(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"declaration", `<?xml version="1.0" encoding="ISO-8859-1"?><rss/>`, `<rss/>`},
		{"stylesheet PI kept", `<?xml-stylesheet href="a.xsl"?><rss/>`, `<?xml-stylesheet href="a.xsl"?><rss/>`},
		{"doctype with subset", "<?xml version=\"1.0\"?>\n<!-- c -->\n<!DOCTYPE rss [<!ENTITY a \"]>\">]>\n<rss/>", "\n<!-- c -->\n\n<rss/>"},
		{"lowercase doctype", `<!doctype rss SYSTEM "x.dtd"><rss/>`, `<rss/>`},
		{"control characters", "<rss>\x00a\x1bb\tc\uFFFEd</rss>", "<rss>ab\tcd</rss>"},
		{"forbidden char refs", "<t>&#0;&#x1F;&#65;&#xD800;&#9;&#12345678901;</t>", "<t>&#65;&#9;&#12345678901;</t>"},
		{"JSON untouched", `{"version":"https://jsonfeed.org/version/1.1"}`, `{"version":"https://jsonfeed.org/version/1.1"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(toUTF8([]byte(tt.data), "")); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := toUTF8(bytes.Repeat([]byte("a"), 10), ""); len(got) != 10 {
		t.Errorf("plain text changed: %q", got)
	}
}
