// The network and console options of tiercel-system-riscv64 (see
// net_options.h). QEMU's syntax and defaults: qemu-options.hx and its
// user-mode networking documentation.
#include "tools/tiercel-system-riscv64/net_options.h"

#include <algorithm>

#include "tools/tiercel-system-riscv64/options.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

namespace tiercel::tools {

namespace {

llvm::Error optionError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s", message.c_str());
}

// QEMU netdev types this tool does not implement: "unimplemented", not
// unknown.
constexpr const char *kUnimplementedNetdevTypes[] = {
    "tap",   "bridge",  "socket", "vde",    "l2tpv3",     "vhost-user",   "vhost-vdpa",   "stream",
    "dgram", "hubport", "netmap", "af-xdp", "vmnet-host", "vmnet-shared", "vmnet-bridged"};

// QEMU's -netdev user options that this tool does not implement.
constexpr const char *kUnimplementedUserOptions[] = {
    "ipv6-net",        "ipv6-host", "ipv6-dns", "ipv6-prefix", "ipv6-prefixlen", "smb",
    "smbserver",       "tftp",      "bootfile", "guestfwd",    "domainname",     "dnssearch",
    "tftp-server-name"};

constexpr const char *kUnimplementedChardevTypes[] = {
    "null",     "file",      "socket",       "udp",     "msmouse", "wctablet", "vc",
    "ringbuf",  "memory",    "pipe",         "pty",     "serial",  "tty",      "parallel",
    "spicevmc", "spiceport", "qemu-vdagent", "braille", "testdev", "console",  "dbus"};

// Dotted-quad IPv4 address in host byte order.
bool parseIpv4(llvm::StringRef text, uint32_t &address) {
  llvm::SmallVector<llvm::StringRef, 4> parts;
  text.split(parts, '.');
  if (parts.size() != 4)
    return false;
  address = 0;
  for (llvm::StringRef part : parts) {
    unsigned byte;
    if (part.empty() || part.size() > 3 || part.getAsInteger(10, byte) || byte > 255)
      return false;
    address = address << 8 | byte;
  }
  return true;
}

bool parsePort(llvm::StringRef text, uint16_t &port) {
  unsigned value;
  if (text.empty() || text.getAsInteger(10, value) || value == 0 || value > 65535)
    return false;
  port = static_cast<uint16_t>(value);
  return true;
}

// QEMU's hostfwd rule: [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport
// (an empty protocol is tcp).
llvm::Expected<system::HostForward> parseHostForward(const std::string &rule) {
  auto bad = [&](const std::string &why) {
    return optionError("hostfwd=" + rule + ": " + why +
                       " (the form is [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport, "
                       "e.g. tcp::8080-:80)");
  };
  system::HostForward forward;
  forward.text = rule;
  auto [protocol, rest] = llvm::StringRef(rule).split(':');
  if (rest.data() == nullptr || !llvm::StringRef(rule).contains(':'))
    return bad("no protocol field");
  if (protocol == "udp")
    forward.udp = true;
  else if (protocol != "tcp" && !protocol.empty())
    return bad("protocol '" + protocol.str() + "' is neither tcp nor udp");
  auto [host, guest] = rest.split('-');
  if (!rest.contains('-'))
    return bad("no '-' between the host and the guest side");
  auto [hostAddress, hostPort] = host.rsplit(':');
  if (!host.contains(':'))
    return bad("the host side '" + host.str() + "' is not [hostaddr]:hostport");
  if (!hostAddress.empty() && !parseIpv4(hostAddress, forward.hostAddress))
    return bad("host address '" + hostAddress.str() + "' is not an IPv4 address");
  if (!parsePort(hostPort, forward.hostPort))
    return bad("host port '" + hostPort.str() + "' is not a number from 1 to 65535");
  auto [guestAddress, guestPort] = guest.rsplit(':');
  if (!guest.contains(':'))
    return bad("the guest side '" + guest.str() + "' is not [guestaddr]:guestport");
  if (!guestAddress.empty() && !parseIpv4(guestAddress, forward.guestAddress))
    return bad("guest address '" + guestAddress.str() + "' is not an IPv4 address");
  if (!parsePort(guestPort, forward.guestPort))
    return bad("guest port '" + guestPort.str() + "' is not a number from 1 to 65535");
  return forward;
}

// net=ADDR[/BITS|/MASK].
bool parseNetwork(llvm::StringRef text, uint32_t &network, uint32_t &netmask) {
  auto [address, mask] = text.split('/');
  if (!parseIpv4(address, network))
    return false;
  netmask = 0xffffff00;
  if (text.contains('/')) {
    unsigned bits;
    if (!mask.getAsInteger(10, bits)) {
      if (bits < 1 || bits > 30)
        return false;
      netmask = ~uint32_t{0} << (32 - bits);
    } else if (!parseIpv4(mask, netmask) || (~netmask & (~netmask + 1)) != 0 || netmask == 0) {
      return false; // not a contiguous mask
    }
  }
  network &= netmask;
  return true;
}

// The -netdev user options (everything after the type), into `spec`.
// Returns an unimplemented description in `unimplemented` instead of an
// error for QEMU options this tool lacks.
llvm::Error parseUserOptions(const std::vector<OptionPair> &pairs, size_t first,
                             const std::string &optionName, NetdevSpec &spec,
                             std::string &unimplemented) {
  auto fail = [&](const std::string &why) {
    return optionError(optionName + " " + spec.text + ": " + why);
  };
  system::UserNetworkConfig &user = spec.user;
  bool haveHost = false, haveDns = false, haveDhcp = false;
  for (size_t i = first; i < pairs.size(); ++i) {
    const OptionPair &pair = pairs[i];
    if (!pair.hasValue)
      return fail("'" + pair.key + "' is not key=value");
    llvm::StringRef key = pair.key, value = pair.value;
    auto address = [&](uint32_t &into) -> llvm::Error {
      if (!parseIpv4(value, into))
        return fail(key.str() + "=" + value.str() + " is not an IPv4 address");
      return llvm::Error::success();
    };
    auto onOff = [&](bool &into) -> llvm::Error {
      if (value != "on" && value != "off" && value != "yes" && value != "no")
        return fail(key.str() + " expects on or off, not '" + value.str() + "'");
      into = value == "on" || value == "yes";
      return llvm::Error::success();
    };
    if (key == "id") {
      user.id = pair.value;
    } else if (key == "hostfwd") {
      auto forward = parseHostForward(pair.value);
      if (!forward)
        return fail(llvm::toString(forward.takeError()));
      user.forwards.push_back(*forward);
    } else if (key == "net") {
      if (!parseNetwork(value, user.network, user.netmask))
        return fail("net=" + value.str() + " is not ADDR[/BITS] or ADDR/MASK (e.g. 10.0.2.0/24)");
    } else if (key == "host") {
      if (llvm::Error error = address(user.host))
        return error;
      haveHost = true;
    } else if (key == "dns") {
      if (llvm::Error error = address(user.dns))
        return error;
      haveDns = true;
    } else if (key == "dhcpstart") {
      if (llvm::Error error = address(user.dhcpStart))
        return error;
      haveDhcp = true;
    } else if (key == "restrict") {
      if (llvm::Error error = onOff(user.restricted))
        return error;
    } else if (key == "hostname") {
      user.hostname = pair.value;
    } else if (key == "ipv4") {
      bool on = true;
      if (llvm::Error error = onOff(on))
        return error;
      if (!on)
        unimplemented = optionName + " user,ipv4=off (IPv4 is the only protocol here)";
    } else if (key == "ipv6") {
      bool on = false;
      if (llvm::Error error = onOff(on))
        return error;
      if (on)
        unimplemented = optionName + " user,ipv6=on (the guest network is IPv4 only)";
    } else if (llvm::is_contained(kUnimplementedUserOptions, key)) {
      unimplemented = optionName + " user," + key.str() + "=" + value.str();
    } else {
      return fail("unknown option '" + key.str() +
                  "' of user networking (it has id, hostfwd, net, host, dns, dhcpstart, restrict, "
                  "hostname, ipv4, ipv6)");
    }
  }
  // QEMU derives the addresses from net= unless given.
  if (!haveHost)
    user.host = user.network | 2;
  if (!haveDns)
    user.dns = user.network | 3;
  if (!haveDhcp)
    user.dhcpStart = user.network | 15;
  auto inside = [&](uint32_t address) { return (address & user.netmask) == user.network; };
  if (!inside(user.host) || !inside(user.dns) || !inside(user.dhcpStart))
    return fail("host=, dns= and dhcpstart= must lie in the network " +
                system::formatIpv4(user.network) + "/" + system::formatIpv4(user.netmask));
  return llvm::Error::success();
}

bool parseMac(llvm::StringRef text, std::array<uint8_t, 6> &mac) {
  llvm::SmallVector<llvm::StringRef, 6> parts;
  text.split(parts, ':');
  if (parts.size() != 6)
    return false;
  for (size_t i = 0; i < 6; ++i) {
    unsigned byte;
    if (parts[i].size() != 2 || parts[i].getAsInteger(16, byte))
      return false;
    mac[i] = static_cast<uint8_t>(byte);
  }
  return true;
}

// Adds a netdev, refusing a second one with the same id.
llvm::Error addNetdev(SystemCommandLine &line, NetdevSpec spec, const std::string &optionName) {
  for (const NetdevSpec &other : line.netdevs)
    if (other.user.id == spec.user.id)
      return optionError(optionName + " " + spec.text + ": duplicate netdev id '" + spec.user.id +
                         "'");
  line.netdevs.push_back(std::move(spec));
  return llvm::Error::success();
}

} // namespace

