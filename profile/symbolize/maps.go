package symbolize

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"

	"github.com/flametop/flametop/profile/sanitize"
)

// mapping is one line of /proc/PID/maps.
type mapping struct {
	start, end uint64
	perms      string
	offset     uint64 // file offset of start
	devMajor   uint32
	devMinor   uint32
	inode      uint64
	path       string // as the kernel printed it, " (deleted)" stripped: to open
	name       string // path, sanitized: to show
	deleted    bool
}

func (m *mapping) exec() bool       { return len(m.perms) > 2 && m.perms[2] == 'x' }
func (m *mapping) fileBacked() bool { return m.inode != 0 && strings.HasPrefix(m.path, "/") }

// maxMapsLines bounds what a hostile or huge process can make us hold.
const maxMapsLines = 1 << 20

// parseMaps parses /proc/PID/maps. Lines it cannot read are skipped: the
// format is the kernel's, but the paths in it are anyone's.
func parseMaps(data []byte) []mapping {
	var out []mapping
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() && len(out) < maxMapsLines {
		if m, ok := parseMapsLine(sc.Text()); ok {
			out = append(out, m)
		}
	}
	return out
}

func parseMapsLine(line string) (mapping, bool) {
	var m mapping
	fields := make([]string, 0, 5)
	rest := line
	for len(fields) < 5 {
		rest = strings.TrimLeft(rest, " ")
		i := strings.IndexByte(rest, ' ')
		if i < 0 {
			fields = append(fields, rest)
			rest = ""
			break
		}
		fields = append(fields, rest[:i])
		rest = rest[i+1:]
	}
	if len(fields) < 5 {
		return m, false
	}
	lo, hi, ok := strings.Cut(fields[0], "-")
	if !ok {
		return m, false
	}
	var err error
	if m.start, err = strconv.ParseUint(lo, 16, 64); err != nil {
		return m, false
	}
	if m.end, err = strconv.ParseUint(hi, 16, 64); err != nil || m.end <= m.start {
		return m, false
	}
	m.perms = fields[1]
	if m.offset, err = strconv.ParseUint(fields[2], 16, 64); err != nil {
		return m, false
	}
	maj, min, ok := strings.Cut(fields[3], ":")
	if !ok {
		return m, false
	}
	a, err1 := strconv.ParseUint(maj, 16, 32)
	b, err2 := strconv.ParseUint(min, 16, 32)
	if err1 != nil || err2 != nil {
		return m, false
	}
	m.devMajor, m.devMinor = uint32(a), uint32(b)
	if m.inode, err = strconv.ParseUint(fields[4], 10, 64); err != nil {
		return m, false
	}
	m.path = strings.TrimLeft(rest, " ")
	if p, ok := strings.CutSuffix(m.path, " (deleted)"); ok {
		m.path, m.deleted = p, true
	}
	m.name = sanitize.String(m.path)
	return m, true
}
