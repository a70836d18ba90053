// Package matcher decides which profiles a news item belongs to.
//
// A profile file is YAML with a top-level profiles: list and, optionally,
// named term lists shared by its profiles:
//
//	lists:
//	  india: [India, Indian, New Delhi, भारत]
//	  us: [United States, {term: US, case: true}, Washington, अमेरिका]
//	profiles:
//	  - name: tariffs                # unique across all files
//	    description: India–US tariffs and trade talks   # shown in the digest
//	    channel: "#trade"            # optional; empty = the default channel
//	    alert: ""                    # "" or "immediate"
//	    weights: {title: 3, body: 1} # the defaults
//	    lists:                       # optional, this profile only
//	      trade: [tariff, import duty, trade deal, {term: BTA, case: true}]
//	    ignore: [electricity tariff] # phrases whose words never count
//	    none: [quiz]                 # a hit on any of these vetoes the profile
//	    rules:                       # the profile matches when any rule fires
//	      - any: [$trade]            # triggers: at least one must hit
//	        near: [$india, $us]      # each entry must hit near a trigger...
//	        within: 20               # ...at most 20 words away
//	      - any: [Bilateral Trade Agreement]
//	        all: [$india, [USTR, Washington]]  # each entry must hit anywhere
//	        none: [EU]               # a hit on any of these vetoes the rule
//
// # Terms
//
// A term is a word or phrase. Written as a plain string it is
// case-insensitive; {term: TRUST, case: true} is case-sensitive, for acronyms
// that are also ordinary words. {term: ..., exact: true} turns off the
// plural/singular variants below. A plain string starting with "$" names a
// list (top-level or the profile's own; lists may use other lists); the
// mapping form is always literal, so {term: "$5"} is the text "$5".
//
// Terms match whole words only. A word is a run of Unicode letters, digits
// and combining marks, so Devanagari vowel signs (matras), virama and
// anusvara continue a word: "टैरिफ" does not match inside "टैरिफों" unless
// asked to (see plurals), "Indus" does not match "Industry" or "IndusInd", and
// "trust" does not match "trustee" or "Trusts" (but a case-insensitive
// "trust" matches "Trusts", its plural). Everything else separates words:
// spaces of every kind (NBSP included), punctuation, straight and curly
// quotes, and all hyphens and dashes; "&" is the word "and", so "R&D" is
// "R and D" and "Research & Engineering" is "Research and Engineering".
// Both the item and the term are compared in normal form (see Normalize):
// NFKC, Unicode case folding, zero-width joiners and the Devanagari nukta
// removed ("टैरिफ़" = "टैरिफ").
//
// Capitals are evidence only where lower case was possible. A
// case-sensitive hit does not count in text written in capitals: when the
// nearest cased words on either side of it (up to six each way) are all in
// capitals, as in the headline "LET US BUILD TRUST", neither "US" nor
// "TRUST" hits, because "INDIA, US BUILD TRUST" is spelled the same way
// whether it means the country and the initiative or the pronoun and the
// word. The body, usually in mixed case, then decides. A word in a script
// without case (Devanagari) counts as lower case: "भारत-अमेरिका TRUST पहल"
// is not text in capitals.
//
// Spelling variants come free:
//   - A hyphen, dash, dot or slash between two words of a term also matches
//     a space or nothing there: "INDUS-X" matches "INDUS X", "Indus–X",
//     "Indus—X" and "INDUSX". Write the hyphenated form: a term written
//     "INDUS X" or "INDUSX" matches only the spaced or the closed-up
//     spelling.
//   - Dotted abbreviations are not ordinary words. A run of single dots
//     between words ("U.S.", "U.N.", "S.T.E.M.", "Ph.D.") closes up as a
//     whole or not at all, and closed up it matches only in capitals as
//     written, or all in capitals: "U.S." matches "U.S.", "U.S", "U. S.",
//     "u.s." and "US", never "us" or "Us"; "U.N." never "Un" (Kim Jong Un);
//     "Ph.D." matches "PhD" and "PHD", not "phd"; a term written in lower
//     case ("u.s.") closes up in capitals ("US"). The rule needs no word
//     list: a closed-up abbreviation is written in capitals in news text,
//     and many are ordinary words in lower case (us, un, stem, who, it),
//     including names no English word list holds. A closed-up abbreviation
//     takes no plural. A dot between two numbers is a decimal point:
//     "1.5" never matches "15".
//   - The last word of a case-insensitive, non-exact term also matches its
//     singular or plural: tariff/tariffs, duty/duties, levy/levies,
//     tax/taxes, group/groups, and in Devanagari टैरिफ/टैरिफों. Other
//     inflections (tested, testing) must be listed.
//   - A possessive needs nothing: "DRDO's" is the word DRDO followed by "s".
//
// # The order rules apply in
//
// For each item, Match
//  1. normalises and splits the title and the body into words, remembering
//     each word's byte span in the original text;
//  2. finds every occurrence of every term of every profile in one pass per
//     field (a single automaton), and drops case-sensitive occurrences whose
//     letters differ in case from the term, closed-up abbreviations not in
//     capitals, and both of these where the text is written in capitals;
//  3. for each profile with at least one trigger occurrence: hides the
//     occurrences that overlap one of the profile's ignore: phrases (in
//     "Press Trust of India", neither "Trust" nor "India" counts);
//  4. drops the profile if any of its none: terms has a (visible) hit;
//  5. tries every rule: it fires when one of its any: terms hits, none of its
//     none: terms hits anywhere, every all: entry has a hit anywhere (title
//     or body), and — if it has near: — every near: entry has a hit with at
//     most within words between it and one trigger occurrence, not
//     overlapping it; for distances the title reads as the words just before
//     the body, so a headline's trigger finds its context in the lead;
//  6. reports the profile if any rule fired.
//
// A Hit lists the terms of the fired rules that hit (triggers and the
// context they needed), in the order the profile first uses them, their
// spans, and a score: each distinct trigger term adds the title weight if it
// is in the title and the body weight if it is in the body, plus a tenth of
// that weight per repeat (at most five). Hits come in profile order.
//
// # Errors
//
// ParseProfiles reports syntax, unknown keys, wrong types and malformed
// terms, and refuses a file over its limits (MaxFileSize, MaxFileValues,
// MaxFileTerms) before the file can cost much memory; Compile reports what
// needs all files together: duplicate profile names, profiles without
// rules, terms with no letters or digits, undefined or circular lists, and
// profiles that can never match because an ignore: phrase or a none: term
// lies inside every trigger. Both return every problem at once (at most
// MaxFileErrors per file, then a count of the rest) as a yamlpos.List of
// "file:line:col: message". Matcher.Warnings lists what works but is
// surely not meant: a rule or a trigger dead for the same reason in a
// profile that can still match.
//
// # Implementation
//
// Compile, in time and memory linear in the terms, interns every distinct
// normalised word of every term as an integer and builds one Aho–Corasick
// automaton whose alphabet is those integers; each spelling of each term is
// one pattern. Each state keeps only the patterns that end there and a link
// to the next state on its fail chain that has some. Match tokenises the text
// (ASCII words take a fast path without allocation), maps each word to its
// id (unknown words reset the automaton) and steps the automaton once per
// word. Working on words rather than bytes gives Unicode whole-word
// semantics by construction — byte-level automata must test boundaries
// after the fact and report overlapping partial-word matches — and it keeps
// the automaton small. Only the profiles that a trigger hit are then
// evaluated, so the cost of an item grows with its length and its hits, not
// with the number of profiles. A Matcher is immutable and safe for
// concurrent use; per-call buffers come from a pool.
package matcher
