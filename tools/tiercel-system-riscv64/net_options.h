// The network and console options of tiercel-system-riscv64, in QEMU's
// syntax (the rest of the command line is options.h):
//
//   -netdev user,id=ID[,hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]...
//          [,net=ADDR[/MASK]][,host=ADDR][,dns=ADDR][,dhcpstart=ADDR]
//          [,restrict=on|off][,hostname=NAME][,ipv4=on][,ipv6=off]
//   -device virtio-net-device,netdev=ID[,mac=52:54:00:12:34:56]
//   -nic user[,id=ID][,model=virtio-net-device][,mac=MAC][,the -netdev user options]
//   -nic none
//   -device virtio-serial-device      a virtio console, one port: the guest's hvc0
//   -device virtconsole[,chardev=ID]  that port's host end (after its virtio-serial-device)
//   -chardev stdio,id=ID[,mux=on|off][,signal=on|off]
//   -serial chardev:ID
//
// `-netdev help` and `-chardev help` list the back ends. Other QEMU netdev
// types (tap, bridge, socket, ...) and chardev types, and QEMU's user-mode
// options this tool lacks (tftp, smb, guestfwd, IPv6), are "unimplemented".
// A virtio console's host end is always the stdio console, shared with the
// UART (runtime/system/console_mux.h): QEMU's `-chardev stdio,mux=on` set-up
// without having to write it; `chardev=` may name a `-chardev stdio`.
#pragma once

#include <string>
#include <vector>

#include "runtime/system/slirp_network.h"
#include "llvm/Support/Error.h"

namespace tiercel::tools {

struct SystemCommandLine;
struct VirtioDeviceSpec;
struct OptionPair;

// One -netdev (or the network of one -nic).
struct NetdevSpec {
  std::string text;               // the option's argument, for messages
  system::UserNetworkConfig user; // its id is the netdev's id
  bool fromNic = false;
};

// One -chardev (stdio is the only type).
struct ChardevSpec {
  std::string text;
  std::string id;
};

llvm::Error parseNetdev(SystemCommandLine &line, const std::string &text);
llvm::Error parseNic(SystemCommandLine &line, const std::string &text);
llvm::Error parseChardev(SystemCommandLine &line, const std::string &text);
// -serial chardev:ID (checked once every -chardev is known).
void noteSerialChardev(SystemCommandLine &line, const std::string &id);

// The properties of -device virtio-net-device and virtio-serial-device
// (pairs[0] is the type); appends the device to `devices`.
llvm::Error parseNetworkOrConsoleDevice(SystemCommandLine &line, const std::string &text,
                                        const std::vector<OptionPair> &pairs,
                                        VirtioDeviceSpec device,
                                        std::vector<VirtioDeviceSpec> &devices);
// -device virtconsole / virtserialport: a port of the first
// virtio-serial-device in `devices` that has none yet.
llvm::Error parseConsolePort(SystemCommandLine &line, const std::string &text,
                             const std::vector<OptionPair> &pairs,
                             std::vector<VirtioDeviceSpec> &devices);

// After the whole command line: resolves netdev= and chardev= references
// (unknown id, a netdev used twice), gives NICs QEMU's default MACs
// (52:54:00:12:34:56, then :57, ...), appends the -nic cards to `devices`
// and warns about a netdev no card uses.
llvm::Error resolveNetworkDevices(SystemCommandLine &line, std::vector<VirtioDeviceSpec> &devices);

std::string systemNetdevTypesText();
std::string systemChardevTypesText();

// "52:54:00:12:34:56".
std::string formatMac(const std::array<uint8_t, 6> &mac);

} // namespace tiercel::tools
