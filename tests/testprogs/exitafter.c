/* exitafter MILLIS CODE: lives MILLIS ms, then exits with CODE; with
 * CODE "kill" it sends itself SIGKILL instead. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  long ms = atol(argv[1]);
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
  if (strcmp(argv[2], "kill") == 0) raise(SIGKILL);
  return atoi(argv[2]);
}
