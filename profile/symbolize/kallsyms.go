package symbolize

import (
	"bufio"
	"bytes"
	"sort"
	"strconv"
	"strings"

	"github.com/flametop/flametop/profile/sanitize"
)

// Kallsyms is the kernel's symbol table, sorted by address.
type Kallsyms struct {
	addrs  []uint64
	names  []string
	hidden bool // every address read as zero: kptr_restrict hides them
}

// ParseKallsyms reads /proc/kallsyms content ("addr type name [module]").
// Only text symbols count; module symbols keep their name (the module is in
// brackets in the file and in the kernel's own stack dumps, not here).
func ParseKallsyms(data []byte) *Kallsyms {
	type ent struct {
		addr uint64
		name string
	}
	var ents []ent
	zeros, total := 0, 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<16)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 || len(f[1]) != 1 {
			continue
		}
		switch f[1][0] {
		case 't', 'T', 'w', 'W':
		default:
			continue
		}
		addr, err := strconv.ParseUint(f[0], 16, 64)
		if err != nil {
			continue
		}
		total++
		if addr == 0 {
			zeros++
			continue
		}
		ents = append(ents, ent{addr, f[2]})
	}
	k := &Kallsyms{hidden: total > 0 && zeros == total}
	sort.SliceStable(ents, func(i, j int) bool { return ents[i].addr < ents[j].addr })
	for _, e := range ents {
		k.addrs = append(k.addrs, e.addr)
		k.names = append(k.names, sanitize.String(e.name))
	}
	return k
}

// Hidden reports that kptr_restrict zeroed every address.
func (k *Kallsyms) Hidden() bool { return k.hidden }

// Lookup names the kernel function holding addr.
func (k *Kallsyms) Lookup(addr uint64) (string, bool) {
	i := sort.Search(len(k.addrs), func(i int) bool { return k.addrs[i] > addr }) - 1
	if i < 0 {
		return "", false
	}
	return k.names[i], true
}
