package digest

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Slack's limits for one message, as documented for Block Kit and
// chat.postMessage. Render keeps every message within them.
const (
	MaxBlocks          = 50     // blocks in one message
	MaxSectionText     = 3000   // characters in a section's text
	MaxHeaderText      = 150    // characters in a header's plain_text
	MaxContextElements = 10     // elements in a context block
	MaxText            = 40_000 // characters in a message's fallback text
)

// Clipping lengths for feed text, measured after escaping; they keep a
// story's section and context far below Slack's limits.
const (
	maxTitle        = 500 // a title in the main message
	maxCompactTitle = 200 // a title in a thread reply or the fallback text
	maxFeed         = 100 // a feed name
	maxTerms        = 300 // the matched-terms list
	maxAlso         = 300 // the list of other feeds
	maxDescription  = 1000
	textBudget      = MaxText - 1000 // room kept for a message's heading line
)

// Message is one Slack message of a digest.
type Message struct {
	// Text is the plain-text fallback shown in notifications; it is escaped
	// like mrkdwn, because Slack parses mentions in it too.
	Text string
	// Blocks are the Block Kit blocks of the message.
	Blocks []slack.Block
	// ItemIDs maps a profile to the item IDs whose delivery this message
	// completes: once Slack accepted the message, they are delivered.
	ItemIDs map[string][]string
	// Reply says to post the message as a thread reply to the previous
	// non-reply message of the same digest (webhooks: as a follow-up).
	Reply bool
	// Channel is the channel the message is for.
	Channel string
	// ID identifies the message in Slack: SlackPoster tags the post with it
	// (message metadata) so that it can be found again after a crash. The
	// Deliverer sets it; a message without one is posted untagged.
	ID string
}

// Render turns a digest into one or more messages within Slack's limits
// (MaxBlocks, MaxSectionText, MaxHeaderText, MaxContextElements, MaxText).
// The main message has a header with the profile and the date in the team's
// timezone, the description, and the top Options.TopN stories with their
// source, age, matched terms and the other feeds that carried them. When there
// are more stories (or the top ones do not fit in one message), the main
// message says how many more there are and Reply messages list them as
// compact lines; no story is left out. A digest without stories renders to no
// messages.
func Render(d Digest, opts Options) []Message {
	if len(d.Stories) == 0 {
		return nil
	}
	opts = opts.withDefaults()
	now := opts.Now()

	top := min(opts.TopN, len(d.Stories), (MaxBlocks-4)/2) // header, description, "more" line, footer
	main := renderMain(d, d.Stories[:top], len(d.Stories)-top, now, opts.Location, opts.Footer, opts.Feedback)
	msgs := []Message{main}
	msgs = append(msgs, renderReplies(d, top, now, opts.Feedback)...)
	for i := range msgs {
		msgs[i].Channel = d.Channel
	}
	return msgs
}

// renderMain renders the main message with the top stories.
func renderMain(d Digest, top []Story, more int, now time.Time, loc *time.Location, footer string, fb bool) Message {
	date := d.Date
	if date.IsZero() {
		date = now
	}
	title := clip(clean(d.Profile)+" — "+date.In(loc).Format("Mon 2 Jan 2006"), MaxHeaderText)
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, title, true, false)),
	}
	var elems []slack.MixedElement
	if desc := clean(d.Description); desc != "" {
		elems = append(elems, mrkdwn(escapeClip(desc, maxDescription)))
	}
	elems = append(elems, mrkdwn(plural(len(d.Stories), "story", "stories")))
	blocks = append(blocks, slack.NewContextBlock("", elems...))

	var text strings.Builder
	text.WriteString(Escape(title) + ": " + plural(len(d.Stories), "story", "stories"))
	var ids []string
	for _, s := range top {
		blocks = append(blocks,
			slack.NewSectionBlock(mrkdwn(storyTitle(s, maxTitle, true)), nil, feedbackAccessory(fb, d.Profile, s)),
			slack.NewContextBlock("", mrkdwn(storyMeta(s, now, true))),
		)
		text.WriteString("\n• " + textLine(s))
		ids = append(ids, s.ItemIDs...)
	}
	if more > 0 {
		line := fmt.Sprintf("and %d more in the thread", more)
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(line)))
		text.WriteString("\n" + line)
	}
	if f := clean(footer); f != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(":warning: "+escapeClip(f, maxDescription))))
		text.WriteString("\n" + escapeClip(f, maxDescription))
	}
	return Message{
		Text:    text.String(),
		Blocks:  blocks,
		ItemIDs: map[string][]string{d.Profile: ids},
	}
}

