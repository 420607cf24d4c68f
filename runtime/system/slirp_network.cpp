// User-mode networking on libslirp (see slirp_network.h).
#include "runtime/system/slirp_network.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <libslirp.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstring>

namespace tiercel::system {

struct SlirpNetwork::Timer {
  // timer_new_opaque (config version 4) timers are handed back to
  // slirp_handle_timer; timer_new ones call their callback.
  SlirpTimerId id = SLIRP_TIMER_RA;
  SlirpTimerCb callback = nullptr;
  void *callbackOpaque = nullptr;
  int64_t expireMs = -1; // -1: not armed
};

namespace {

llvm::Error networkError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s", message.c_str());
}

in_addr toInAddr(uint32_t hostOrder) {
  in_addr address;
  address.s_addr = htonl(hostOrder);
  return address;
}

short toPollEvents(int slirpEvents) {
  short events = 0;
  if (slirpEvents & SLIRP_POLL_IN)
    events |= POLLIN;
  if (slirpEvents & SLIRP_POLL_OUT)
    events |= POLLOUT;
  if (slirpEvents & SLIRP_POLL_PRI)
    events |= POLLPRI;
  return events;
}

int toSlirpEvents(short pollEvents) {
  int events = 0;
  if (pollEvents & POLLIN)
    events |= SLIRP_POLL_IN;
  if (pollEvents & POLLOUT)
    events |= SLIRP_POLL_OUT;
  if (pollEvents & POLLPRI)
    events |= SLIRP_POLL_PRI;
  if (pollEvents & (POLLERR | POLLNVAL))
    events |= SLIRP_POLL_ERR;
  if (pollEvents & POLLHUP)
    events |= SLIRP_POLL_HUP;
  return events;
}

} // namespace

// libslirp's callbacks. Every one of them runs inside a libslirp call, so
// with the network's mutex_ held.
struct SlirpCallbacks {
  static SlirpNetwork &self(void *opaque) { return *static_cast<SlirpNetwork *>(opaque); }

  static ssize_t sendPacket(const void *buffer, size_t length, void *opaque) {
    const uint8_t *bytes = static_cast<const uint8_t *>(buffer);
    self(opaque).outbox_.emplace_back(bytes, bytes + length);
    return static_cast<ssize_t>(length);
  }
  static void guestError(const char *message, void *opaque) {
    SlirpNetwork &network = self(opaque);
    if (network.reportGuestError_)
      network.reportGuestError_("-netdev user,id=" + network.config_.id + ": " + message);
  }
  static int64_t clockNs(void *) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  static void *newTimer(SlirpTimerCb callback, void *callbackOpaque, void *opaque) {
    auto timer = std::make_unique<SlirpNetwork::Timer>();
    timer->callback = callback;
    timer->callbackOpaque = callbackOpaque;
    self(opaque).timers_.push_back(std::move(timer));
    return self(opaque).timers_.back().get();
  }
  static void *newOpaqueTimer(SlirpTimerId id, void *callbackOpaque, void *opaque) {
    auto timer = std::make_unique<SlirpNetwork::Timer>();
    timer->id = id;
    timer->callbackOpaque = callbackOpaque;
    self(opaque).timers_.push_back(std::move(timer));
    return self(opaque).timers_.back().get();
  }
  static void freeTimer(void *timer, void *opaque) {
    auto &timers = self(opaque).timers_;
    std::erase_if(timers, [&](const auto &candidate) { return candidate.get() == timer; });
  }
  static void modTimer(void *timer, int64_t expireMs, void *opaque) {
    static_cast<SlirpNetwork::Timer *>(timer)->expireMs = expireMs;
    self(opaque).wake(); // the loop may be asleep past the new expiry
  }
  // The loop builds its poll set anew on every turn: nothing to keep.
  static void registerPollFd(int, void *) {}
  static void unregisterPollFd(int, void *) {}
  static void notify(void *opaque) { self(opaque).wake(); }

