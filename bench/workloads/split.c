/* Accuracy workload: CPU time split between hot_a and hot_b, with the truth
 * measured inside the program (CLOCK_THREAD_CPUTIME_ID around each call).
 * Usage: split SECONDS PERCENT_A THREADS periodic|jitter
 * periodic: each 10 ms slice gives PERCENT_A% to hot_a (a period that is a
 *           multiple of the 10 ms tick, to catch aliasing with sampling);
 * jitter:   slice lengths vary between 1 and 9 ms.
 * Prints "truth A_NS B_NS" on stdout at the end (summed over threads). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static volatile unsigned long sink;

__attribute__((noinline)) void hot_a(long long budget)
{
	long long end = cpu_ns() + budget;
	while (cpu_ns() < end)
		for (int i = 0; i < 2000; i++)
			sink += i * 7;
}

__attribute__((noinline)) void hot_b(long long budget)
{
	long long end = cpu_ns() + budget;
	while (cpu_ns() < end)
		for (int i = 0; i < 2000; i++)
			sink ^= i * 13;
}

static double secs;
static int pct, jitter;
static long long total_a, total_b;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
	unsigned seed = (unsigned)(size_t)arg * 7919 + 1;
	long long a = 0, b = 0, start = cpu_ns();
	while (cpu_ns() - start < (long long)(secs * 1e9)) {
		long long slice = 10000000LL;
		if (jitter)
			slice = 1000000LL + (rand_r(&seed) % 8000) * 1000LL;
		long long t0 = cpu_ns();
		hot_a(slice * pct / 100);
		long long t1 = cpu_ns();
		hot_b(slice * (100 - pct) / 100);
		long long t2 = cpu_ns();
		a += t1 - t0;
		b += t2 - t1;
	}
	pthread_mutex_lock(&mu);
	total_a += a;
	total_b += b;
	pthread_mutex_unlock(&mu);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: split SECONDS PERCENT_A THREADS periodic|jitter\n");
		return 2;
	}
	secs = atof(argv[1]);
	pct = atoi(argv[2]);
	int threads = atoi(argv[3]);
	jitter = strcmp(argv[4], "jitter") == 0;
	if (threads <= 1) {
		worker(0);
	} else {
		pthread_t t[64];
		if (threads > 64)
			threads = 64;
		for (int i = 0; i < threads; i++)
			pthread_create(&t[i], NULL, worker, (void *)(size_t)i);
		for (int i = 0; i < threads; i++)
			pthread_join(t[i], NULL);
	}
	printf("truth %lld %lld\n", total_a, total_b);
	return 0;
}