llvm::Error parseNetdev(SystemCommandLine &line, const std::string &text) {
  std::vector<OptionPair> pairs = splitOptionList(text);
  llvm::StringRef type = pairs.front().key;
  if (pairs.front().hasValue) {
    if (type != "type")
      return optionError("-netdev " + text + ": the type comes first (e.g. user,id=n0)");
    type = pairs.front().value;
  }
  if (type == "help" || type == "?") {
    line.netdevHelp = true;
    return llvm::Error::success();
  }
  if (llvm::is_contained(kUnimplementedNetdevTypes, type)) {
    line.unimplemented.push_back("-netdev " + type.str() + " (only user networking: -netdev user)");
    return llvm::Error::success();
  }
  if (type != "user")
    return optionError("-netdev " + text + ": unknown type '" + type.str() +
                       "' (this tool has: user; '-netdev help')");
  NetdevSpec spec;
  spec.text = text;
  std::string unimplemented;
  if (llvm::Error error = parseUserOptions(pairs, 1, "-netdev", spec, unimplemented))
    return error;
  if (!unimplemented.empty()) {
    line.unimplemented.push_back(unimplemented);
    return llvm::Error::success();
  }
  if (spec.user.id.empty())
    return optionError("-netdev " + text +
                       ": no id= (the card names it: -device "
                       "virtio-net-device,netdev=ID)");
  return addNetdev(line, std::move(spec), "-netdev");
}

