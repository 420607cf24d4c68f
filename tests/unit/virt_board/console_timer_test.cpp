// The stdio console's escape keys over pipes, and the board's timer thread
// waking timed devices at their deadlines.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "runtime/system/device_timer.h"
#include "runtime/system/stdio_console.h"
#include "runtime/system/virt_board.h"

namespace tiercel::system {
namespace {

class RecordingClient : public StdioConsole::Client {
public:
  void consoleInput(uint8_t byte) override {
    std::lock_guard lock(mutex);
    input.push_back(static_cast<char>(byte));
    if (room > 0)
      --room; // like a FIFO filling up
  }
  size_t consoleRoom() override {
    std::lock_guard lock(mutex);
    return room;
  }
  // On the console's reader thread (Ctrl-A x) or the caller's.
  void consoleQuit(int status) override {
    std::lock_guard lock(mutex);
    quitStatuses.push_back(status);
  }
  std::vector<int> quits() {
    std::lock_guard lock(mutex);
    return quitStatuses;
  }
  std::string received() {
    std::lock_guard lock(mutex);
    return input;
  }
  std::mutex mutex;
  std::string input;
  size_t room = 1000;            // guarded by mutex
  std::vector<int> quitStatuses; // guarded by mutex
};

class ConsoleTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_EQ(pipe2(in, O_CLOEXEC), 0);
    ASSERT_EQ(pipe2(out, O_CLOEXEC | O_NONBLOCK), 0);
    console = std::make_unique<StdioConsole>(in[0], out[1]);
    ASSERT_TRUE(console->start());
    console->attach(&client);
  }
  void TearDown() override {
    console->attach(nullptr);
    console->stop();
    for (int fd : {in[0], in[1], out[0], out[1]})
      close(fd);
  }
  void type(const std::string &text) {
    ASSERT_EQ(write(in[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  // Waits until `done` holds (the reader thread works asynchronously).
  template <class Predicate> bool eventually(Predicate done) {
    for (int i = 0; i < 400 && !done(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return done();
  }
  std::string output() {
    char buffer[4096];
    ssize_t count = read(out[0], buffer, sizeof buffer);
    return count > 0 ? std::string(buffer, static_cast<size_t>(count)) : "";
  }

  int in[2], out[2];
  std::unique_ptr<StdioConsole> console;
  RecordingClient client;
};

TEST_F(ConsoleTest, BytesReachTheClientAndCtrlACtrlASendsOne) {
  type("ab\x01\x01"
       "c");
  EXPECT_TRUE(eventually([&] { return client.received().size() == 4; }));
  EXPECT_EQ(client.received(), "ab\x01"
                               "c");
  EXPECT_TRUE(client.quits().empty());
}

TEST_F(ConsoleTest, CtrlAHListsTheKeysAndUnknownKeysAreDropped) {
  type("\x01h\x01zq");
  EXPECT_TRUE(eventually([&] { return client.received() == "q"; }));
  std::string help = output();
  EXPECT_NE(help.find("C-a x    exit emulator"), std::string::npos) << help;
  EXPECT_NE(help.find("C-a h    print this help"), std::string::npos) << help;
}

TEST_F(ConsoleTest, CtrlAXQuitsWithStatusZero) {
  type("\x01x");
  EXPECT_TRUE(eventually([&] { return !client.quits().empty(); }));
  EXPECT_EQ(client.quits(), std::vector<int>{0});
  EXPECT_EQ(console->quitStatus(), 0);
}

TEST_F(ConsoleTest, AQuitBeforeAttachReachesTheNextClient) {
  console->attach(nullptr);
  console->requestQuit(143);
  RecordingClient next;
  console->attach(&next);
  EXPECT_EQ(next.quits(), std::vector<int>{143});
  console->attach(&client);
}

// Flow control: no more than the client has room for; the rest waits for
// roomChanged() (the UART's RBR read), and Ctrl-A x still acts meanwhile.
TEST_F(ConsoleTest, InputWaitsForRoomInsteadOfOverrunning) {
  {
    std::lock_guard lock(client.mutex);
    client.room = 0;
  }
  type("hello");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(client.received(), "");
  {
    std::lock_guard lock(client.mutex);
    client.room = 2;
    client.input.clear();
  }
  console->roomChanged();
  EXPECT_TRUE(eventually([&] { return client.received() == "he"; }));
  // The client has taken its two bytes and has no room left.
  {
    std::lock_guard lock(client.mutex);
    client.room = 0;
  }
  type("\x01x");
  EXPECT_TRUE(eventually([&] { return !client.quits().empty(); }));
  {
    std::lock_guard lock(client.mutex);
    client.room = 100;
  }
  console->roomChanged();
  EXPECT_TRUE(eventually([&] { return client.received() == "hello"; }));
}

TEST_F(ConsoleTest, OutputGoesToTheOutputDescriptor) {
  console->write('O');
  console->write('K');
  EXPECT_EQ(output(), "OK");
}

class FakeTimed : public TimedDevice {
public:
  explicit FakeTimed(const DeviceClock &clock) : clock_(clock) {}
  uint64_t nextDeadlineNs() override { return deadline.load(); }
  void tick(uint64_t nowNs) override {
    if (nowNs >= deadline.load()) {
      firedLateBy = nowNs - deadline.load();
      deadline.store(kNoDeadline);
      ++fired;
    }
  }
  const DeviceClock &clock_;
  std::atomic<uint64_t> deadline{kNoDeadline};
  std::atomic<int> fired{0};
  uint64_t firedLateBy = 0;
};

TEST(DeviceTimerTest, TicksAtTheDeadlineAndWakesOnRearm) {
  HostClock clock;
  DeviceTimer timer(clock);
  FakeTimed device(clock);
  timer.start({&device});
  // No deadline: the thread sleeps (no wake-ups) until rearmed.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(timer.wakeUps(), 0u);
  uint64_t start = clock.nowNs();
  device.deadline.store(start + 15'000'000);
  timer.rearm();
  for (int i = 0; i < 200 && device.fired.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_EQ(device.fired.load(), 1);
  EXPECT_GE(clock.nowNs() - start, 15'000'000u);
  EXPECT_LT(device.firedLateBy, 50'000'000u);
  timer.stop();
  timer.stop(); // idempotent
}

} // namespace
} // namespace tiercel::system
