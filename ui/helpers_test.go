package ui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/flametop/flametop/profile"
	"github.com/flametop/flametop/profile/profiletest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixture is the profile every view test and golden file uses.
func fixture() *profile.Profile {
	return profiletest.FromStacks(
		"app;main;run;parse;json::Parser<std::string>::next(char const*) 300",
		"app;main;run;parse;strlen 60",
		"app;main;run;compute;hot_loop 900",
		"app;main;run;compute;hot_loop;write;ksys_write_[k];vfs_write_[k] 120",
		"app;main;run;compute;runtime.mallocgc 80",
		"app;main;idle;[missing user stack] 40",
		"worker;start_thread;worker_main;crc32+crc32_update 200",
		"worker;start_thread;worker_main;memcpy 100",
	)
}

type fakeController struct {
	windows []time.Duration
	resets  int
}

func (f *fakeController) SetWindow(d time.Duration) { f.windows = append(f.windows, d) }
func (f *fakeController) Reset()                    { f.resets++ }

// newTestModel is a model sized w×h with the fixture loaded and digested.
func newTestModel(t testing.TB, w, h int, cfg Config) *Model {
	t.Helper()
	m := New(cfg)
	m.now = func() time.Time { return profiletest.Start }
	send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	send(t, m, SnapshotMsg{Profile: fixture(), Header: Header{Target: "app (1003)", Event: "cpu-clock", Frequency: 99, Samples: 1800, Elapsed: 10 * time.Second}})
	return m
}

// send delivers msg and runs the commands it returns, synchronously, the
// way the Bubble Tea runtime would (minus quitting).
func send(t testing.TB, m *Model, msg tea.Msg) (quit bool) {
	t.Helper()
	_, cmd := m.Update(msg)
	for cmd != nil {
		out := cmd()
		if _, ok := out.(tea.QuitMsg); ok {
			return true
		}
		if out == nil {
			return false
		}
		_, cmd = m.Update(out)
	}
	return false
}

var keyNames = map[string]rune{
	"tab": tea.KeyTab, "enter": tea.KeyEnter, "esc": tea.KeyEscape, "up": tea.KeyUp, "down": tea.KeyDown,
	"left": tea.KeyLeft, "right": tea.KeyRight, "backspace": tea.KeyBackspace, "home": tea.KeyHome,
	"end": tea.KeyEnd, "pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp,
}

// press turns "j", "enter", "ctrl+c", "shift+tab" into a key press.
func press(s string) tea.KeyPressMsg {
	switch {
	case s == "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case s == "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case keyNames[s] != 0:
		return tea.KeyPressMsg{Code: keyNames[s]}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// keys presses each key in turn; text after "type:" is typed rune by rune.
func keys(t testing.TB, m *Model, seq ...string) (quit bool) {
	t.Helper()
	for _, k := range seq {
		if txt, ok := strings.CutPrefix(k, "type:"); ok {
			for _, r := range txt {
				send(t, m, press(string(r)))
			}
			continue
		}
		if send(t, m, press(k)) {
			return true
		}
	}
	return false
}

// screen is the rendered screen without styles.
func screen(m *Model) string { return ansi.Strip(m.render()) }

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test ./ui -update rewrites it); got:\n%s", name, ansi.Strip(got))
	}
}