llvm::Error parseNic(SystemCommandLine &line, const std::string &text) {
  std::vector<OptionPair> pairs = splitOptionList(text);
  llvm::StringRef type = pairs.front().key;
  if (pairs.front().hasValue)
    return optionError("-nic " + text + ": the type comes first (e.g. user,hostfwd=tcp::8080-:80)");
  if (type == "help" || type == "?") {
    line.netdevHelp = true;
    return llvm::Error::success();
  }
  if (type == "none")
    return llvm::Error::success(); // no default card to remove on this board
  if (llvm::is_contained(kUnimplementedNetdevTypes, type)) {
    line.unimplemented.push_back("-nic " + type.str() + " (only user networking: -nic user)");
    return llvm::Error::success();
  }
  if (type != "user")
    return optionError("-nic " + text + ": unknown type '" + type.str() +
                       "' (this tool has: user, none)");
  // The card's own keys; the rest are the network's.
  VirtioDeviceSpec card;
  card.type = VirtioDeviceSpec::Type::Net;
  card.text = "virtio-net-device (from -nic " + text + ")";
  std::vector<OptionPair> networkPairs = {pairs.front()};
  for (size_t i = 1; i < pairs.size(); ++i) {
    const OptionPair &pair = pairs[i];
    if (pair.key == "model") {
      if (pair.value == "help" || pair.value == "?") {
        line.deviceHelp = true;
        return llvm::Error::success();
      }
      if (pair.value != "virtio-net-device" && pair.value != "virtio")
        return optionError("-nic " + text + ": model " + pair.value +
                           ": this board's network card is virtio-net-device");
    } else if (pair.key == "mac") {
      if (!parseMac(pair.value, card.mac))
        return optionError("-nic " + text + ": mac=" + pair.value +
                           " is not six hex bytes (52:54:00:12:34:56)");
      card.macGiven = true;
    } else {
      networkPairs.push_back(pair);
    }
  }
  NetdevSpec spec;
  spec.text = text;
  spec.fromNic = true;
  std::string unimplemented;
  if (llvm::Error error = parseUserOptions(networkPairs, 1, "-nic", spec, unimplemented))
    return error;
  if (!unimplemented.empty()) {
    line.unimplemented.push_back(unimplemented);
    return llvm::Error::success();
  }
  if (spec.user.id.empty()) {
    unsigned count = 0;
    for (const NetdevSpec &other : line.netdevs)
      count += other.fromNic ? 1 : 0;
    spec.user.id = "nic" + std::to_string(count);
  }
  card.netdevId = spec.user.id;
  if (llvm::Error error = addNetdev(line, std::move(spec), "-nic"))
    return error;
  line.nics.push_back(std::move(card));
  return llvm::Error::success();
}

