package symbolize

import (
	"bytes"
	"sort"
	"strconv"
	"strings"

	"github.com/flametop/flametop/profile/sanitize"
)

// Kallsyms is the kernel's symbol table, sorted by address: the kernel's
// own functions, those of loaded modules, and BPF programs (listed with a
// "[bpf]" module).
type Kallsyms struct {
	addrs   []uint64
	names   []string
	modules []string // "" for the kernel image, else the module, "bpf" for BPF programs
	hidden  bool     // every address read as zero: kptr_restrict hides them
}

// maxKernelFunc bounds how far past a symbol's start an address may be and
// still belong to it: kallsyms gives no sizes, and past the last symbol of
// the image or of a module lies other code, or none.
const maxKernelFunc = 1 << 20

// ParseKallsyms reads /proc/kallsyms content: "addr type name [module]".
// Only text symbols count. Lines it cannot read are skipped.
func ParseKallsyms(data []byte) *Kallsyms {
	type ent struct {
		addr      uint64
		name, mod string
	}
	var ents []ent
	zeros, total := 0, 0
	for len(data) > 0 && len(ents) < maxSymbols {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		// "addr type name[\t[module]]"; the type is checked first, so the
		// data symbols (most of the file) cost no allocation.
		sp := bytes.IndexByte(line, ' ')
		if sp < 0 || len(line) < sp+4 || line[sp+2] != ' ' {
			continue
		}
		switch line[sp+1] {
		case 't', 'T', 'w', 'W':
		default:
			continue
		}
		addr, err := strconv.ParseUint(string(line[:sp]), 16, 64)
		if err != nil {
			continue
		}
		f := strings.Fields(string(line[sp+3:]))
		if len(f) == 0 || len(f[0]) > maxNameLen {
			continue
		}
		total++
		if addr == 0 {
			zeros++
			continue
		}
		e := ent{addr: addr, name: f[0]}
		if len(f) > 1 && len(f[1]) > 2 && f[1][0] == '[' && f[1][len(f[1])-1] == ']' {
			e.mod = f[1][1 : len(f[1])-1]
		}
		ents = append(ents, e)
	}
	k := &Kallsyms{hidden: total > 0 && zeros == total}
	// At one address (aliases) the first listed wins.
	sort.SliceStable(ents, func(i, j int) bool { return ents[i].addr < ents[j].addr })
	for i, e := range ents {
		if i > 0 && ents[i-1].addr == e.addr {
			continue
		}
		k.addrs = append(k.addrs, e.addr)
		k.names = append(k.names, sanitize.String(e.name))
		k.modules = append(k.modules, sanitize.String(e.mod))
	}
	return k
}

// Hidden reports that kptr_restrict zeroed every address.
func (k *Kallsyms) Hidden() bool { return k.hidden }

// Len is the number of text symbols with an address.
func (k *Kallsyms) Len() int { return len(k.addrs) }

// Lookup names the kernel function holding addr.
func (k *Kallsyms) Lookup(addr uint64) (string, bool) {
	name, _, ok := k.LookupModule(addr)
	return name, ok
}

// LookupModule names the function holding addr and the module it is in
// ("" for the kernel image, "bpf" for a BPF program).
func (k *Kallsyms) LookupModule(addr uint64) (name, module string, ok bool) {
	i := sort.Search(len(k.addrs), func(i int) bool { return k.addrs[i] > addr }) - 1
	if i < 0 || addr-k.addrs[i] >= maxKernelFunc {
		return "", "", false
	}
	return k.names[i], k.modules[i], true
}
