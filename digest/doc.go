// Package digest turns pending matches into delivered Slack messages.
//
// The pipeline is Build, Render, Deliver. Build groups entries by profile and
// channel, folds entries that report the same story (the same canonical link,
// or the same normalised title from different feeds) and ranks the stories,
// best score first and the most recent first on ties. Render turns a digest
// into Block Kit messages that respect Slack's limits, splitting the overflow
// into thread replies so that no story is hidden, and escapes every string
// that came from a feed so that it cannot mention anyone or smuggle a link.
// Deliver posts the messages in order, retrying by the policy in Retry, and
// marks a message's items delivered only after Slack accepted it.
//
// WriteText and WriteJSON print digests for terminals and machines instead.
//
// The package knows nothing of SQL or feed parsing: callers hand it Entry
// values and satisfy the small Poster and Marker interfaces it declares.
package digest
