/* netpeer MODE PORT BYTES [HOST]: a loopback (or netns) transfer of exactly
 * BYTES payload bytes.
 *   tcp-server: accept one connection, read BYTES, print "done", wait
 *   tcp-client: connect, write BYTES, print "done", wait (socket kept open)
 *   udp-server: receive datagrams until BYTES arrived, print "done", wait
 *   udp-client: send BYTES in 1000-byte datagrams, print "done", wait
 * The server prints "listening" once it can accept. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void finish(void) {
  printf("done\n");
  fflush(stdout);
  for (;;) pause();
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: netpeer MODE PORT BYTES [HOST]\n");
    return 2;
  }
  const char* mode = argv[1];
  int port = atoi(argv[2]);
  long long total = atoll(argv[3]);
  const char* host = argc > 4 ? argv[4] : "127.0.0.1";
  int udp = strncmp(mode, "udp", 3) == 0;
  int server = strstr(mode, "server") != NULL;
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, server ? "0.0.0.0" : host, &addr.sin_addr);
  int s = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  static char buf[65536];
  memset(buf, 'x', sizeof buf);
  long long done = 0;
  if (server) {
    if (bind(s, (struct sockaddr*)&addr, sizeof addr) != 0) { perror("bind"); return 1; }
    if (!udp && listen(s, 1) != 0) { perror("listen"); return 1; }
    printf("listening\n");
    fflush(stdout);
    int c = udp ? s : accept(s, NULL, NULL);
    while (done < total) {
      ssize_t n = recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      done += n;
    }
    finish();
  }
  if (!udp && connect(s, (struct sockaddr*)&addr, sizeof addr) != 0) { perror("connect"); return 1; }
  while (done < total) {
    long long left = total - done;
    size_t chunk = udp ? (left < 1000 ? (size_t)left : 1000) : (left < (long long)sizeof buf ? (size_t)left : sizeof buf);
    ssize_t n = udp ? sendto(s, buf, chunk, 0, (struct sockaddr*)&addr, sizeof addr)
                    : send(s, buf, chunk, 0);
    if (n <= 0) { perror("send"); return 1; }
    done += n;
  }
  finish();
}
