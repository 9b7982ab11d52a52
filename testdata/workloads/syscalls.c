/* A syscall-heavy workload: most of its time is spent in the kernel. */
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2;
	int fd = open("/dev/null", O_WRONLY);
	char buf[4096] = {0};
	time_t end = time(NULL) + (time_t)secs + 1;
	while (time(NULL) < end)
		for (int i = 0; i < 10000; i++)
			write(fd, buf, sizeof buf);
	return 0;
}
