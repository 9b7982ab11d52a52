/* Prints the run-time addresses of two of its functions and one of a
 * shared library's, then waits to be symbolized. */
#include <stdio.h>
#include <unistd.h>

extern int lib_work(int);

__attribute__((noinline)) int local_work(int x) { return x * 3 + 1; }

static __attribute__((noinline)) int static_work(int x) { return x ^ 0x55; }

int main(void)
{
	printf("%p %p %p\n", (void *)local_work, (void *)static_work, (void *)lib_work);
	fflush(stdout);
	volatile int v = static_work(local_work(lib_work(2)));
	(void)v;
	pause();
	return 0;
}
