package symbolize

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// debuginfod fetches separate debug files by build id over HTTP (the
// debuginfod protocol: GET <server>/buildid/<id>/debuginfo) into the local
// client cache that elfutils and GDB share. Fetches run in the background:
// a lookup never waits for the network; the frames of an object name
// themselves from the debug file once it has arrived.
type debuginfod struct {
	urls   []string
	cache  string
	client *http.Client
	slots  chan struct{}  // bounds concurrent downloads
	wg     sync.WaitGroup // running fetches, for tests

	mu      sync.Mutex
	started map[string]bool // build ids asked for
	done    map[string]bool // build ids whose fetch has finished, found or not
}

// Limits: a debug file is large but not unbounded, and a server that
// stalls must not hold a goroutine forever.
const (
	maxDebugDownload  = 2 << 30
	debuginfodTimeout = 2 * time.Minute
	maxDownloads      = 4 // at once: a process maps dozens of libraries
)

// newDebuginfod reads DEBUGINFOD_URLS and the cache location the way the
// elfutils client does; it returns nil when no server is configured and no
// cache exists.
func newDebuginfod(urls []string, cache string) *debuginfod {
	if urls == nil {
		urls = strings.Fields(os.Getenv("DEBUGINFOD_URLS"))
	}
	if cache == "" {
		cache = os.Getenv("DEBUGINFOD_CACHE_PATH")
	}
	if cache == "" {
		if x := os.Getenv("XDG_CACHE_HOME"); x != "" {
			cache = filepath.Join(x, "debuginfod_client")
		} else if home, err := os.UserHomeDir(); err == nil {
			cache = filepath.Join(home, ".cache", "debuginfod_client")
		}
	}
	return &debuginfod{
		urls: urls, cache: cache,
		client:  &http.Client{Timeout: debuginfodTimeout},
		started: map[string]bool{}, done: map[string]bool{},
		slots: make(chan struct{}, maxDownloads),
	}
}

// cachePath is where the client cache keeps a build id's debug file.
func (d *debuginfod) cachePath(id string) string {
	if d == nil || d.cache == "" || !validBuildID(id) {
		return ""
	}
	return filepath.Join(d.cache, id, "debuginfo")
}

func validBuildID(id string) bool {
	if len(id) < 8 || len(id) > 128 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// finished tells whether a fetch of id has ended, found or not.
func (d *debuginfod) finished(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.done[id]
}

// fetch starts a background download of id's debug file unless one was
// started already.
func (d *debuginfod) fetch(id string) {
	if len(d.urls) == 0 || d.cache == "" || !validBuildID(id) {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.started[id] {
		return
	}
	d.started[id] = true
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.slots <- struct{}{}
		defer func() { <-d.slots }()
		for _, u := range d.urls {
			if d.download(strings.TrimRight(u, "/")+"/buildid/"+id+"/debuginfo", d.cachePath(id)) == nil {
				break
			}
		}
		d.mu.Lock()
		d.done[id] = true
		d.mu.Unlock()
	}()
}

// download writes url to dst atomically: a partial file is never seen.
func (d *debuginfod) download(url, dst string) error {
	ctx, cancel := context.WithTimeout(context.Background(), debuginfodTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".debuginfo-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, io.LimitReader(resp.Body, maxDebugDownload+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if n > maxDebugDownload {
		return fmt.Errorf("%s: larger than %d GiB", url, maxDebugDownload>>30)
	}
	return os.Rename(tmp.Name(), dst)
}
