/* Sockets: socketpair with send/recv and shutdown, sendmsg/recvmsg carrying
 * a descriptor (SCM_RIGHTS) and scattered buffers, an AF_UNIX stream server
 * (bind, listen, connect, accept4, getsockname, getpeername), a UDP
 * exchange on loopback (sendto/recvfrom with the sender's address) and
 * socket options. Deterministic output. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what) {
  printf("%s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok)
    ++failures;
}

int main(void) {
  int sv[2];
  check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
  check(send(sv[0], "ping", 4, 0) == 4, "send");
  char buffer[64] = {0};
  check(recv(sv[1], buffer, sizeof buffer, 0) == 4 && strcmp(buffer, "ping") == 0, "recv");

  /* Pass a pipe's read end over the socket with two iovecs. */
  int p[2];
  check(pipe(p) == 0, "pipe");
  char part1[] = "fd", part2[] = "-pass";
  struct iovec out[2] = {{part1, 2}, {part2, 5}};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof control);
  struct msghdr msg = {0};
  msg.msg_iov = out;
  msg.msg_iovlen = 2;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cmsg), &p[0], sizeof(int));
  check(sendmsg(sv[0], &msg, 0) == 7, "sendmsg with SCM_RIGHTS");

  char in1[3] = {0}, in2[8] = {0};
  struct iovec in[2] = {{in1, 2}, {in2, 7}};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } received;
  memset(&received, 0, sizeof received);
  struct msghdr rmsg = {0};
  rmsg.msg_iov = in;
  rmsg.msg_iovlen = 2;
  rmsg.msg_control = received.buf;
  rmsg.msg_controllen = sizeof received.buf;
  check(recvmsg(sv[1], &rmsg, 0) == 7 && strcmp(in1, "fd") == 0 && strcmp(in2, "-pass") == 0,
        "recvmsg scatters the data");
  struct cmsghdr *rc = CMSG_FIRSTHDR(&rmsg);
  int passed = -1;
  if (rc && rc->cmsg_level == SOL_SOCKET && rc->cmsg_type == SCM_RIGHTS)
    memcpy(&passed, CMSG_DATA(rc), sizeof(int));
  check(passed >= 0 && passed != p[0], "received a new descriptor");
  check(rmsg.msg_controllen == CMSG_SPACE(sizeof(int)), "msg_controllen written back");
  check(write(p[1], "through", 7) == 7 && read(passed, buffer, 7) == 7 &&
            memcmp(buffer, "through", 7) == 0,
        "the passed descriptor reads the pipe");
  close(passed);
  close(p[0]);
  close(p[1]);
  check(shutdown(sv[0], SHUT_WR) == 0 && recv(sv[1], buffer, sizeof buffer, 0) == 0,
        "shutdown gives EOF");
  close(sv[0]);
  close(sv[1]);

  /* AF_UNIX stream server. */
  char dir[] = "/tmp/tiercel-sock-XXXXXX";
  check(mkdtemp(dir) != NULL, "temporary directory");
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s/server", dir);
  int server = socket(AF_UNIX, SOCK_STREAM, 0);
  check(server >= 0 && bind(server, (struct sockaddr *)&addr, sizeof addr) == 0 &&
            listen(server, 4) == 0,
        "unix server bind+listen");
  int client = socket(AF_UNIX, SOCK_STREAM, 0);
  check(connect(client, (struct sockaddr *)&addr, sizeof addr) == 0, "connect");
  int conn = accept4(server, NULL, NULL, SOCK_CLOEXEC);
  check(conn >= 0 && (fcntl(conn, F_GETFD) & FD_CLOEXEC), "accept4 SOCK_CLOEXEC");
  struct sockaddr_un name;
  socklen_t nameLength = sizeof name;
  check(getsockname(server, (struct sockaddr *)&name, &nameLength) == 0 &&
            strcmp(name.sun_path, addr.sun_path) == 0,
        "getsockname");
  nameLength = sizeof name;
  check(getpeername(client, (struct sockaddr *)&name, &nameLength) == 0 &&
            strcmp(name.sun_path, addr.sun_path) == 0,
        "getpeername");
  check(write(client, "hello server", 12) == 12 && read(conn, buffer, 12) == 12 &&
            memcmp(buffer, "hello server", 12) == 0,
        "stream data");
  int type = 0;
  socklen_t optLength = sizeof type;
  check(getsockopt(conn, SOL_SOCKET, SO_TYPE, &type, &optLength) == 0 && type == SOCK_STREAM &&
            optLength == sizeof type,
        "getsockopt SO_TYPE");
  int size = 65536;
  check(setsockopt(client, SOL_SOCKET, SO_SNDBUF, &size, sizeof size) == 0, "setsockopt SO_SNDBUF");
  close(conn);
  close(client);
  close(server);
  check(unlink(addr.sun_path) == 0 && rmdir(dir) == 0, "cleanup");

  /* UDP on loopback. */
  int receiver = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = 0};
  local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t localLength = sizeof local;
  int bound = receiver >= 0 && bind(receiver, (struct sockaddr *)&local, sizeof local) == 0 &&
              getsockname(receiver, (struct sockaddr *)&local, &localLength) == 0 &&
              local.sin_port != 0;
  check(bound, "udp bind to an ephemeral port");
  int sender = socket(AF_INET, SOCK_DGRAM, 0);
  check(sendto(sender, "datagram", 8, 0, (struct sockaddr *)&local, sizeof local) == 8, "sendto");
  struct sockaddr_in from;
  socklen_t fromLength = sizeof from;
  memset(buffer, 0, sizeof buffer);
  check(recvfrom(receiver, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &fromLength) == 8 &&
            strcmp(buffer, "datagram") == 0 && from.sin_family == AF_INET &&
            from.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && fromLength == sizeof from,
        "recvfrom with the sender's address");
  close(sender);
  close(receiver);
  check(socket(12345, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT, "bad family: EAFNOSUPPORT");
  printf("%s\n", failures ? "SOME CHECKS FAILED" : "all socket checks passed");
  return failures ? 1 : 0;
}
