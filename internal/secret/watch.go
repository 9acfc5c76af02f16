package secret

import (
	"context"
	"errors"
	"os"
	"time"

	"go.uber.org/zap"
)

// Watched is a group of secret files reloaded and counted together under one
// name ("upstream": the Identity Center token and its expiry; "inbound": the
// tokens Okta presents).
type Watched struct {
	Name  string
	Files []*File
	// Changed, when set, runs after a reload of the group in which at least
	// one file's value changed; changed lists those files. A file re-read
	// with the value it had (SIGHUP, a file that came back) is not listed.
	Changed func(changed []*File)
}

// WatcherConfig configures a Watcher.
type WatcherConfig struct {
	// Interval between polls of the files' contents; default 5s. Kubernetes
	// updates a mounted Secret within about a minute of the change, so the
	// poll is never the slow part.
	Interval time.Duration
	Logger   *zap.Logger
	// Reloaded, when set, is told the outcome of every reload of a group
	// (metrics.Metrics.TokenReloaded).
	Reloaded func(name string, err error)
	// State, when set, is told after every poll and reload whether each
	// group's files are all in use (nil) or one is refused (why), so that a
	// bad file stays visible until it is fixed, not only when it changes
	// (metrics.Metrics.TokenFileState).
	State func(name string, err error)
}

// Watcher reloads secret files when their content changes (polled: no
// inotify, which misses Kubernetes' symlink swaps on some file systems) and
// on demand (SIGHUP). It never logs a value, only fingerprints.
type Watcher struct {
	cfg     WatcherConfig
	watched []Watched
}

// NewWatcher watches the groups given; groups without files are ignored.
func NewWatcher(cfg WatcherConfig, groups ...Watched) *Watcher {
	if cfg.Interval <= 0 {
		cfg.Interval = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	w := &Watcher{cfg: cfg}
	for _, g := range groups {
		var files []*File
		for _, f := range g.Files {
			if f != nil {
				files = append(files, f)
			}
		}
		if len(files) > 0 {
			g.Files = files
			w.watched = append(w.watched, g)
		}
	}
	return w
}

// Run polls every Interval and reloads everything when hup delivers, until
// ctx ends.
func (w *Watcher) Run(ctx context.Context, hup <-chan os.Signal) {
	w.reportState()
	t := time.NewTicker(w.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			w.Poll()
		case <-hup:
			w.cfg.Logger.Info("SIGHUP: reloading token files")
			w.ReloadAll()
		}
	}
}

// Poll reloads the files whose content changed since they were last read.
func (w *Watcher) Poll() { w.reload(false) }

// ReloadAll re-reads every file, changed or not.
func (w *Watcher) ReloadAll() { w.reload(true) }

func (w *Watcher) reload(force bool) {
	for _, g := range w.watched {
		var reloaded, changed []*File
		var errs []error
		for _, f := range g.Files {
			var ch bool
			var err error
			before := f.Value()
			if force {
				ch, err = true, f.Reload()
			} else {
				ch, err = f.Refresh()
			}
			if !ch {
				continue
			}
			if err != nil {
				errs = append(errs, err)
				// The message names the path and the reason, never the value.
				w.cfg.Logger.Error("token file reload failed; still using the previous value",
					zap.String("token", g.Name), zap.String("path", f.Path()), zap.Error(err))
				continue
			}
			reloaded = append(reloaded, f)
			if f.Value() != before {
				changed = append(changed, f)
			}
			fps := make([]string, 0, MaxInboundTokens)
			for _, t := range Split(f.Value()) {
				fps = append(fps, Fingerprint(t))
			}
			w.cfg.Logger.Info("token file reloaded", zap.String("token", g.Name),
				zap.String("path", f.Path()), zap.Strings("fingerprints", fps))
		}
		if len(reloaded) == 0 && len(errs) == 0 {
			continue
		}
		if w.cfg.Reloaded != nil {
			w.cfg.Reloaded(g.Name, errors.Join(errs...))
		}
		if len(changed) > 0 && g.Changed != nil {
			g.Changed(changed)
		}
	}
	w.reportState()
}

// reportState tells State whether each group's files are in use.
func (w *Watcher) reportState() {
	if w.cfg.State == nil {
		return
	}
	for _, g := range w.watched {
		var errs []error
		for _, f := range g.Files {
			if err := f.Err(); err != nil {
				errs = append(errs, err)
			}
		}
		w.cfg.State(g.Name, errors.Join(errs...))
	}
}
