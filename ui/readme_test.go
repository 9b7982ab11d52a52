package ui

import (
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// The README's key table and screen captures are generated from the key map
// and the views themselves; this test keeps them true (-update rewrites).
func TestReadmeIsCurrent(t *testing.T) {
	const path = "../README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	var screens strings.Builder
	for _, v := range []struct{ title, keys string }{
		{"Top", ""},
		{"Flame graph", "tab up up up"},
		{"Callers (Enter on a Top row)", "enter"},
	} {
		m := newTestModel(t, 80, 24, Config{GroupByProcess: true})
		keys(t, m, strings.Fields(v.keys)...)
		screens.WriteString("**" + v.title + "**\n\n```\n" + trimRight(ansi.Strip(m.render())) + "\n```\n\n")
	}
	got := replaceSection(readme, "screens", screens.String())
	got = replaceSection(got, "keys", KeyTable())
	if got == readme {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Error("README.md's generated sections are stale: run go test ./ui -run Readme -update")
}

func trimRight(s string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return strings.Join(lines, "\n")
}

// replaceSection swaps the text between <!-- name:begin --> and
// <!-- name:end -->.
func replaceSection(doc, name, body string) string {
	begin, end := "<!-- "+name+":begin -->\n", "<!-- "+name+":end -->"
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		return doc + "\n" + begin + body + end + "\n"
	}
	return doc[:i+len(begin)] + body + doc[j:]
}
