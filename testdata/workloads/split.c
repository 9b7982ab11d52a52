/* A workload whose CPU time is split between two functions, measured inside
 * the program with the thread CPU clock (not inferred from iteration counts).
 * Usage: split SECONDS PERCENT_A TRUTH_FILE
 * Runs hot_a for PERCENT_A% of each 10 ms slice's CPU time and hot_b for the
 * rest, then writes "a_ns b_ns" to TRUTH_FILE (also every 100 ms, so a test
 * can read it while the program still runs). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static volatile unsigned long sink;

__attribute__((noinline)) void hot_a(long long budget_ns)
{
	long long end = cpu_ns() + budget_ns;
	while (cpu_ns() < end)
		for (int i = 0; i < 1000; i++)
			sink += i * 7;
}

__attribute__((noinline)) void hot_b(long long budget_ns)
{
	long long end = cpu_ns() + budget_ns;
	while (cpu_ns() < end)
		for (int i = 0; i < 1000; i++)
			sink ^= i * 13;
}

static void write_truth(const char *path, long long a, long long b)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%lld %lld\n", a, b);
	fclose(f);
	rename(tmp, path);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: split SECONDS PERCENT_A TRUTH_FILE\n");
		return 2;
	}
	double secs = atof(argv[1]);
	int pct = atoi(argv[2]);
	long long slice = 10000000LL; /* 10 ms of CPU */
	long long a = 0, b = 0, start = cpu_ns(), last = start;
	while (cpu_ns() - start < (long long)(secs * 1e9)) {
		long long t0 = cpu_ns();
		hot_a(slice * pct / 100);
		long long t1 = cpu_ns();
		hot_b(slice * (100 - pct) / 100);
		long long t2 = cpu_ns();
		a += t1 - t0;
		b += t2 - t1;
		if (t2 - last > 100000000LL) {
			write_truth(argv[3], a, b);
			last = t2;
		}
	}
	write_truth(argv[3], a, b);
	return 0;
}
