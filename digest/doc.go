// Package digest turns pending matches into delivered Slack messages.
//
// The pipeline is Build, Render, Deliver. Build groups entries by profile and
// channel, folds the entries that report the same story into one, and ranks
// the stories. Render turns a digest into Block Kit messages that respect
// Slack's limits, splitting the overflow into thread replies so that no story
// is hidden, and escapes every string that came from a feed so that it cannot
// mention anyone or smuggle a link. Deliver posts the messages in order,
// retrying by the policy in Retry, and marks a message's items delivered only
// after Slack accepted it.
//
// # Folding
//
// One story appears once, however many outlets carry it. Entries fold
// exactly when they share an item ID or a link to the same page (tracking
// parameters, "www.", scheme and fragment ignored), or when different
// outlets (Entry.Outlet: the publisher an aggregator credits, else the feed)
// give the same normalised title. They fold as near-duplicates when
// different outlets carry the same agency copy under other URLs and titles:
// pairs are compared (every pair in a digest of up to a few hundred
// entries, beyond that only pairs that share a title word or a lead
// shingle; over small sorted sets of hashed word 3-shingles) by the
// overlap of their leads (the first 60 words of Entry.Summary, datelines
// such as "NEW DELHI (Reuters) -" removed), or, without leads, by the words
// of their titles. Guards keep look-alike stories apart even when their
// words agree: numbers that disagree (the 23rd and the 24th plenary), a name
// or number replaced by another in templated copy (Agni-5 and Agni-Prime),
// names that swap roles (US tariffs on India and India's on the US), or
// publication times days apart. Groups merge only when no pair across them
// trips a guard. The best-scored entry represents the story, among those
// whose link leads to the publisher rather than to an aggregator if any
// does; the others' links become Duplicates and their outlets AlsoIn ("also: Outlet A, Outlet
// B"). The thresholds were chosen on the labelled set in testdata/neardup,
// which TestNearDuplicates measures.
//
// # Ranking
//
// A story's Rank (RankScore) is its match score, which already weighs title
// hits over body hits and distinct terms over repeated ones, times a
// coverage factor that grows with the logarithm of the number of outlets,
// times a recency factor that halves every RecencyHalfLife. Ties go to the
// newer story. Render shows the top Options.TopN with their source, age,
// matched terms and other outlets under a header with the profile's name,
// the date in the team's timezone and its description; the rest follow in a
// thread reply.
//
// # Alerts and quiet days
//
// RenderAlert renders the matches of profiles with immediate alerts from one
// poll as one compact message per channel. RenderEmpty renders the single
// line a channel gets on a day without matches, when Options.PostEmpty is
// set.
//
// # Output for people and machines
//
// WriteText prints digests for terminals, WriteJSON as JSON Lines, and
// WriteHTML as a static page that mimics Slack's layout for the exact
// messages Render produces, for previewing a digest with someone who does not
// use the CLI (docs/digest-preview.png).
//
// The package knows nothing of SQL or feed parsing: callers hand it Entry
// values and satisfy the small Poster and Marker interfaces it declares.
package digest
