package slackstub

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf16"
)

// Slack's limits, as the Server enforces them. Lengths are counted in UTF-16
// code units, which is never less than Slack's count of characters.
const (
	MaxBlocks          = 50
	MaxSectionText     = 3000
	MaxSectionFields   = 10
	MaxFieldText       = 2000
	MaxHeaderText      = 150
	MaxContextElements = 10
	MaxText            = 40_000
	MaxBlockID         = 255
	MaxMarkdownBlock   = 12_000
	MaxActionID        = 255
	MaxOptionText      = 75
	MaxOptionValue     = 150
	MinOverflowOptions = 2
	MaxOverflowOptions = 5
	MaxButtonText      = 75
	MaxButtonValue     = 2000
)

// knownBlocks are the block types Slack accepts in messages.
var knownBlocks = map[string]bool{
	"section": true, "header": true, "context": true, "divider": true, "image": true,
	"actions": true, "rich_text": true, "markdown": true, "video": true, "file": true,
	"input": true, "table": true,
}

// textObject is a Block Kit text object.
type textObject struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// block holds the fields of any block that Validate checks.
type block struct {
	Type     string            `json:"type"`
	BlockID  string            `json:"block_id"`
	Text     json.RawMessage   `json:"text"`
	Fields   []textObject      `json:"fields"`
	Elements []json.RawMessage `json:"elements"`
	// Accessory is a section's accessory element.
	Accessory json.RawMessage `json:"accessory"`
}

// element holds the fields of an interactive element that Validate checks.
type element struct {
	Type     string           `json:"type"`
	ActionID string           `json:"action_id"`
	Text     *textObject      `json:"text"`
	Value    *string          `json:"value"`
	Options  []optionObj      `json:"options"`
	ImageURL string           `json:"image_url"`
	AltText  string           `json:"alt_text"`
	Confirm  *json.RawMessage `json:"confirm"`
}

// optionObj is a Block Kit option object.
type optionObj struct {
	Text  *textObject `json:"text"`
	Value string      `json:"value"`
}

// Validate checks a message's text and blocks against Slack's limits and
// returns the problems found, nil when the message is valid: more than 50
// blocks, unknown block types, a header that is not plain_text or longer than
// 150 characters, section text longer than 3,000 characters, more than 10
// context elements, text longer than 40,000 characters, empty texts,
// duplicate or overlong block IDs, and section accessories that break their
// element's limits (see checkAccessory).
func Validate(text string, blocks json.RawMessage) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if n := length(text); n > MaxText {
		add("text: %d characters, more than %d", n, MaxText)
	}
	if len(blocks) == 0 {
		if strings.TrimSpace(text) == "" {
			add("no_text: neither text nor blocks")
		}
		return problems
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(blocks, &raw); err != nil {
		add("blocks: not an array of objects: %v", err)
		return problems
	}
	if len(raw) > MaxBlocks {
		add("blocks: %d blocks, more than %d", len(raw), MaxBlocks)
	}
	ids := map[string]bool{}
	for i, r := range raw {
		var b block
		if err := json.Unmarshal(r, &b); err != nil {
			add("blocks[%d]: %v", i, err)
			continue
		}
		if !knownBlocks[b.Type] {
			add("blocks[%d]: unknown block type %q", i, b.Type)
			continue
		}
		if b.BlockID != "" {
			if len(b.BlockID) > MaxBlockID {
				add("blocks[%d]: block_id longer than %d", i, MaxBlockID)
			}
			if ids[b.BlockID] {
				add("blocks[%d]: duplicate block_id %q", i, b.BlockID)
			}
			ids[b.BlockID] = true
		}
		var txt *textObject
		if b.Type != "markdown" && len(b.Text) > 0 && string(b.Text) != "null" {
			txt = new(textObject)
			if err := json.Unmarshal(b.Text, txt); err != nil {
				add("blocks[%d].text: %v", i, err)
				continue
			}
		}
		switch b.Type {
		case "header":
			switch {
			case txt == nil:
				add("blocks[%d]: header without text", i)
			case txt.Type != "plain_text":
				add("blocks[%d]: header text is %q, not plain_text", i, txt.Type)
			case txt.Text == "":
				add("blocks[%d]: header text is empty", i)
			case length(txt.Text) > MaxHeaderText:
				add("blocks[%d]: header text: %d characters, more than %d", i, length(txt.Text), MaxHeaderText)
			}
		case "section":
			if txt == nil && len(b.Fields) == 0 {
				add("blocks[%d]: section without text or fields", i)
			}
			if txt != nil {
				checkText(add, fmt.Sprintf("blocks[%d].text", i), *txt, MaxSectionText)
			}
			if len(b.Fields) > MaxSectionFields {
				add("blocks[%d]: %d fields, more than %d", i, len(b.Fields), MaxSectionFields)
			}
			for j, f := range b.Fields {
				checkText(add, fmt.Sprintf("blocks[%d].fields[%d]", i, j), f, MaxFieldText)
			}
			if len(b.Accessory) > 0 && string(b.Accessory) != "null" {
				checkAccessory(add, fmt.Sprintf("blocks[%d].accessory", i), b.Accessory)
			}
		case "context":
			if len(b.Elements) == 0 {
				add("blocks[%d]: context without elements", i)
			}
			if len(b.Elements) > MaxContextElements {
				add("blocks[%d]: %d context elements, more than %d", i, len(b.Elements), MaxContextElements)
			}
			for j, e := range b.Elements {
				var t textObject
				if err := json.Unmarshal(e, &t); err != nil {
					add("blocks[%d].elements[%d]: %v", i, j, err)
					continue
				}
				if t.Type == "image" {
					continue
				}
				checkText(add, fmt.Sprintf("blocks[%d].elements[%d]", i, j), t, MaxSectionText)
			}
		case "markdown":
			var md string
			if err := json.Unmarshal(b.Text, &md); err != nil {
				add("blocks[%d]: markdown block needs a string text", i)
			} else if length(md) > MaxMarkdownBlock {
				add("blocks[%d]: markdown text: %d characters, more than %d", i, length(md), MaxMarkdownBlock)
			}
		}
	}
	return problems
}

