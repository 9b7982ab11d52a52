/* DWARF fixture: work() has helper() inlined into it. */
#include <stdio.h>

static volatile int sink;

static inline __attribute__((always_inline)) int helper(int x)
{
	int y = x * 7;
	sink += y;
	return y ^ 3;
}

__attribute__((noinline)) int work(int n)
{
	int acc = 0;
	for (int i = 0; i < n; i++)
		acc += helper(i);
	return acc;
}

int main(int argc, char **argv)
{
	(void)argv;
	printf("%d\n", work(argc * 1000));
	return 0;
}
