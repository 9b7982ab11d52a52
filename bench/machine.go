package main

import (
	"os"
	"os/exec"
	"strings"
)

// machineFacts are what the figures depend on, for the top of the report.
func machineFacts() [][2]string {
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			return "?"
		}
		return strings.TrimSpace(string(b))
	}
	model := "?"
	for _, line := range strings.Split(read("/proc/cpuinfo"), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			model = strings.TrimSpace(v)
			break
		}
	}
	pmu := "no (perf: cycles not supported; software cpu-clock used)"
	if out, err := exec.Command("perf", "stat", "-e", "instructions", "-x", ",", "true").CombinedOutput(); err == nil && !strings.Contains(string(out), "not supported") && !strings.Contains(string(out), "not counted") {
		pmu = "yes"
	}
	kernel := "?"
	if out, err := exec.Command("uname", "-r").Output(); err == nil {
		kernel = strings.TrimSpace(string(out))
	}
	return [][2]string{
		{"CPU", model},
		{"online CPUs", read("/sys/devices/system/cpu/online")},
		{"kernel", kernel},
		{"hardware PMU", pmu},
		{"kernel.perf_event_max_sample_rate", read("/proc/sys/kernel/perf_event_max_sample_rate")},
		{"kernel.perf_event_paranoid", read("/proc/sys/kernel/perf_event_paranoid")},
		{"kernel.kptr_restrict", read("/proc/sys/kernel/kptr_restrict")},
	}
}
