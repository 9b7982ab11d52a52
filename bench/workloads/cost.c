/* Cost workload: a fixed amount of CPU work through a few call levels, so
 * that the slowdown a profiler causes shows in its run time.
 * Usage: cost ITERATIONS; prints "elapsed NS" (its own wall time, so the
 * profiler's start-up and exit are not counted). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static volatile unsigned long sink;

__attribute__((noinline)) static unsigned long leaf(unsigned long x)
{
	for (int i = 0; i < 64; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	return x;
}

__attribute__((noinline)) static unsigned long middle(unsigned long x)
{
	return leaf(x) ^ leaf(x + 1);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	unsigned long acc = 0;
	long long t0 = now_ns();
	for (long i = 0; i < n; i++)
		acc += middle(i);
	sink = acc;
	printf("elapsed %lld\n", now_ns() - t0);
	return 0;
}
