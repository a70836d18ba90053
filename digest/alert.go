package digest

import (
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// RenderAlert renders the entries that matched profiles with immediate
// alerts in one poll as compact messages: one message per channel (channels
// in alphabetical order), holding for each profile (in Options.Order, then
// alphabetically) a context line "🔔 Alert: <profile>" and one line per
// story with its linked title, source, age, matched terms and the other
// feeds that carried it. Entries are folded into stories and ranked as
// Build does. Every string from a feed is escaped.
//
// When a channel's stories do not fit in one message within Slack's limits,
// the rest follow as Reply messages in its thread; no story is left out.
// Each message's ItemIDs lists the items it carries per profile, so that a
// Deliverer marks them delivered and the day's digest does not repeat them;
// callers who want them repeated deliver alerts with a Marker that records
// them elsewhere. Rate limiting per channel is the caller's: RenderAlert
// renders whatever it is given. No entries render to no messages.
func RenderAlert(entries []Entry, opts Options) []Message {
	opts = opts.withDefaults()
	now := opts.Now()
	byChannel := map[string][]Digest{}
	for _, d := range Build(entries, opts) {
		byChannel[d.Channel] = append(byChannel[d.Channel], d)
	}
	channels := sortedKeys(byChannel)
	var msgs []Message
	for _, ch := range channels {
		msgs = append(msgs, renderChannelAlert(ch, byChannel[ch], now, opts.Feedback)...)
	}
	return msgs
}

// alertPacker packs a channel's alert lines into messages within Slack's
// limits.
type alertPacker struct {
	channel string
	msgs    []Message

	blocks  []slack.Block
	text    []string
	textLen int
	ids     map[string][]string
	sec     []string
	secLen  int
	// fb puts each story in a section of its own, with its feedback menu
	// (acc, for the section in progress).
	fb  bool
	acc *slack.Accessory
}

// renderChannelAlert renders the alert digests of one channel.
func renderChannelAlert(channel string, ds []Digest, now time.Time, fb bool) []Message {
	p := &alertPacker{channel: channel, fb: fb}
	for _, d := range ds {
		heading := "🔔 Alert: *" + escapeClip(clean(d.Profile), maxFeed) + "*"
		theading := "🔔 Alert: " + escapeClip(clean(d.Profile), maxFeed)
		p.heading(heading, theading)
		for _, s := range d.Stories {
			line := "• " + storyTitle(s, maxCompactTitle, true) + " — " + storyMeta(s, now, true)
			if !p.fits(line, textLine(s)) {
				p.flushMessage()
				p.heading(heading+" (continued)", theading+" (continued)")
			}
			p.line(d.Profile, s, line, "• "+textLine(s))
		}
	}
	p.flushMessage()
	return p.msgs
}

// heading starts a profile's part of the message with a context block,
// starting a new message when the current one is full.
func (p *alertPacker) heading(mrkdwnText, text string) {
	p.flushSection()
	if len(p.blocks)+2 > MaxBlocks || p.textLen+1+textLen(text) > textBudget {
		p.flushMessage()
	}
	p.blocks = append(p.blocks, slack.NewContextBlock("", mrkdwn(mrkdwnText)))
	p.addText(text)
}

// fits reports whether a story's line fits in the current message.
func (p *alertPacker) fits(line, text string) bool {
	if p.textLen+3+textLen(text) > textBudget {
		return false
	}
	if p.secLen > 0 && (p.fb || p.secLen+1+textLen(line) > MaxSectionText) {
		return len(p.blocks)+2 <= MaxBlocks // the section closes and a new one opens
	}
	return len(p.blocks)+1 <= MaxBlocks
}

// line adds a story's line to the current section.
func (p *alertPacker) line(profile string, s Story, line, text string) {
	if p.secLen > 0 && (p.fb || p.secLen+1+textLen(line) > MaxSectionText) {
		p.flushSection()
	}
	p.acc = feedbackAccessory(p.fb, profile, s)
	if p.secLen > 0 {
		p.secLen++
	}
	p.sec = append(p.sec, line)
	p.secLen += textLen(line)
	p.addText(text)
	if p.ids == nil {
		p.ids = map[string][]string{}
	}
	p.ids[profile] = append(p.ids[profile], s.ItemIDs...)
}

// addText adds a line to the fallback text.
func (p *alertPacker) addText(t string) {
	if len(p.text) > 0 {
		p.textLen++
	}
	p.text = append(p.text, t)
	p.textLen += textLen(t)
}

// flushSection closes the current section block.
func (p *alertPacker) flushSection() {
	if len(p.sec) == 0 {
		return
	}
	p.blocks = append(p.blocks, slack.NewSectionBlock(mrkdwn(strings.Join(p.sec, "\n")), nil, p.acc))
	p.sec, p.secLen, p.acc = nil, 0, nil
}

// flushMessage closes the current message; messages after a channel's
// first are replies in its thread.
func (p *alertPacker) flushMessage() {
	p.flushSection()
	if len(p.blocks) == 0 {
		return
	}
	p.msgs = append(p.msgs, Message{
		Text:    strings.Join(p.text, "\n"),
		Blocks:  p.blocks,
		ItemIDs: p.ids,
		Reply:   len(p.msgs) > 0,
		Channel: p.channel,
	})
	p.blocks, p.text, p.textLen, p.ids = nil, nil, 0, nil
}
