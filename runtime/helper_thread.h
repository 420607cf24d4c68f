// Host signals belong to the guest: a process-directed one (SIGALRM from an
// itimer, kill, SIGINT) must reach the guest thread, whose wait it ends
// and whose handler it runs. The kernel hands it to any thread that does
// not block it, so every helper thread Tiercel starts (profile writer and
// timer, GDB reader, tier-2 ticker and compile threads) blocks them all:
// it is started with this guard in scope, and inherits the mask.
#pragma once

#include <pthread.h>
#include <signal.h>

#include <thread>
#include <utility>

namespace tiercel {

class AllSignalsBlocked {
public:
  AllSignalsBlocked() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous_);
  }
  ~AllSignalsBlocked() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  AllSignalsBlocked(const AllSignalsBlocked &) = delete;
  AllSignalsBlocked &operator=(const AllSignalsBlocked &) = delete;

private:
  sigset_t previous_;
};

template <typename Function> std::thread startHelperThread(Function function) {
  AllSignalsBlocked blocked;
  return std::thread(std::move(function));
}

} // namespace tiercel
