// The network and console options of tiercel-system-riscv64
// (tools/tiercel-system-riscv64/net_options.h): -netdev user with hostfwd
// and addresses, -device virtio-net-device and its MAC, -nic, the console
// devices and -chardev, and an error or "unimplemented" for each way to get
// them wrong.
#include <gtest/gtest.h>

#include "tests/unit/system_cli/parse_support.h"

namespace tiercel::tools {
namespace {

using namespace test;

TEST(NetOptionsTest, NetdevUserWithForwardsAndACard) {
  SystemCommandLine line =
      parse({"-netdev", "user,id=n0,hostfwd=tcp::8080-:80,hostfwd=udp:127.0.0.1:5353-10.0.2.20:53",
             "-device", "virtio-net-device,netdev=n0,mac=52:54:00:aa:bb:cc"});
  ASSERT_EQ(line.netdevs.size(), 1u);
  const system::UserNetworkConfig &user = line.netdevs[0].user;
  EXPECT_EQ(user.id, "n0");
  EXPECT_EQ(user.network, 0x0a000200u);
  EXPECT_EQ(user.host, 0x0a000202u);
  EXPECT_EQ(user.dns, 0x0a000203u);
  EXPECT_EQ(user.dhcpStart, 0x0a00020fu);
  ASSERT_EQ(user.forwards.size(), 2u);
  EXPECT_FALSE(user.forwards[0].udp);
  EXPECT_EQ(user.forwards[0].hostAddress, 0u); // every host address
  EXPECT_EQ(user.forwards[0].hostPort, 8080);
  EXPECT_EQ(user.forwards[0].guestAddress, 0u); // the DHCP address
  EXPECT_EQ(user.forwards[0].guestPort, 80);
  EXPECT_TRUE(user.forwards[1].udp);
  EXPECT_EQ(user.forwards[1].hostAddress, 0x7f000001u);
  EXPECT_EQ(user.forwards[1].guestAddress, 0x0a000214u);
  EXPECT_EQ(user.forwards[1].guestPort, 53);
  ASSERT_EQ(line.virtioDevices.size(), 1u);
  const VirtioDeviceSpec &card = line.virtioDevices[0];
  EXPECT_EQ(card.type, VirtioDeviceSpec::Type::Net);
  EXPECT_EQ(card.netdev, 0);
  EXPECT_EQ(formatMac(card.mac), "52:54:00:aa:bb:cc");
  EXPECT_TRUE(line.warnings.empty());
}

TEST(NetOptionsTest, CardsGetQemusDefaultMacsInOrder) {
  SystemCommandLine line =
      parse({"-netdev", "user,id=a", "-netdev", "user,id=b", "-device",
             "virtio-net-device,netdev=b", "-device", "virtio-net-device,netdev=a"});
  ASSERT_EQ(line.virtioDevices.size(), 2u);
  EXPECT_EQ(formatMac(line.virtioDevices[0].mac), "52:54:00:12:34:56");
  EXPECT_EQ(formatMac(line.virtioDevices[1].mac), "52:54:00:12:34:57");
  EXPECT_EQ(line.virtioDevices[0].netdev, 1);
  EXPECT_EQ(line.virtioDevices[1].netdev, 0);
}

TEST(NetOptionsTest, NetAddressesAreDerivedAndChecked) {
  SystemCommandLine line = parse({"-netdev",
                                  "user,id=n0,net=192.168.76.0/24,restrict=on,"
                                  "hostname=guest",
                                  "-device", "virtio-net-device,netdev=n0"});
  const system::UserNetworkConfig &user = line.netdevs.at(0).user;
  EXPECT_EQ(user.network, 0xc0a84c00u);
  EXPECT_EQ(user.netmask, 0xffffff00u);
  EXPECT_EQ(user.host, 0xc0a84c02u);
  EXPECT_EQ(user.dhcpStart, 0xc0a84c0fu);
  EXPECT_TRUE(user.restricted);
  EXPECT_EQ(user.hostname, "guest");
  EXPECT_CONTAINS(errorOf({"-netdev", "user,id=n0,net=10.0.2.0/24,dns=10.9.9.9"}),
                  "must lie in the network 10.0.2.0/255.255.255.0");
  EXPECT_CONTAINS(errorOf({"-netdev", "user,id=n0,net=10.0.2.0/255.0.255.0"}),
                  "is not ADDR[/BITS] or ADDR/MASK");
}

TEST(NetOptionsTest, NicIsANetworkAndACard) {
  SystemCommandLine line = parse({"-nic", "user,hostfwd=tcp::2222-:22,model=virtio-net-device",
                                  "-device", "virtio-rng-device", "-nic", "none"});
  ASSERT_EQ(line.netdevs.size(), 1u);
  EXPECT_EQ(line.netdevs[0].user.id, "nic0");
  EXPECT_EQ(line.netdevs[0].user.forwards.at(0).hostPort, 2222);
  ASSERT_EQ(line.virtioDevices.size(), 2u);
  EXPECT_EQ(line.virtioDevices[0].type, VirtioDeviceSpec::Type::Rng); // -device ones first
  EXPECT_EQ(line.virtioDevices[1].type, VirtioDeviceSpec::Type::Net);
  EXPECT_EQ(line.virtioDevices[1].netdev, 0);
  EXPECT_CONTAINS(errorOf({"-nic", "user,model=e1000"}), "model e1000");
}

TEST(NetOptionsTest, NetworkMistakes) {
  EXPECT_CONTAINS(errorOf({"-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n9"}),
                  "no -netdev with id 'n9'");
  EXPECT_CONTAINS(errorOf({"-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0",
                           "-device", "virtio-net-device,netdev=n0"}),
                  "netdev 'n0' is already in use by another network card");
  EXPECT_CONTAINS(errorOf({"-device", "virtio-net-device"}), "netdev property not set");
  EXPECT_CONTAINS(errorOf({"-netdev", "user"}), "no id=");
  EXPECT_CONTAINS(errorOf({"-netdev", "user,id=n0", "-netdev", "user,id=n0"}),
                  "duplicate netdev id 'n0'");
  EXPECT_CONTAINS(errorOf({"-netdev", "bogus,id=n0"}), "unknown type 'bogus'");
  EXPECT_CONTAINS(errorOf({"-netdev", "user,id=n0,speed=fast"}), "unknown option 'speed'");
  EXPECT_CONTAINS(errorOf({"-netdev", "user,id=n0", "-device",
                           "virtio-net-device,netdev=n0,mac=52:54:00:12:34"}),
                  "is not six hex bytes");
  EXPECT_CONTAINS(errorOf({"-netdev", "user,id=n0", "-device",
                           "virtio-net-device,netdev=n0,mac=01:00:5e:00:00:01"}),
                  "multicast");
  EXPECT_CONTAINS(
      errorOf({"-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0,csum=on"}),
      "unknown property 'csum' of virtio-net-device (it has netdev, mac, id)");
  EXPECT_CONTAINS(errorOf({"-device", "virtio-net-pci,netdev=n0"}),
                  "no PCI bus: use virtio-net-device");
  EXPECT_CONTAINS(errorOf({"-device", "virtio-net"}), "no PCI bus: use virtio-net-device");
}

TEST(NetOptionsTest, BadHostForwardsSayWhatIsWrong) {
  for (const char *rule : {"tcp:8080-:80", "tcp::8080:80", "tcp::8080-80", "sctp::1-:2",
                           "tcp::0-:80", "tcp::70000-:80", "tcp:1.2.3:8080-:80", "tcp::8080-:"}) {
    std::string error = errorOf({"-netdev", std::string("user,id=n0,hostfwd=") + rule});
    EXPECT_CONTAINS(error, std::string("hostfwd=") + rule);
    EXPECT_CONTAINS(error, "[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport");
  }
  // An empty protocol is TCP, as in QEMU.
  SystemCommandLine line =
      parse({"-netdev", "user,id=n0,hostfwd=::8080-:80", "-device", "virtio-net-device,netdev=n0"});
  EXPECT_FALSE(line.netdevs.at(0).user.forwards.at(0).udp);
}

TEST(NetOptionsTest, OtherBackEndsAreUnimplemented) {
  for (const char *type : {"tap", "bridge", "socket", "vde", "stream"})
    EXPECT_EQ(unimplementedOf({"-netdev", std::string(type) + ",id=n0"}),
              std::string("-netdev ") + type + " (only user networking: -netdev user)");
  EXPECT_EQ(unimplementedOf({"-nic", "tap"}), "-nic tap (only user networking: -nic user)");
  EXPECT_EQ(unimplementedOf({"-netdev", "user,id=n0,tftp=/srv"}), "-netdev user,tftp=/srv");
  EXPECT_EQ(unimplementedOf({"-netdev", "user,id=n0,ipv6=on"}),
            "-netdev user,ipv6=on (the guest network is IPv4 only)");
  EXPECT_EQ(unimplementedOf({"-chardev", "socket,id=c0,path=/tmp/s"}),
            "-chardev socket (only stdio)");
}

TEST(NetOptionsTest, UnusedNetdevWarnsAndHelpIsNoted) {
  SystemCommandLine line = parse({"-netdev", "user,id=lonely"});
  ASSERT_EQ(line.warnings.size(), 1u);
  EXPECT_CONTAINS(line.warnings[0], "no network card uses 'lonely'");
  EXPECT_TRUE(parse({"-netdev", "help"}).netdevHelp);
  EXPECT_TRUE(parse({"-chardev", "help"}).chardevHelp);
  EXPECT_CONTAINS(systemNetdevTypesText(), "hostfwd=[tcp|udp]");
  EXPECT_CONTAINS(systemDeviceTypesText(), "virtio-net-device");
  EXPECT_CONTAINS(systemDeviceTypesText(), "virtio-serial-device");
}

TEST(NetOptionsTest, ConsoleDevicesAndChardevs) {
  SystemCommandLine line =
      parse({"-chardev", "stdio,id=con,mux=on", "-serial", "chardev:con", "-device",
             "virtio-serial-device", "-device", "virtconsole,chardev=con"});
  ASSERT_EQ(line.virtioDevices.size(), 1u);
  EXPECT_EQ(line.virtioDevices[0].type, VirtioDeviceSpec::Type::Console);
  EXPECT_TRUE(line.virtioDevices[0].hasPort);
  EXPECT_EQ(line.virtioDevices[0].chardevId, "con");
  EXPECT_EQ(line.serialChardev, "con");
  // A virtio-serial-device alone has its console port on stdio.
  EXPECT_EQ(parse({"-device", "virtio-serial-device"}).virtioDevices.size(), 1u);
  EXPECT_CONTAINS(errorOf({"-device", "virtconsole"}), "no virtio-serial-device for it");
  EXPECT_CONTAINS(errorOf({"-device", "virtio-serial-device", "-device", "virtconsole,chardev=c9"}),
                  "no -chardev with id 'c9'");
  EXPECT_CONTAINS(errorOf({"-serial", "chardev:c9"}), "no -chardev with id 'c9'");
  EXPECT_CONTAINS(errorOf({"-chardev", "stdio"}), "no id=");
  EXPECT_CONTAINS(errorOf({"-device", "virtio-serial-device,max_ports=4"}),
                  "unknown property 'max_ports'");
  EXPECT_EQ(unimplementedOf({"-device", "virtio-serial-device", "-device", "virtconsole", "-device",
                             "virtconsole"})
                .rfind("a second virtconsole", 0),
            0u);
  EXPECT_EQ(unimplementedOf({"-device", "virtio-serial-device", "-device", "virtserialport"})
                .rfind("-device virtserialport", 0),
            0u);
  EXPECT_CONTAINS(errorOf({"-device", "virtio-serial-pci"}), "use virtio-serial-device");
}

} // namespace
} // namespace tiercel::tools