// checkAccessory checks a section's accessory: a known element type, an
// action_id of at most 255 characters, buttons with plain_text text of at
// most 75 characters and a value of at most 2,000, overflow menus with two
// to five options, each with plain_text text of at most 75 characters and a
// non-empty value of at most 150, and images with a URL and alt text.
func checkAccessory(add func(string, ...any), where string, raw json.RawMessage) {
	var e element
	if err := json.Unmarshal(raw, &e); err != nil {
		add("%s: %v", where, err)
		return
	}
	if length(e.ActionID) > MaxActionID {
		add("%s: action_id: %d characters, more than %d", where, length(e.ActionID), MaxActionID)
	}
	switch e.Type {
	case "overflow":
		if len(e.Options) < MinOverflowOptions || len(e.Options) > MaxOverflowOptions {
			add("%s: overflow with %d options, not %d to %d", where, len(e.Options), MinOverflowOptions, MaxOverflowOptions)
		}
		values := map[string]bool{}
		for j, o := range e.Options {
			ow := fmt.Sprintf("%s.options[%d]", where, j)
			checkPlainText(add, ow, "option", o.Text, MaxOptionText)
			switch {
			case o.Value == "":
				add("%s: option without value", ow)
			case length(o.Value) > MaxOptionValue:
				add("%s: value: %d characters, more than %d", ow, length(o.Value), MaxOptionValue)
			case values[o.Value]:
				add("%s: duplicate value %q", ow, o.Value)
			}
			values[o.Value] = true
		}
	case "button":
		checkPlainText(add, where, "button", e.Text, MaxButtonText)
		if e.Value != nil && length(*e.Value) > MaxButtonValue {
			add("%s: value: %d characters, more than %d", where, length(*e.Value), MaxButtonValue)
		}
	case "image":
		if e.ImageURL == "" || e.AltText == "" {
			add("%s: image without image_url or alt_text", where)
		}
	case "static_select", "multi_static_select", "users_select", "conversations_select",
		"channels_select", "datepicker", "timepicker", "checkboxes", "radio_buttons",
		"external_select", "multi_users_select", "multi_conversations_select",
		"multi_channels_select", "multi_external_select", "datetimepicker":
	default:
		add("%s: unknown accessory type %q", where, e.Type)
	}
}

// checkPlainText checks the text t of an element (what: "option",
// "button") at where: present, plain_text, and within max characters.
func checkPlainText(add func(string, ...any), where, what string, t *textObject, max int) {
	switch {
	case t == nil:
		add("%s: %s without text", where, what)
	case t.Type != "plain_text":
		add("%s: %s text is %q, not plain_text", where, what, t.Type)
	default:
		checkText(add, where+".text", *t, max)
	}
}

// checkText checks one text object.
func checkText(add func(string, ...any), where string, t textObject, max int) {
	switch {
	case t.Type != "mrkdwn" && t.Type != "plain_text":
		add("%s: text type %q", where, t.Type)
	case t.Text == "":
		add("%s: empty text", where)
	case length(t.Text) > max:
		add("%s: %d characters, more than %d", where, length(t.Text), max)
	}
}

// length counts s in UTF-16 code units.
func length(s string) int {
	n := 0
	for _, r := range s {
		if w := utf16.RuneLen(r); w > 0 {
			n += w
		} else {
			n += 2
		}
	}
	return n
}

var (
	// controlSeq matches Slack's special sequences: mentions of users,
	// channels, groups and everyone (<@U…>, <#C…>, <!channel>, <!subteam^…>).
	controlSeq = regexp.MustCompile(`<[!@#][^>]*>`)
	// linkSeq matches a link "<url>" or "<url|text>".
	linkSeq = regexp.MustCompile(`<([^<>|]*)(?:\|[^<>]*)?>`)
	// scheme matches a URL's scheme.
	scheme = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*):`)
)

// LiveMentions returns the live mentions and special sequences in mrkdwn
// text s (<!channel>, <!here>, <!everyone>, <@U…>, <#C…> and the like), and
// its links whose scheme is not http or https (or that have none).
func LiveMentions(s string) []string {
	found := controlSeq.FindAllString(s, -1)
	for _, m := range linkSeq.FindAllStringSubmatch(s, -1) {
		target := m[1]
		if strings.HasPrefix(target, "!") || strings.HasPrefix(target, "@") || strings.HasPrefix(target, "#") {
			continue // already reported
		}
		sm := scheme.FindStringSubmatch(target)
		if sm == nil || !strings.EqualFold(sm[1], "http") && !strings.EqualFold(sm[1], "https") {
			found = append(found, m[0])
		}
	}
	return found
}

// MrkdwnTexts returns the text of every mrkdwn text object in blocks, where
// Slack parses mentions and links.
func MrkdwnTexts(blocks json.RawMessage) []string {
	if len(blocks) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(blocks, &v); err != nil {
		return nil
	}
	var texts []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["type"] == "mrkdwn" || v["type"] == "markdown" {
				if t, ok := v["text"].(string); ok {
					texts = append(texts, t)
				}
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(v)
	return texts
}
