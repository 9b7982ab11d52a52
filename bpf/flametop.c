//go:build ignore

// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* flametop's kernel side.
 *
 * sample: a perf_event program, one perf event per online CPU. It counts each
 * (process, thread, image generation, kernel stack, user stack, thread name)
 * in a hash map; stacks go to a stack-trace map. Both come in two sets, and
 * user space flips which set is live before draining the other, so a stack id
 * can never be deleted while a new count still points at it.
 *
 * Process events (tp_btf, BTF-typed tracepoints: no tracefs, no kprobes):
 * exec and fork stamp a new generation for the thread group, so samples taken
 * before and after an exec, or by a reused PID, are told apart; user space
 * hears of them through a ring buffer and captures /proc/PID/maps at once.
 *
 * CO-RE reads of task_struct (pid, tgid, flags) are the only use of kernel
 * struct layouts; the minimal definitions below are relocated against the
 * running kernel's BTF at load time.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "flametop.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Referenced so their BTF is emitted and bpf2go generates Go twins. */
const struct ft_event *unused_event __attribute__((unused));
const struct ft_stats *unused_stats __attribute__((unused));

#if defined(__TARGET_ARCH_x86)
struct pt_regs_x86 {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};
struct bpf_perf_event_data {
	struct pt_regs_x86 regs;
	__u64 sample_period;
	__u64 addr;
};
static __always_inline int in_user_mode(struct bpf_perf_event_data *ctx) { return (ctx->regs.cs & 3) == 3; }
#elif defined(__TARGET_ARCH_arm64)
struct user_pt_regs_arm64 {
	__u64 regs[31];
	__u64 sp, pc, pstate;
};
struct bpf_perf_event_data {
	struct user_pt_regs_arm64 regs;
	__u64 sample_period;
	__u64 addr;
};
static __always_inline int in_user_mode(struct bpf_perf_event_data *ctx) { return (ctx->regs.pstate & 0xf) == 0; }
#else
#error "unsupported architecture"
#endif

#define PF_KTHREAD 0x00200000

struct signal_struct {
	struct {
		int counter;
	} live;
} __attribute__((preserve_access_index));

struct task_struct {
	unsigned int flags;
	int pid;
	int tgid;
	struct signal_struct *signal;
} __attribute__((preserve_access_index));

/* Set by the loader before load. */
const volatile __u8 filter_pids = 0;   /* only sample thread groups in `targets` */
const volatile __u8 follow_forks = 0;  /* children of a target become targets */
const volatile __u8 kernel_stacks = 1;
const volatile __u8 user_stacks = 1;
const volatile __u8 include_idle = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u8);
	__uint(max_entries, 8192);
} targets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 32768);
} gens SEC(".maps");

/* active[0] says which set (0 or 1) the sample program writes to. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} active SEC(".maps");

#define COUNTS_MAP(name)                        \
	struct {                                \
		__uint(type, BPF_MAP_TYPE_HASH); \
		__type(key, struct ft_key);     \
		__type(value, __u64);           \
		__uint(max_entries, 16384);     \
	} name SEC(".maps")

#define STACKS_MAP(name)                                       \
	struct {                                               \
		__uint(type, BPF_MAP_TYPE_STACK_TRACE);        \
		__uint(key_size, sizeof(__u32));               \
		__uint(value_size, FT_MAX_DEPTH * sizeof(__u64)); \
		__uint(max_entries, 16384);                    \
	} name SEC(".maps")

COUNTS_MAP(counts0);
COUNTS_MAP(counts1);
STACKS_MAP(stacks0);
STACKS_MAP(stacks1);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct ft_stats);
	__uint(max_entries, 1);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

static __always_inline struct ft_stats *my_stats(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&stats, &zero);
}

static __always_inline void count(void *map, struct ft_key *key, struct ft_stats *st)
{
	__u64 one = 1, *val;

	val = bpf_map_lookup_elem(map, key);
	if (val) {
		__sync_fetch_and_add(val, 1);
		return;
	}
	if (bpf_map_update_elem(map, key, &one, BPF_NOEXIST) == 0)
		return;
	/* Another CPU inserted the same key first, or the map is full. */
	val = bpf_map_lookup_elem(map, key);
	if (val)
		__sync_fetch_and_add(val, 1);
	else if (st)
		__sync_fetch_and_add(&st->dropped, 1);
}

