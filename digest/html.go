package digest

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/slack-go/slack"
)

//go:embed preview.tmpl
var previewSource string

// previewTemplate renders the HTML preview; html/template escapes every
// string in it for its context, so feed text never becomes markup.
var previewTemplate = template.Must(template.New("preview").Parse(previewSource))

// htmlPage is the preview page's view model.
type htmlPage struct {
	Title    string
	Date     string
	Channels []htmlChannel
}

// htmlChannel is one channel of the preview with its messages.
type htmlChannel struct {
	Name     string
	Messages []htmlMessage
}

// htmlMessage is one Slack message with its thread replies.
type htmlMessage struct {
	Time    string
	Blocks  []htmlBlock
	Replies []htmlMessage
}

// htmlBlock is one Block Kit block: Kind is header, section, context,
// divider or unknown; a header has Text, a section Spans, a context
// Elements.
type htmlBlock struct {
	Kind     string
	Text     string
	Spans    []span
	Elements [][]span
}

// WriteHTML writes a self-contained static HTML page that shows digests the
// way Slack will: exactly the messages Render produces, per channel, each
// with the bot's avatar, name and time, its Block Kit blocks (header,
// section, context, divider) with mrkdwn shown as HTML (bold, italic,
// links, entities), and thread replies indented beneath the message they
// reply to. With Options.PostEmpty, the channels of Options.ChannelProfiles
// without a digest show their quiet-day line (RenderEmpty). The page uses
// no scripts and no external resources, and every string from a feed is
// escaped, so a hostile title cannot inject markup. It is meant for
// reviewing a profile change with someone who does not use the CLI.
func WriteHTML(w io.Writer, ds []Digest, opts Options) error {
	opts = opts.withDefaults()
	now := opts.Now().In(opts.Location)
	page := htmlPage{
		Title: "newsbot digest preview — " + now.Format("Mon 2 Jan 2006"),
		Date:  now.Format("Monday, 2 January"),
	}
	stamp := now.Format("3:04 PM")
	index := map[string]int{}
	channel := func(name string) *htmlChannel {
		i, ok := index[name]
		if !ok {
			i = len(page.Channels)
			index[name] = i
			page.Channels = append(page.Channels, htmlChannel{Name: channelName(name)})
		}
		return &page.Channels[i]
	}
	for _, d := range ds {
		ch := channel(d.Channel)
		for _, m := range Render(d, opts) {
			hm := htmlMessage{Time: stamp, Blocks: htmlBlocks(m.Blocks)}
			if n := len(ch.Messages); m.Reply && n > 0 {
				ch.Messages[n-1].Replies = append(ch.Messages[n-1].Replies, hm)
				continue
			}
			ch.Messages = append(ch.Messages, hm)
		}
	}
	if opts.PostEmpty {
		for _, name := range sortedKeys(opts.ChannelProfiles) {
			if _, ok := index[name]; ok {
				continue
			}
			m := RenderEmpty(name, now, opts)
			ch := channel(name)
			ch.Messages = append(ch.Messages, htmlMessage{Time: stamp, Blocks: htmlBlocks(m.Blocks)})
		}
	}
	if err := previewTemplate.Execute(w, page); err != nil {
		return fmt.Errorf("digest: write html: %w", err)
	}
	return nil
}

// channelName shows a channel as Slack does: "#name".
func channelName(name string) string {
	name = clean(name)
	if name == "" {
		return "#(no channel)"
	}
	if !strings.HasPrefix(name, "#") {
		name = "#" + name
	}
	return name
}

// htmlBlocks converts Block Kit blocks to the preview's view model.
func htmlBlocks(blocks []slack.Block) []htmlBlock {
	out := make([]htmlBlock, 0, len(blocks))
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.HeaderBlock:
			out = append(out, htmlBlock{Kind: "header", Text: b.Text.Text})
		case *slack.SectionBlock:
			hb := htmlBlock{Kind: "section"}
			if b.Text != nil {
				hb.Spans = textSpans(b.Text)
			}
			for _, f := range b.Fields {
				hb.Spans = append(hb.Spans, span{Break: true})
				hb.Spans = append(hb.Spans, textSpans(f)...)
			}
			out = append(out, hb)
		case *slack.ContextBlock:
			hb := htmlBlock{Kind: "context"}
			for _, e := range b.ContextElements.Elements {
				if t, ok := e.(*slack.TextBlockObject); ok {
					hb.Elements = append(hb.Elements, textSpans(t))
				}
			}
			out = append(out, hb)
		case *slack.DividerBlock:
			out = append(out, htmlBlock{Kind: "divider"})
		default:
			out = append(out, htmlBlock{Kind: "unknown", Text: string(b.BlockType())})
		}
	}
	return out
}

// textSpans renders a text object: mrkdwn is parsed, plain text is not.
func textSpans(t *slack.TextBlockObject) []span {
	if t.Type == slack.MarkdownType {
		return parseMrkdwn(t.Text)
	}
	return []span{{Text: t.Text}}
}
