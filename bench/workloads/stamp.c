/* Start-up workload: prints CLOCK_REALTIME in ns at its first instruction
 * of main, then spins 300 ms so there is something to sample. */
#include <stdio.h>
#include <time.h>

static volatile unsigned long sink;

int main(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	printf("start %lld\n", ts.tv_sec * 1000000000LL + ts.tv_nsec);
	fflush(stdout);
	struct timespec now;
	do {
		for (int i = 0; i < 100000; i++)
			sink += i;
		clock_gettime(CLOCK_REALTIME, &now);
	} while ((now.tv_sec - ts.tv_sec) * 1000000000LL + (now.tv_nsec - ts.tv_nsec) < 300000000LL);
	return 0;
}
