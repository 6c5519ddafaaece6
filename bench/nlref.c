/* bench/nlref.c -- the reference consumer: the kernel's ceiling.
 *
 *   nlref [-m] SECONDS [RCVBUF_BYTES]
 *
 * A bare netlink consumer that registers as the audit daemon (AUDIT_SET pid,
 * ACK checked), takes a large receive buffer (16 MiB by default, as
 * auditstream does), and only counts: messages, and EOE records (one per
 * multi-record event).  It sleeps in poll() and then drains the socket
 * without blocking, so a burst costs one wake-up, not one per record.  By
 * default it makes one recv() per record; with -m it takes up to 64 records
 * per recvmmsg(), as auditstream's reader does, which makes it the honest
 * ceiling for a batched consumer.  Runs for SECONDS or until SIGTERM/SIGINT,
 * gives the audit pid back, and prints
 *   records=N events=N enobufs=N secs=S events_per_s=R
 * It leaves rules and the enabled flag alone: the caller sets them. */
/* recvmmsg needs _GNU_SOURCE: config.h (AC_USE_SYSTEM_EXTENSIONS) defines it */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define MMSG 64		/* records per recvmmsg() with -m */
#define MSG_MAX 9000	/* MAX_AUDIT_MESSAGE_LENGTH (8970) and the header */

static unsigned long long records, events, enobufs;

static void count(const char *buf, ssize_t got)
{
	const struct nlmsghdr *h = (const void *)buf;

	if (got < (ssize_t)NLMSG_HDRLEN)
		return;
	if (h->nlmsg_type >= AUDIT_FIRST_USER_MSG) {
		records++;
		if (h->nlmsg_type == AUDIT_EOE)
			events++;
	}
}

/* AUDIT_SET of the pid, waiting for the kernel's ACK (records that arrive
 * meanwhile are counted). Returns 0 or -errno. */
static int set_pid(int fd, unsigned pid, char *buf, size_t size)
{
	static unsigned seq;
	struct {
		struct nlmsghdr h;
		struct audit_status s;
	} req;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	double deadline = now() + 2;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.s));
	req.h.nlmsg_type = AUDIT_SET;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.h.nlmsg_seq = ++seq;
	req.s.mask = AUDIT_STATUS_PID;
	req.s.pid = pid;
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	while (now() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		const struct nlmsghdr *h = (const void *)buf;
		ssize_t got;

		if (poll(&p, 1, 100) <= 0)
			continue;
		got = recv(fd, buf, size, MSG_DONTWAIT);

		if (got < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == ENOBUFS)
				continue;
			return -errno;
		}
		if (got >= (ssize_t)NLMSG_HDRLEN && h->nlmsg_type == NLMSG_ERROR && h->nlmsg_seq == seq)
			return ((const struct nlmsgerr *)NLMSG_DATA(h))->error;
		count(buf, got);
	}
	return -ETIMEDOUT;
}

/* One recv() per record until the socket is empty.  Returns 0 or -errno. */
static int drain_recv(int fd)
{
	static char buf[MSG_MAX] __attribute__((aligned(8)));
	ssize_t got;

	while ((got = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0 || errno == ENOBUFS) {
		if (got < 0)
			enobufs++;
		else
			count(buf, got);
	}
	return errno == EAGAIN || errno == EINTR ? 0 : -errno;
}

/* Up to MMSG records per recvmmsg() until the socket is empty. */
static int drain_mmsg(int fd)
{
	static char bufs[MMSG][MSG_MAX] __attribute__((aligned(8)));
	static struct mmsghdr msgs[MMSG];
	static struct iovec iov[MMSG];
	int got;

	for (int i = 0; i < MMSG; i++) {
		iov[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = MSG_MAX };
		msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	while ((got = recvmmsg(fd, msgs, MMSG, MSG_DONTWAIT, NULL)) > 0 || (got < 0 && errno == ENOBUFS)) {
		if (got < 0)
			enobufs++;
		for (int i = 0; i < got; i++)
			count(bufs[i], (ssize_t)msgs[i].msg_len);
	}
	return errno == EAGAIN || errno == EINTR ? 0 : -errno;
}

int main(int argc, char **argv)
{
	static char buf[16384] __attribute__((aligned(8)));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct sigaction act;
	double secs, start, end;
	int fd, rcvbuf = 16 << 20, rc, mmsg = argc > 1 && strcmp(argv[1], "-m") == 0;

	argc -= mmsg;
	argv += mmsg;
	if (argc < 2 || argc > 3 || (secs = strtod(argv[1], NULL)) <= 0) {
		fprintf(stderr, "usage: nlref [-m] SECONDS [RCVBUF_BYTES]\n");
		return 2;
	}
	if (argc == 3)
		rcvbuf = atoi(argv[2]);
	memset(&act, 0, sizeof(act));
	act.sa_handler = on_signal;	/* no SA_RESTART: recv returns EINTR */
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("nlref: audit netlink socket");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0)
		perror("nlref: SO_RCVBUF");
	if ((rc = set_pid(fd, (unsigned)getpid(), buf, sizeof(buf))) < 0) {
		fprintf(stderr, "nlref: cannot register as the audit pid: %s\n", strerror(-rc));
		return 1;
	}
	printf("registered pid=%d %s\n", getpid(), mmsg ? "recvmmsg" : "recv");
	fflush(stdout);
	start = now();
	end = start + secs;
	while (!stop && now() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 100) <= 0)	/* 100 ms: to look at the clock and the stop flag */
			continue;
		if ((rc = mmsg ? drain_mmsg(fd) : drain_recv(fd)) < 0) {
			fprintf(stderr, "nlref: %s: %s\n", mmsg ? "recvmmsg" : "recv", strerror(-rc));
			break;
		}
	}
	/* Stopped: what the kernel already delivered is counted too, before
	 * set_pid() reads (and skips) records looking for its ACK. */
	if (rc >= 0 && (rc = mmsg ? drain_mmsg(fd) : drain_recv(fd)) < 0)
		fprintf(stderr, "nlref: %s: %s\n", mmsg ? "recvmmsg" : "recv", strerror(-rc));
	end = now();
	if ((rc = set_pid(fd, 0, buf, sizeof(buf))) < 0)
		fprintf(stderr, "nlref: cannot give the audit pid back: %s\n", strerror(-rc));
	close(fd);
	printf("records=%llu events=%llu enobufs=%llu secs=%.3f events_per_s=%.0f\n", records, events,
	       enobufs, end - start, (double)events / (end - start));
	return rc < 0;
}