  static int addPoll(int fd, int events, void *opaque) {
    auto &fds = self(opaque).pollFds_;
    fds.push_back({fd, toPollEvents(events), 0});
    return static_cast<int>(fds.size() - 1);
  }
  static int getRevents(int index, void *opaque) {
    auto &fds = self(opaque).pollFds_;
    if (index < 0 || static_cast<size_t>(index) >= fds.size())
      return 0;
    return toSlirpEvents(fds[static_cast<size_t>(index)].revents);
  }
};

namespace {

const SlirpCb kCallbacks = {
    .send_packet = SlirpCallbacks::sendPacket,
    .guest_error = SlirpCallbacks::guestError,
    .clock_get_ns = SlirpCallbacks::clockNs,
    .timer_new = SlirpCallbacks::newTimer,
    .timer_free = SlirpCallbacks::freeTimer,
    .timer_mod = SlirpCallbacks::modTimer,
    .register_poll_fd = SlirpCallbacks::registerPollFd,
    .unregister_poll_fd = SlirpCallbacks::unregisterPollFd,
    .notify = SlirpCallbacks::notify,
    .init_completed = nullptr,
    .timer_new_opaque = SlirpCallbacks::newOpaqueTimer,
};

} // namespace

SlirpNetwork::SlirpNetwork(UserNetworkConfig config) : config_(std::move(config)) {}

llvm::Expected<std::unique_ptr<SlirpNetwork>>
SlirpNetwork::create(const UserNetworkConfig &config) {
  std::unique_ptr<SlirpNetwork> network(new SlirpNetwork(config));
  if (llvm::Error error = network->start())
    return std::move(error);
  return network;
}

llvm::Error SlirpNetwork::start() {
  std::string where = "-netdev user,id=" + config_.id + ": ";
  wakeFd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wakeFd_ < 0)
    return networkError(where + "eventfd: " + std::strerror(errno));

  SlirpConfig slirpConfig;
  std::memset(&slirpConfig, 0, sizeof slirpConfig);
  slirpConfig.version = 4; // timer_new_opaque, disable_dhcp
  slirpConfig.restricted = config_.restricted ? 1 : 0;
  slirpConfig.in_enabled = true;
  slirpConfig.vnetwork = toInAddr(config_.network);
  slirpConfig.vnetmask = toInAddr(config_.netmask);
  slirpConfig.vhost = toInAddr(config_.host);
  slirpConfig.in6_enabled = false; // the guest kernel has no IPv6
  slirpConfig.vhostname = config_.hostname.empty() ? nullptr : config_.hostname.c_str();
  slirpConfig.vdhcp_start = toInAddr(config_.dhcpStart);
  slirpConfig.vnameserver = toInAddr(config_.dns);
  slirpConfig.disable_host_loopback = false; // 10.0.2.2 is the host's 127.0.0.1
  slirpConfig.enable_emu = false;

  std::lock_guard lock(mutex_);
  slirp_ = slirp_new(&slirpConfig, &kCallbacks, this);
  if (slirp_ == nullptr)
    return networkError(where + "libslirp refused the network " + formatIpv4(config_.network) +
                        "/" + formatIpv4(config_.netmask));
  for (const HostForward &forward : config_.forwards) {
    uint32_t guest = forward.guestAddress != 0 ? forward.guestAddress : config_.dhcpStart;
    errno = 0;
    if (slirp_add_hostfwd(slirp_, forward.udp ? 1 : 0, toInAddr(forward.hostAddress),
                          forward.hostPort, toInAddr(guest), forward.guestPort) < 0) {
      int saved = errno;
      std::string reason = saved != 0 ? std::strerror(saved) : "refused by libslirp";
      return networkError(where + "hostfwd=" + forward.text + ": cannot listen on host " +
                          (forward.udp ? "UDP" : "TCP") + " port " +
                          (forward.hostAddress != 0 ? formatIpv4(forward.hostAddress) + ":" : "") +
                          std::to_string(forward.hostPort) + ": " + reason);
    }
  }
  // The loop takes no asynchronous signals (SIGINT and the like belong to
  // the tool's signal thread), whenever the network is created; faults
  // stay deliverable.
  sigset_t blocked, previous;
  sigfillset(&blocked);
  for (int fault : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT})
    sigdelset(&blocked, fault);
  pthread_sigmask(SIG_BLOCK, &blocked, &previous);
  thread_ = std::thread([this] { eventLoop(); });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return llvm::Error::success();
}