llvm::Error parseChardev(SystemCommandLine &line, const std::string &text) {
  auto fail = [&](const std::string &why) { return optionError("-chardev " + text + ": " + why); };
  std::vector<OptionPair> pairs = splitOptionList(text);
  llvm::StringRef type = pairs.front().key;
  if (pairs.front().hasValue)
    return fail("the back end type comes first (e.g. stdio,id=c0)");
  if (type == "help" || type == "?") {
    line.chardevHelp = true;
    return llvm::Error::success();
  }
  if (llvm::is_contained(kUnimplementedChardevTypes, type)) {
    line.unimplemented.push_back("-chardev " + type.str() + " (only stdio)");
    return llvm::Error::success();
  }
  if (type != "stdio")
    return fail("unknown back end '" + type.str() + "' (this tool has: stdio; '-chardev help')");
  ChardevSpec spec;
  spec.text = text;
  for (size_t i = 1; i < pairs.size(); ++i) {
    const OptionPair &pair = pairs[i];
    if (!pair.hasValue)
      return fail("'" + pair.key + "' is not key=value");
    if (pair.key == "id") {
      spec.id = pair.value;
    } else if (pair.key == "mux" || pair.key == "signal") {
      // The stdio console is always shared (console_mux.h), and Ctrl-C
      // always goes to the guest (raw mode).
      if (pair.value != "on" && pair.value != "off")
        return fail(pair.key + " expects on or off, not '" + pair.value + "'");
    } else if (pair.key == "logfile" || pair.key == "logappend") {
      line.unimplemented.push_back("-chardev stdio," + pair.key + "=");
      return llvm::Error::success();
    } else {
      return fail("unknown option '" + pair.key + "' of stdio (it has id, mux, signal)");
    }
  }
  if (spec.id.empty())
    return fail("no id= (a device names it: chardev=ID)");
  for (const ChardevSpec &other : line.chardevs)
    if (other.id == spec.id)
      return fail("duplicate chardev id '" + spec.id + "'");
  line.chardevs.push_back(std::move(spec));
  return llvm::Error::success();
}

