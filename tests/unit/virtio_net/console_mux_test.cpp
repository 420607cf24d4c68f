// The stdio console shared by the UART and a virtio console
// (runtime/system/console_mux.h), over pipes: every port's output reaches
// stdout, input goes to the focused port only, Ctrl-A c moves the focus and
// says where, and the focused port's room is the flow control.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "runtime/system/console_mux.h"

namespace tiercel::system {
namespace {

// What a device on one port received.
struct PortInput {
  std::mutex mutex;
  std::string bytes;
  size_t room = 1000;
  std::string get() {
    std::lock_guard lock(mutex);
    return bytes;
  }
};

class ConsoleMuxTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_EQ(pipe2(in, O_CLOEXEC), 0);
    ASSERT_EQ(pipe2(out, O_CLOEXEC | O_NONBLOCK), 0);
    console = std::make_unique<StdioConsole>(in[0], out[1]);
    ASSERT_TRUE(console->start());
    mux = std::make_unique<ConsoleMux>(*console,
                                       std::vector<std::string>{"the UART", "the virtio console"},
                                       /*initialFocus=*/1);
    for (size_t i = 0; i < 2; ++i) {
      PortInput &input = inputs[i];
      mux->port(i).setReceiver([&input](uint8_t byte) {
        std::lock_guard lock(input.mutex);
        input.bytes.push_back(static_cast<char>(byte));
        --input.room;
      });
      mux->port(i).setReceiveRoom([&input] {
        std::lock_guard lock(input.mutex);
        return input.room;
      });
    }
    mux->attach([this](int status) { // on the console's reader thread
      std::lock_guard lock(quitMutex);
      quits.push_back(status);
    });
  }
  void TearDown() override {
    mux->detach();
    console->stop();
    for (int fd : {in[0], in[1], out[0], out[1]})
      close(fd);
  }
  void type(const std::string &text) {
    ASSERT_EQ(write(in[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  template <class Predicate> bool eventually(Predicate done) {
    for (int i = 0; i < 400 && !done(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return done();
  }
  std::string output() {
    std::string all;
    char buffer[4096];
    for (ssize_t count; (count = read(out[0], buffer, sizeof buffer)) > 0;)
      all.append(buffer, static_cast<size_t>(count));
    return all;
  }

  int in[2], out[2];
  std::unique_ptr<StdioConsole> console;
  std::unique_ptr<ConsoleMux> mux;
  PortInput inputs[2];
  std::mutex quitMutex;
  std::vector<int> quits; // guarded by quitMutex
  std::vector<int> quitStatuses() {
    std::lock_guard lock(quitMutex);
    return quits;
  }
};

TEST_F(ConsoleMuxTest, InputGoesToTheFocusedPortAndCtrlACMovesIt) {
  EXPECT_EQ(mux->focus(), 1u);
  type("ls\n");
  EXPECT_TRUE(eventually([&] { return inputs[1].get() == "ls\n"; }));
  type("\x01"
       "c"
       "uart");
  EXPECT_TRUE(eventually([&] { return inputs[0].get() == "uart"; }));
  EXPECT_EQ(inputs[1].get(), "ls\n");
  EXPECT_EQ(mux->focus(), 0u);
  EXPECT_NE(output().find("console input now goes to the UART"), std::string::npos);
  type("\x01"
       "c"
       "back");
  EXPECT_TRUE(eventually([&] { return inputs[1].get() == "ls\nback"; }));
  type("\x01x");
  EXPECT_TRUE(eventually([&] { return quitStatuses() == std::vector<int>{0}; }));
}

TEST_F(ConsoleMuxTest, EveryPortWritesToStdout) {
  mux->port(0).write('U');
  const uint8_t text[] = {'h', 'v', 'c'};
  mux->port(1).writeBytes(text, sizeof text);
  EXPECT_EQ(output(), "Uhvc");
}

TEST_F(ConsoleMuxTest, TheFocusedPortsRoomHoldsInputBack) {
  {
    std::lock_guard lock(inputs[1].mutex);
    inputs[1].room = 2;
  }
  type("abcdef");
  EXPECT_TRUE(eventually([&] { return inputs[1].get() == "ab"; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(inputs[1].get(), "ab"); // the rest waits for room
  {
    std::lock_guard lock(inputs[1].mutex);
    inputs[1].room = 100;
  }
  mux->port(1).receiveRoomChanged();
  EXPECT_TRUE(eventually([&] { return inputs[1].get() == "abcdef"; }));
  EXPECT_EQ(inputs[0].get(), "");
}

} // namespace
} // namespace tiercel::system
