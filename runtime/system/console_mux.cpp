// The stdio console shared by the UART and virtio consoles (see
// console_mux.h).
#include "runtime/system/console_mux.h"

namespace tiercel::system {

class ConsoleMux::Port : public devices::CharBackend {
public:
  Port(StdioConsole &console, std::string name) : console_(console), name_(std::move(name)) {}

  void write(uint8_t byte) override { console_.write(byte); }
  void writeBytes(const uint8_t *data, size_t size) override { console_.writeBytes(data, size); }
  // A wake-up only: the reader asks the focused port for room again.
  void receiveRoomChanged() override { console_.roomChanged(); }

  void input(uint8_t byte) { deliver(byte); }
  size_t room() const { return receiveRoom(); }
  const std::string &name() const { return name_; }

private:
  StdioConsole &console_;
  std::string name_;
};

ConsoleMux::ConsoleMux(StdioConsole &console, const std::vector<std::string> &portNames,
                       size_t initialFocus)
    : console_(console), focus_(initialFocus < portNames.size() ? initialFocus : 0) {
  for (const std::string &name : portNames)
    ports_.push_back(std::make_unique<Port>(console, name));
  if (ports_.empty())
    ports_.push_back(std::make_unique<Port>(console, "serial0"));
}

ConsoleMux::~ConsoleMux() { detach(); }

devices::CharBackend &ConsoleMux::port(size_t index) { return *ports_.at(index); }

void ConsoleMux::attach(std::function<void(int)> onQuit) {
  onQuit_ = std::move(onQuit);
  attached_ = true;
  console_.attach(this);
}

void ConsoleMux::detach() {
  if (attached_)
    console_.attach(nullptr);
  attached_ = false;
}

void ConsoleMux::consoleInput(uint8_t byte) { ports_[focus_.load()]->input(byte); }

size_t ConsoleMux::consoleRoom() { return ports_[focus_.load()]->room(); }

void ConsoleMux::consoleQuit(int status) {
  if (onQuit_)
    onQuit_(status);
}

void ConsoleMux::consoleSwitchFocus() {
  if (ports_.size() < 2)
    return;
  size_t next = (focus_.load() + 1) % ports_.size();
  focus_.store(next);
  std::string note = "\r\n[tiercel: console input now goes to " + ports_[next]->name() + "]\r\n";
  console_.writeText(note.c_str());
}

} // namespace tiercel::system