void noteSerialChardev(SystemCommandLine &line, const std::string &id) { line.serialChardev = id; }

llvm::Error parseNetworkOrConsoleDevice(SystemCommandLine &line, const std::string &text,
                                        const std::vector<OptionPair> &pairs,
                                        VirtioDeviceSpec device,
                                        std::vector<VirtioDeviceSpec> &devices) {
  (void)line;
  auto fail = [&](const std::string &why) { return optionError("-device " + text + ": " + why); };
  bool net = device.type == VirtioDeviceSpec::Type::Net;
  for (size_t i = 1; i < pairs.size(); ++i) {
    const OptionPair &pair = pairs[i];
    if (!pair.hasValue)
      return fail("'" + pair.key + "' is not property=value");
    if (pair.key == "id")
      continue; // a name for QEMU's monitor; nothing refers to it here
    if (net && pair.key == "netdev") {
      if (pair.value.empty())
        return fail("netdev= is empty");
      device.netdevId = pair.value; // resolved once every -netdev is known
    } else if (net && pair.key == "mac") {
      if (!parseMac(pair.value, device.mac))
        return fail("mac=" + pair.value + " is not six hex bytes (52:54:00:12:34:56)");
      if (device.mac[0] & 1)
        return fail("mac=" + pair.value + " is a multicast address");
      device.macGiven = true;
    } else {
      return fail("unknown property '" + pair.key + "' of " + pairs.front().key +
                  (net ? " (it has netdev, mac, id)"
                       : " (it has id; its console port's host end is -device "
                         "virtconsole[,chardev=ID])"));
    }
  }
  if (net && device.netdevId.empty())
    return fail("netdev property not set (netdev=ID of a -netdev user,id=ID)");
  devices.push_back(std::move(device));
  return llvm::Error::success();
}

llvm::Error parseConsolePort(SystemCommandLine &line, const std::string &text,
                             const std::vector<OptionPair> &pairs,
                             std::vector<VirtioDeviceSpec> &devices) {
  auto fail = [&](const std::string &why) { return optionError("-device " + text + ": " + why); };
  llvm::StringRef type = pairs.front().hasValue ? llvm::StringRef(pairs.front().value)
                                                : llvm::StringRef(pairs.front().key);
  if (type == "virtserialport") {
    line.unimplemented.push_back(
        "-device virtserialport (a port that is not a console needs VIRTIO_CONSOLE_F_MULTIPORT)");
    return llvm::Error::success();
  }
  std::string chardev;
  for (size_t i = 1; i < pairs.size(); ++i) {
    const OptionPair &pair = pairs[i];
    if (!pair.hasValue)
      return fail("'" + pair.key + "' is not property=value");
    if (pair.key == "id")
      continue;
    if (pair.key == "chardev") {
      if (pair.value.empty())
        return fail("chardev= is empty");
      chardev = pair.value;
    } else {
      return fail("unknown property '" + pair.key + "' of virtconsole (it has chardev, id)");
    }
  }
  bool anyConsole = false;
  for (VirtioDeviceSpec &device : devices) {
    if (device.type != VirtioDeviceSpec::Type::Console)
      continue;
    anyConsole = true;
    if (device.hasPort)
      continue;
    device.hasPort = true;
    device.chardevId = chardev;
    return llvm::Error::success();
  }
  if (!anyConsole)
    return fail("no virtio-serial-device for it: put -device virtio-serial-device before it");
  line.unimplemented.push_back("a second virtconsole on one virtio-serial-device "
                               "(VIRTIO_CONSOLE_F_MULTIPORT; each virtio-serial-device has one "
                               "console port)");
  return llvm::Error::success();
}

