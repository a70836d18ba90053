// Package feedback closes the loop from readers back to profiles: it receives
// the clicks on the feedback menu that digest puts on every story (see
// digest.FeedbackActionID), records them in the store once each, answers the
// reader with an ephemeral "noted", and turns the recorded judgements into a
// per-profile report with suggested profile edits.
//
// Clicks arrive by one of Slack's two standard transports: Socket Mode
// (Socket, a WebSocket that newsbot opens with an app-level token, for
// deployments without a public URL) or the HTTP request URL (Handler, which
// verifies every request with the app's signing secret). Both hand the
// block_actions payload to a Recorder. With several replicas, any may receive
// a click; the store's unique key makes it count once.
package feedback