SEC("perf_event")
int ft_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	struct ft_stats *st = my_stats();
	struct ft_key key = {};
	__u32 zero = 0, *set;
	__u64 *gen;

	if (tid == 0) {
		if (st)
			__sync_fetch_and_add(&st->idle, 1);
		if (!include_idle)
			return 0;
	}
	if (filter_pids && !bpf_map_lookup_elem(&targets, &tgid))
		return 0;
	if (st)
		__sync_fetch_and_add(&st->samples, 1);

	key.pid = tgid;
	key.tid = tid;
	gen = bpf_map_lookup_elem(&gens, &tgid);
	key.gen = gen ? *gen : 0;
	bpf_get_current_comm(&key.comm, sizeof(key.comm));

	int user_mode = in_user_mode(ctx);
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	int kthread = BPF_CORE_READ(task, flags) & PF_KTHREAD;

	set = bpf_map_lookup_elem(&active, &zero);
	int second = set && *set;

	key.kstack = FT_STACK_NONE;
	key.ustack = FT_STACK_NONE;
	if (kernel_stacks && !user_mode)
		key.kstack = second ? bpf_get_stackid(ctx, &stacks1, 0) : bpf_get_stackid(ctx, &stacks0, 0);
	if (user_stacks && !kthread && tid != 0)
		key.ustack = second ? bpf_get_stackid(ctx, &stacks1, BPF_F_USER_STACK)
				    : bpf_get_stackid(ctx, &stacks0, BPF_F_USER_STACK);

	if (second)
		count(&counts1, &key, st);
	else
		count(&counts0, &key, st);
	return 0;
}

static __always_inline void emit(__u32 kind, __u32 pid, __u32 ppid, __u64 gen)
{
	struct ft_event *ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		struct ft_stats *st = my_stats();
		if (st)
			__sync_fetch_and_add(&st->events_lost, 1);
		return;
	}
	ev->kind = kind;
	ev->pid = pid;
	ev->ppid = ppid;
	ev->_pad = 0;
	ev->gen = gen;
	bpf_get_current_comm(&ev->comm, sizeof(ev->comm));
	bpf_ringbuf_submit(ev, 0);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(ft_on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 cpid = BPF_CORE_READ(child, pid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	__u8 yes = 1;

	if (cpid != ctgid)
		return 0; /* a new thread: same process, same generation */
	if (filter_pids) {
		if (!follow_forks || !bpf_map_lookup_elem(&targets, &ptgid))
			return 0;
		bpf_map_update_elem(&targets, &ctgid, &yes, BPF_ANY);
	}
	__u64 gen = bpf_ktime_get_ns();
	bpf_map_update_elem(&gens, &ctgid, &gen, BPF_ANY);
	emit(FT_EVENT_FORK, ctgid, ptgid, gen);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(ft_on_exec, struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);

	if (filter_pids && !bpf_map_lookup_elem(&targets, &tgid))
		return 0;
	__u64 gen = bpf_ktime_get_ns();
	bpf_map_update_elem(&gens, &tgid, &gen, BPF_ANY);
	emit(FT_EVENT_EXEC, tgid, 0, gen);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(ft_on_exit, struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);

	/* The process ends with its last thread, which need not be the leader;
	 * and when a non-leader thread execs, the old leader exits while the
	 * process lives on under the same PID. do_exit has already counted this
	 * thread out of signal->live, so zero means the whole group is gone. */
	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;
	if (filter_pids && !bpf_map_lookup_elem(&targets, &tgid))
		return 0;
	__u64 *gen = bpf_map_lookup_elem(&gens, &tgid);
	emit(FT_EVENT_EXIT, tgid, 0, gen ? *gen : 0);
	if (follow_forks)
		bpf_map_delete_elem(&targets, &tgid);
	return 0;
}