llvm::Error resolveNetworkDevices(SystemCommandLine &line, std::vector<VirtioDeviceSpec> &devices) {
  // Unimplemented parts are reported instead (options.cpp does the same).
  if (!line.unimplemented.empty())
    return llvm::Error::success();
  auto knownChardev = [&](const std::string &id) {
    return std::any_of(line.chardevs.begin(), line.chardevs.end(),
                       [&](const ChardevSpec &chardev) { return chardev.id == id; });
  };
  if (!line.serialChardev.empty() && !knownChardev(line.serialChardev))
    return optionError("-serial chardev:" + line.serialChardev + ": no -chardev with id '" +
                       line.serialChardev + "'");
  for (VirtioDeviceSpec &nic : line.nics)
    devices.push_back(std::move(nic));
  line.nics.clear();
  std::vector<int> users(line.netdevs.size(), 0);
  unsigned cards = 0;
  for (VirtioDeviceSpec &device : devices) {
    if (device.type == VirtioDeviceSpec::Type::Console && !device.chardevId.empty() &&
        !knownChardev(device.chardevId))
      return optionError("-device virtconsole,chardev=" + device.chardevId +
                         ": no -chardev with id '" + device.chardevId +
                         "' (the console's host end is -chardev stdio,id=" + device.chardevId +
                         ")");
    if (device.type != VirtioDeviceSpec::Type::Net)
      continue;
    auto found = std::find_if(line.netdevs.begin(), line.netdevs.end(),
                              [&](const NetdevSpec &n) { return n.user.id == device.netdevId; });
    if (found == line.netdevs.end())
      return optionError("-device " + device.text + ": no -netdev with id '" + device.netdevId +
                         "'");
    device.netdev = static_cast<int>(found - line.netdevs.begin());
    if (users[static_cast<size_t>(device.netdev)]++ > 0)
      return optionError("-device " + device.text + ": netdev '" + device.netdevId +
                         "' is already in use by another network card");
    // QEMU's default addresses: 52:54:00:12:34:56 for the first card, then
    // counting up.
    if (!device.macGiven)
      device.mac = {0x52, 0x54, 0x00, 0x12, 0x34, static_cast<uint8_t>(0x56 + cards)};
    ++cards;
  }
  for (size_t index = 0; index < line.netdevs.size(); ++index)
    if (users[index] == 0)
      line.warnings.push_back("-netdev " + line.netdevs[index].text + ": no network card uses '" +
                              line.netdevs[index].user.id +
                              "' (plug one in with -device virtio-net-device,netdev=" +
                              line.netdevs[index].user.id + ")");
  return llvm::Error::success();
}

std::string systemNetdevTypesText() {
  return "Network back ends (-netdev TYPE,id=ID,...; -nic TYPE,... adds the card too):\n"
         "  user    user-mode networking (slirp, as QEMU): the guest gets 10.0.2.15 by DHCP,\n"
         "          gateway and host 10.0.2.2 (the host's loopback), DNS 10.0.2.3; options:\n"
         "          hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport (repeatable),\n"
         "          net=ADDR[/MASK], host=ADDR, dns=ADDR, dhcpstart=ADDR, restrict=on|off,\n"
         "          hostname=NAME\n"
         "The card: -device virtio-net-device,netdev=ID[,mac=52:54:00:12:34:56]\n";
}

std::string systemChardevTypesText() {
  return "Character back ends (-chardev TYPE,id=ID,...):\n"
         "  stdio   the console on stdin/stdout, shared by the UART and the virtio consoles\n"
         "          (Ctrl-A c moves input between them); options: mux=on|off, signal=on|off\n"
         "Use: -serial chardev:ID, -device virtconsole,chardev=ID\n";
}

std::string formatMac(const std::array<uint8_t, 6> &mac) {
  std::string text;
  for (size_t i = 0; i < mac.size(); ++i) {
    if (i > 0)
      text += ':';
    text += llvm::toHex(llvm::ArrayRef<uint8_t>(&mac[i], 1), true);
  }
  return text;
}

} // namespace tiercel::tools