SlirpNetwork::~SlirpNetwork() {
  if (thread_.joinable()) {
    stopping_.store(true);
    wake();
    thread_.join();
  }
  {
    std::lock_guard lock(mutex_);
    if (slirp_ != nullptr)
      slirp_cleanup(slirp_);
    slirp_ = nullptr;
    timers_.clear();
  }
  if (wakeFd_ >= 0)
    close(wakeFd_);
}

void SlirpNetwork::setGuestErrorReporter(std::function<void(const std::string &)> reporter) {
  std::lock_guard lock(mutex_);
  reportGuestError_ = std::move(reporter);
}

void SlirpNetwork::wake() {
  uint64_t one = 1;
  ssize_t written = ::write(wakeFd_, &one, sizeof one);
  (void)written; // a full counter wakes the loop just as well
}

void SlirpNetwork::transmit(const uint8_t *frame, size_t size) {
  if (size > INT_MAX)
    return;
  {
    std::lock_guard lock(mutex_);
    slirp_input(slirp_, frame, static_cast<int>(size));
  }
  ++framesFromGuest_;
  // Replies (ARP, ICMP, DHCP) wait in the outbox, and the frame may have
  // opened a socket the loop must poll: both are the loop's to handle.
  wake();
}

int64_t SlirpNetwork::nowMs() const { return SlirpCallbacks::clockNs(nullptr) / 1'000'000; }

int64_t SlirpNetwork::earliestTimerMs() const {
  int64_t earliest = -1;
  for (const auto &timer : timers_)
    if (timer->expireMs >= 0 && (earliest < 0 || timer->expireMs < earliest))
      earliest = timer->expireMs;
  return earliest;
}

void SlirpNetwork::runExpiredTimers() {
  int64_t now = nowMs();
  // A callback may add, re-arm or free timers: look again after each one.
  for (bool fired = true; fired;) {
    fired = false;
    for (const auto &timer : timers_) {
      if (timer->expireMs < 0 || timer->expireMs > now)
        continue;
      timer->expireMs = -1;
      if (timer->callback != nullptr)
        timer->callback(timer->callbackOpaque);
      else
        slirp_handle_timer(slirp_, timer->id, timer->callbackOpaque);
      fired = true;
      break;
    }
  }
}

void SlirpNetwork::eventLoop() {
  std::vector<std::vector<uint8_t>> frames;
  while (!stopping_.load()) {
    int timeoutMs = -1;
    {
      std::lock_guard lock(mutex_);
      pollFds_.clear();
      pollFds_.push_back({wakeFd_, POLLIN, 0});
      uint32_t slirpTimeout = UINT32_MAX;
      slirp_pollfds_fill(slirp_, &slirpTimeout, SlirpCallbacks::addPoll, this);
      if (slirpTimeout != UINT32_MAX)
        timeoutMs = static_cast<int>(std::min<uint32_t>(slirpTimeout, INT_MAX));
      int64_t timer = earliestTimerMs();
      if (timer >= 0) {
        int64_t wait = std::max<int64_t>(0, timer - nowMs());
        if (timeoutMs < 0 || wait < timeoutMs)
          timeoutMs = static_cast<int>(std::min<int64_t>(wait, INT_MAX));
      }
    }
    int ready = poll(pollFds_.data(), pollFds_.size(), timeoutMs);
    int pollError = ready < 0 && errno != EINTR ? 1 : 0;
    if (pollFds_[0].revents & POLLIN) {
      uint64_t count;
      ssize_t drained = ::read(wakeFd_, &count, sizeof count);
      (void)drained;
    }
    if (stopping_.load())
      break;
    {
      std::lock_guard lock(mutex_);
      slirp_pollfds_poll(slirp_, pollError, SlirpCallbacks::getRevents, this);
      runExpiredTimers();
      frames.swap(outbox_);
    }
    // Outside mutex_ (slirp_network.h): the NIC's receiver takes its
    // transport's lock.
    for (const std::vector<uint8_t> &frame : frames) {
      ++framesToGuest_;
      deliver(frame.data(), frame.size());
    }
    frames.clear();
  }
}

} // namespace tiercel::system