// renderReplies renders the stories from index from on as compact lines,
// packed into sections and messages within Slack's limits. With feedback
// (fb), each story has a section of its own, with the feedback menu.
func renderReplies(d Digest, from int, now time.Time, fb bool) []Message {
	var (
		msgs     []Message
		sections []string
		accs     []*slack.Accessory
		acc      *slack.Accessory
		sec      strings.Builder
		secLen   int
		lines    []string
		linesLen int
		ids      []string
		first    = from
	)
	flushSection := func() {
		if sec.Len() > 0 {
			sections = append(sections, sec.String())
			accs = append(accs, acc)
			sec.Reset()
			secLen, acc = 0, nil
		}
	}
	flushMessage := func(next int) {
		flushSection()
		if len(sections) == 0 {
			return
		}
		heading := fmt.Sprintf("*%s* — more stories (%d–%d of %d)",
			escapeClip(clean(d.Profile), maxFeed), first+1, next, len(d.Stories))
		blocks := []slack.Block{slack.NewContextBlock("", mrkdwn(heading))}
		for i, s := range sections {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn(s), nil, accs[i]))
		}
		msgs = append(msgs, Message{
			Text:    heading + "\n" + strings.Join(lines, "\n"),
			Blocks:  blocks,
			ItemIDs: map[string][]string{d.Profile: ids},
			Reply:   true,
		})
		sections, accs, lines, linesLen, ids, first = nil, nil, nil, 0, nil, next
	}

	for i := from; i < len(d.Stories); i++ {
		s := d.Stories[i]
		line := "• " + storyTitle(s, maxCompactTitle, false) + " — " + storyMeta(s, now, false)
		tline := "• " + textLine(s)
		if secLen > 0 && (fb || secLen+1+textLen(line) > MaxSectionText) {
			flushSection()
		}
		if secLen == 0 && len(sections) == MaxBlocks-1 || linesLen+1+textLen(tline) > textBudget {
			flushMessage(i)
		}
		if secLen > 0 {
			sec.WriteByte('\n')
			secLen++
		}
		sec.WriteString(line)
		secLen += textLen(line)
		acc = feedbackAccessory(fb, d.Profile, s)
		lines = append(lines, tline)
		linesLen += 1 + textLen(tline)
		ids = append(ids, s.ItemIDs...)
	}
	flushMessage(len(d.Stories))
	return msgs
}

// storyTitle renders a story's title as mrkdwn: a link when the story has a
// safe http(s) link, else plain text; bold when bold is set.
func storyTitle(s Story, max int, bold bool) string {
	title := clean(s.Title)
	if title == "" {
		title = "(untitled)"
	}
	t := escapeClip(title, max)
	if link, ok := safeLink(s.Link); ok {
		t = "<" + link + "|" + t + ">"
	}
	if bold {
		t = "*" + t + "*"
	}
	return t
}

// storyMeta renders a story's source and age as one line of mrkdwn and,
// when full, its matched terms and the other outlets that carry it (a thread
// reply leaves them out); empty parts are left out.
func storyMeta(s Story, now time.Time, full bool) string {
	var parts []string
	if f := clean(s.Outlet()); f != "" {
		parts = append(parts, escapeClip(f, maxFeed))
	}
	if a := age(now, s.Published); a != "" {
		parts = append(parts, a)
	}
	if full && len(s.Matched) > 0 {
		parts = append(parts, "matched: "+escapeClip(cleanJoin(s.Matched), maxTerms))
	}
	if full && len(s.AlsoIn) > 0 {
		parts = append(parts, "also: "+escapeClip(cleanJoin(s.AlsoIn), maxAlso))
	}
	if len(parts) == 0 {
		return "(unknown source)"
	}
	return strings.Join(parts, " · ")
}

// textLine renders a story for a fallback text: its title and feed, escaped.
func textLine(s Story) string {
	title := clean(s.Title)
	if title == "" {
		title = "(untitled)"
	}
	line := escapeClip(title, maxCompactTitle)
	if f := clean(s.Outlet()); f != "" {
		line += " (" + escapeClip(f, maxFeed) + ")"
	}
	return line
}

// cleanJoin cleans each string and joins the non-empty ones with commas.
func cleanJoin(ss []string) string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if c := clean(s); c != "" {
			out = append(out, c)
		}
	}
	return strings.Join(out, ", ")
}

// age says how long before now t was, as "just now", "5m ago", "3h ago" or
// "2d ago"; "" when t is unknown. Times in the future count as just now.
func age(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd ago", int(d/(24*time.Hour)))
}

// plural formats n with the singular or plural noun.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// mrkdwn returns a mrkdwn text object.
func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}
