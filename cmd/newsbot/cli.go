package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/alecthomas/kong"
	"golang.org/x/term"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Exit codes, a contract for scripts: 0 success; 1 a digest could not be
// delivered or the run failed; 2 usage or configuration error.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// exitError carries an exit code with the error that caused it.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

// cli is the command line grammar. Command and flag names are a contract.
type cli struct {
	Config    string           `help:"Configuration file. Without one, newsbot runs on its built-in feeds and profiles." default:"newsbot.yaml" env:"NEWSBOT_CONFIG" placeholder:"FILE"`
	LogLevel  string           `help:"Log level: debug, info, warn or error." default:"info" enum:"debug,info,warn,error" env:"NEWSBOT_LOG_LEVEL"`
	LogFormat string           `help:"Log format: text, or json (one object per line). Default: log_format in the configuration, else text." enum:"text,json," default:"" env:"NEWSBOT_LOG_FORMAT" placeholder:"text|json"`
	Version   kong.VersionFlag `help:"Print the version and exit."`

	Run      runCmd      `cmd:"" help:"Run the daemon: poll on schedule.poll, post digests on schedule.digest."`
	Once     onceCmd     `cmd:"" help:"Poll once, deliver every pending digest now, and exit."`
	Backfill backfillCmd `cmd:"" help:"Fetch all feeds, re-match stored items of a period, deliver what was not delivered."`
	Digest   digestCmd   `cmd:"" help:"Deliver the pending digests now, without polling; --preview shows them as they will appear (text or --format html)."`
	Validate validateCmd `cmd:"" help:"Check the configuration and profiles; exit 2 with every error as file:line:col."`
	Feeds    feedsCmd    `cmd:"" help:"Show each feed's health: last success, last error, failures, next poll."`
	Migrate  migrateCmd  `cmd:"" help:"Create or upgrade the store's schema (also done on start-up) and exit."`
	Store    storeCmd    `cmd:"" help:"Maintain the store: copy it to another (SQLite to PostgreSQL), show its stats, check its integrity."`
	Test     testCmd     `cmd:"" help:"Show what profiles catch, before an edit goes live: on text, files or stored items; --diff shows what an edit adds and drops."`
	Health   healthCmd   `cmd:"" help:"Ask the local daemon (GET /healthz on http.listen) whether it is alive: exit 0 or 1. The image's HEALTHCHECK."`
	Feedback feedbackCmd `cmd:"" help:"Show what readers said in Slack about each profile's entries, its precision, and suggested profile edits."`
}

// env is what every command gets: the parsed globals, the output streams
// and the clock.
type env struct {
	globals *cli
	stdout  io.Writer
	stderr  io.Writer
	log     *slog.Logger
	jsonLog bool // log writes JSON
	now     func() time.Time
}

type kongExit int

// Main runs newsbot with args and returns the process exit code. It is main
// without the process: tests call it directly.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	var c cli
	parser, err := kong.New(&c,
		kong.Name("newsbot"),
		kong.Description("newsbot polls RSS/Atom/JSON feeds, matches items against keyword profiles, and posts a digest per profile to Slack.\n\nStart with `newsbot once --dry-run` to see what the built-in feeds and profiles catch."),
		kong.Vars{"version": "newsbot " + version},
		kong.UsageOnError(),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { panic(kongExit(code)) }),
	)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: %v\n", err)
		return exitFailed
	}
	defer func() {
		if r := recover(); r != nil {
			if k, ok := r.(kongExit); ok {
				code = int(k)
				if code != 0 {
					code = exitUsage
				}
				return
			}
			panic(r)
		}
	}()
	kctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: %v\n", err)
		if kctx != nil {
			fmt.Fprintln(stderr, "Run `newsbot --help` for usage.")
		}
		return exitUsage
	}
	e := &env{
		globals: &c,
		stdout:  stdout,
		stderr:  stderr,
		log:     newLogger(stderr, c.LogLevel, c.LogFormat),
		jsonLog: c.LogFormat == "json",
		now:     time.Now,
	}
	kctx.BindTo(ctx, (*context.Context)(nil))
	if err := kctx.Run(e); err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.err != nil {
				e.printError(ee.err)
			}
			return ee.code
		}
		e.printError(err)
		return exitFailed
	}
	return exitOK
}

func printError(w io.Writer, err error) {
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		fmt.Fprintln(w, msg)
		return
	}
	fmt.Fprintf(w, "newsbot: %s\n", msg)
}

// printError writes the error that ends a command: as text, or as one
// JSON log record when the logs are JSON, so that a log collector reading
// stderr sees only JSON.
func (e *env) printError(err error) {
	if e.jsonLog {
		e.log.Error("newsbot stopped", "error", err.Error())
		return
	}
	printError(e.stderr, err)
}

// newLogger returns the logger of level and format ("json", else text)
// writing to w.
func newLogger(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: l}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// loadConfig reads the configuration; every problem is a usage error (exit
// 2). When --log-format is not given, log_format sets the log format from
// here on.
func (e *env) loadConfig() (*config.Config, error) {
	cfg, err := config.Load(e.globals.Config)
	if err != nil {
		return nil, usageError(err)
	}
	if e.globals.LogFormat == "" && cfg.LogFormat == "json" && !e.jsonLog {
		e.log = newLogger(e.stderr, e.globals.LogLevel, "json")
		e.jsonLog = true
	}
	return cfg, nil
}

// openStore loads the configuration and opens the configured store,
// applying any pending migration; the caller must Close the store.
func (e *env) openStore(ctx context.Context) (*config.Config, *store.Store, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, cfg.Store.Value())
	if err != nil {
		return nil, nil, err
	}
	return cfg, st, nil
}

// isTerminal reports whether w is a terminal, for progress display: a
// file, pipe or /dev/null (a character device, but no terminal) is not.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
