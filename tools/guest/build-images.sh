#!/usr/bin/env bash
# Builds the Tiercel system-mode guest images from Debian packages:
#
#   Image              riscv64 Linux kernel from linux-source-6.1,
#                      tinyconfig + tools/guest/kernel.config
#   initramfs.cpio.gz  static busybox from Debian's busybox source package
#                      (defconfig + tools/guest/busybox.config), the /init in
#                      tools/guest/init, udhcpc's hook (udhcpc.script) and the
#                      files of any --extra DIR
#
# The results are cached outside the build tree, in
# ${TIERCEL_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tiercel/guest}, under
# a directory named by a hash of the config fragments, these scripts, the
# package versions (kernel source, busybox source, cross toolchain) and the
# extra files; a second run with the same inputs only prints the paths.
# The kernel and busybox are cached separately (kernel-<hash>/,
# busybox-<hash>/) so that changing the extra files or /init does not
# rebuild the kernel.
#
# Usage: tools/guest/build-images.sh [options]
#   --cache DIR     cache directory (default as above)
#   --extra DIR     copy DIR's contents into the initramfs root (DIR/bench/x
#                   becomes /bench/x); may be repeated
#   --jobs N        parallel make jobs (default ${JOBS:-2}); builds run under nice
#   --print-paths   print KERNEL=... INITRD=... if the images are cached, fail
#                   (status 2) without building if they are not
#   --keep-work     keep the kernel and busybox build trees (for debugging)
#   -h, --help
#
# Last line printed on success: KERNEL=<path> INITRD=<path>
set -euo pipefail

readonly script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly kernel_fragment="$script_dir/kernel.config"
readonly busybox_fragment="$script_dir/busybox.config"
readonly init_script="$script_dir/init"
readonly udhcpc_script="$script_dir/udhcpc.script" # /usr/share/udhcpc/default.script
readonly linux_tarball=/usr/src/linux-source-6.1.tar.xz
readonly cross=riscv64-linux-gnu-
readonly marker_file=.complete # written last into every finished cache entry

cache_dir="${TIERCEL_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tiercel/guest}"
extra_dirs=()
jobs="${JOBS:-2}"
print_only=0
keep_work=0

die() { echo "build-images: error: $*" >&2; exit 1; }
note() { echo "build-images: $*" >&2; }

usage() { sed -n '/^# Usage:/,/^# Last line/p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --cache) [ $# -ge 2 ] || die "--cache needs a directory"; cache_dir="$2"; shift 2 ;;
    --cache=*) cache_dir="${1#*=}"; shift ;;
    --extra) [ $# -ge 2 ] || die "--extra needs a directory"; extra_dirs+=("$2"); shift 2 ;;
    --extra=*) extra_dirs+=("${1#*=}"); shift ;;
    --jobs) [ $# -ge 2 ] || die "--jobs needs a number"; jobs="$2"; shift 2 ;;
    --jobs=*) jobs="${1#*=}"; shift ;;
    --print-paths) print_only=1; shift ;;
    --keep-work) keep_work=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die "--jobs wants a positive number, not '$jobs'"
for d in "${extra_dirs[@]+"${extra_dirs[@]}"}"; do
  [ -d "$d" ] || die "--extra $d: not a directory"
done
mkdir -p "$cache_dir"
cache_dir=$(cd "$cache_dir" && pwd)

# ---------------------------------------------------------------------------
# Tools and sources

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

require_tools() {
  local missing=()
  local t
  for t in "${cross}gcc" "${cross}ld" make gcc flex bison bc cpio gzip xz perl \
           dpkg-source apt-get sha256sum tar; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
  done
  [ -f "$linux_tarball" ] || missing+=("$linux_tarball (package linux-source-6.1)")
  [ ${#missing[@]} -eq 0 ] || die "missing: ${missing[*]}; run tools/install-deps.sh"
}

# Debian's source packages need a deb-src entry. Add one for bookworm from the
# mirror the system already uses (deb822 .sources or one-line sources.list),
# once; a system that can already fetch busybox's source is left alone.
busybox_source_uris() { apt-get source --print-uris -qq busybox 2>/dev/null; }

ensure_deb_src() {
  if busybox_source_uris | grep -q "\.dsc'"; then return 0; fi
  local entry=/etc/apt/sources.list.d/tiercel-deb-src.sources
  if [ ! -f "$entry" ]; then
    local uri="" keyring=""
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      # The first stanza of Types "deb" whose Suites include "bookworm".
      read -r uri keyring < <(awk 'BEGIN { RS = ""; FS = "\n" }
        { t = ""; u = ""; s = ""; k = "";
          for (i = 1; i <= NF; i++) {
            if ($i ~ /^Types:/) t = $i;
            if ($i ~ /^URIs:/) u = $i;
            if ($i ~ /^Suites:/) s = $i;
            if ($i ~ /^Signed-By:/) k = $i;
          }
          if (t ~ /[ \t]deb([ \t]|$)/ && s ~ /[ \t]bookworm([ \t]|$)/) {
            split(u, uu, /[ \t]+/); split(k, kk, /[ \t]+/);
            print uu[2], kk[2]; exit
          } }' /etc/apt/sources.list.d/debian.sources) || true
    fi
    if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
      uri=$(awk '$1 == "deb" && $0 ~ /[ \t]bookworm[ \t]/ {
                   for (i = 2; i <= NF; i++) if ($i !~ /^\[/) { print $i; exit } }' \
              /etc/apt/sources.list)
    fi
    [ -n "$uri" ] || die "no bookworm 'deb' entry found in /etc/apt to derive a deb-src entry from"
    note "adding deb-src entry $entry ($uri bookworm)"
    {
      echo "# Added by Tiercel's tools/guest/build-images.sh: source packages (busybox)."
      echo "Types: deb-src"
      echo "URIs: $uri"
      echo "Suites: bookworm bookworm-updates"
      echo "Components: main"
      if [ -n "$keyring" ]; then echo "Signed-By: $keyring"; fi
    } | "${sudo_cmd[@]+"${sudo_cmd[@]}"}" tee "$entry" >/dev/null
  fi
  note "apt-get update (for the deb-src entry)"
  "${sudo_cmd[@]+"${sudo_cmd[@]}"}" apt-get update -qq
  busybox_source_uris | grep -q "\.dsc'" || die "apt-get source busybox still fails after adding $entry"
}

# ---------------------------------------------------------------------------
# Cache keys

pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "not-installed"; }

hash_of() { sha256sum | cut -c1-16; }

# The busybox source version apt would fetch, e.g. 1:1.35.0-4.
busybox_source_version() {
  busybox_source_uris | awk '$2 ~ /^busybox_.*\.dsc$/ { v = $2; sub(/^busybox_/, "", v);
                                                       sub(/\.dsc$/, "", v); print v; exit }'
}

# Content of the --extra directories: names, modes, link targets, data.
extras_digest() {
  local d
  for d in "${extra_dirs[@]+"${extra_dirs[@]}"}"; do
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$d" -cf - . | sha256sum
  done
}

toolchain_id() {
  echo "gcc $("${cross}gcc" -dumpfullversion)"
  echo "gcc-pkg $(pkg_version "gcc-12-riscv64-linux-gnu")"
  echo "binutils $(pkg_version binutils-riscv64-linux-gnu)"
}

compute_keys() {
  local linux_version bb_version tool
  linux_version=$(pkg_version linux-source-6.1)
  bb_version=$(busybox_source_version)
  [ -n "$bb_version" ] || die "cannot tell which busybox source version apt would fetch"
  tool=$(toolchain_id)
  kernel_key=$({ echo "linux-source-6.1 $linux_version"; echo "$tool";
                 cat "$kernel_fragment" "$0"; } | hash_of)
  busybox_key=$({ echo "busybox $bb_version"; echo "$tool";
                  echo "libc $(pkg_version libc6-dev-riscv64-cross)";
                  cat "$busybox_fragment" "$0"; } | hash_of)
  image_key=$({ echo "$kernel_key $busybox_key"; cat "$init_script" "$udhcpc_script" "$0"; extras_digest; } | hash_of)
  kernel_dir="$cache_dir/kernel-$kernel_key"
  busybox_dir="$cache_dir/busybox-$busybox_key"
  image_dir="$cache_dir/$image_key"
  busybox_version="$bb_version"
}

is_complete() { [ -f "$1/$marker_file" ]; }

print_paths() { echo "KERNEL=$image_dir/Image INITRD=$image_dir/initramfs.cpio.gz"; }

# ---------------------------------------------------------------------------
# Config fragments: apply and verify

# Lines of a fragment as "NAME VALUE", VALUE "n" for "# CONFIG_X is not set".
fragment_settings() {
  sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)$/\1 \2/p' \
         -e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1 n/p' "$1"
}

# Fails, naming every option of `fragment` whose value in `config` differs.
verify_config() {
  local fragment="$1" config="$2" what="$3" name value actual bad=()
  while read -r name value; do
    actual=$(sed -n "s/^$name=\(.*\)$/\1/p" "$config")
    [ -n "$actual" ] || actual=n # "# ... is not set" or not visible at all
    if [ "$actual" != "$value" ]; then bad+=("$name (wanted $value, got $actual)"); fi
  done < <(fragment_settings "$fragment")
  if [ ${#bad[@]} -ne 0 ]; then
    printf 'build-images: error: %s config: option not as requested: %s\n' "$what" "${bad[@]}" >&2
    exit 1
  fi
}

# Sets the fragment's options in a kconfig .config in place (busybox's
# kconfig has no merge_config.sh).
apply_fragment() {
  local fragment="$1" config="$2" name value
  while read -r name value; do
    sed -i -e "/^$name=/d" -e "/^# $name is not set$/d" "$config"
    if [ "$value" = n ]; then echo "# $name is not set"; else echo "$name=$value"; fi >>"$config"
  done < <(fragment_settings "$fragment")
}

# ---------------------------------------------------------------------------
# Builds. Each writes into a temporary directory next to its cache entry and
# renames it into place when complete, so an interrupted build leaves nothing
# that looks finished.

logs_dir="$cache_dir/logs"
work_dirs=()
cleanup() {
  if [ "$keep_work" -eq 0 ]; then
    local d
    for d in "${work_dirs[@]+"${work_dirs[@]}"}"; do rm -rf "$d"; done
  fi
}
trap cleanup EXIT

# run LOG CMD...: runs CMD with its output in LOG; on failure shows the end.
run_logged() {
  local log="$1"; shift
  if ! "$@" >>"$log" 2>&1; then
    echo "build-images: error: failed: $*" >&2
    echo "---- last lines of $log ----" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
}

kmake() { nice -n 10 make -C "$ksrc" O="$kbuild" ARCH=riscv CROSS_COMPILE="$cross" "$@"; }

build_kernel() {
  local work="$cache_dir/work-kernel-$kernel_key.$$" log="$logs_dir/kernel-$kernel_key.log" start=$SECONDS
  work_dirs+=("$work")
  rm -rf "$work"; mkdir -p "$work/out" "$logs_dir"; : >"$log"
  note "kernel: extracting $linux_tarball (log $log)"
  run_logged "$log" tar -xJf "$linux_tarball" -C "$work"
  ksrc="$work/linux-source-6.1"; kbuild="$work/build"
  note "kernel: tinyconfig + $(basename "$kernel_fragment")"
  run_logged "$log" kmake tinyconfig
  run_logged "$log" "$ksrc/scripts/kconfig/merge_config.sh" -m -O "$kbuild" "$kbuild/.config" "$kernel_fragment"
  run_logged "$log" kmake olddefconfig
  verify_config "$kernel_fragment" "$kbuild/.config" kernel
  note "kernel: make -j$jobs Image"
  run_logged "$log" kmake -j"$jobs" Image
  # The initramfs is written by the kernel's own tool, so /dev/console can be
  # a device node without root.
  run_logged "$log" gcc -O2 -o "$work/out/gen_init_cpio" "$ksrc/usr/gen_init_cpio.c"
  cp "$kbuild/arch/riscv/boot/Image" "$kbuild/.config" "$work/out/"
  make -s --no-print-directory -C "$ksrc" O="$kbuild" ARCH=riscv kernelrelease >"$work/out/kernelrelease"
  echo "$((SECONDS - start))" >"$work/out/build-seconds"
  touch "$work/out/$marker_file"
  rm -rf "$kernel_dir"; mv "$work/out" "$kernel_dir"
  note "kernel: built in $((SECONDS - start)) s -> $kernel_dir/Image"
}

# The Debian source tree of busybox, fetched once per version.
fetch_busybox_source() {
  local src_root="$cache_dir/src/busybox-$busybox_version"
  if [ -f "$src_root/$marker_file" ]; then bb_src="$src_root/$(cat "$src_root/$marker_file")"; return; fi
  local tmp="$cache_dir/src/tmp.$$" log="$logs_dir/busybox-source.log"
  work_dirs+=("$tmp")
  rm -rf "$tmp" "$src_root"; mkdir -p "$tmp" "$logs_dir"; : >"$log"
  note "busybox: apt-get source busybox ($busybox_version)"
  # As root apt cannot drop to _apt for the download into our directory.
  (cd "$tmp" && run_logged "$log" apt-get source -qq -o APT::Sandbox::User=root busybox)
  local tree
  tree=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'busybox-*' | head -n1)
  [ -n "$tree" ] || die "apt-get source busybox produced no source tree (log $log)"
  mv "$tmp" "$src_root"
  bb_src="$src_root/$(basename "$tree")"
  basename "$tree" >"$src_root/$marker_file" # relative: the cache may move
}

bbmake() { nice -n 10 make -C "$bb_src" O="$bbuild" CROSS_COMPILE="$cross" "$@"; }

build_busybox() {
  local work="$cache_dir/work-busybox-$busybox_key.$$" log="$logs_dir/busybox-$busybox_key.log" start=$SECONDS
  fetch_busybox_source
  work_dirs+=("$work")
  rm -rf "$work"; mkdir -p "$work/out" "$work/build" "$logs_dir"; : >"$log"
  bbuild="$work/build"
  note "busybox: defconfig + $(basename "$busybox_fragment") (log $log)"
  run_logged "$log" bbmake defconfig
  apply_fragment "$busybox_fragment" "$bbuild/.config"
  # Answers the defaults for anything the fragment made visible.
  run_logged "$log" bash -c 'yes "" | "$@"' _ make -C "$bb_src" O="$bbuild" CROSS_COMPILE="$cross" oldconfig
  verify_config "$busybox_fragment" "$bbuild/.config" busybox
  note "busybox: make -j$jobs"
  run_logged "$log" bbmake -j"$jobs" busybox busybox.links
  local description
  description=$(LC_ALL=C file -b "$bbuild/busybox" 2>/dev/null || true)
  if command -v file >/dev/null 2>&1; then
    case "$description" in
      *RISC-V*statically\ linked*) ;;
      *) die "busybox is not a static RISC-V executable: $description" ;;
    esac
  fi
  cp "$bbuild/busybox" "$bbuild/busybox.links" "$bbuild/.config" "$work/out/"
  echo "$((SECONDS - start))" >"$work/out/build-seconds"
  touch "$work/out/$marker_file"
  rm -rf "$busybox_dir"; mv "$work/out" "$busybox_dir"
  note "busybox: built in $((SECONDS - start)) s -> $busybox_dir/busybox"
}

# gen_init_cpio's file list for a staged tree: everything owned by root.
cpio_list_of_tree() {
  local root="$1" path rel mode target
  (cd "$root" && find . -mindepth 1 | LC_ALL=C sort) | while read -r path; do
    rel="${path#.}"
    # gen_init_cpio's list is whitespace-separated.
    [[ "$rel" != *[[:space:]]* ]] || die "--extra: '$rel': names with white space cannot go into the initramfs"
    mode=$(stat -c '%a' "$root/$path")
    if [ -L "$root/$path" ]; then
      target=$(readlink "$root/$path")
      echo "slink $rel $target 0777 0 0"
    elif [ -d "$root/$path" ]; then
      echo "dir $rel $mode 0 0"
    elif [ -f "$root/$path" ]; then
      echo "file $rel $root/$path $mode 0 0"
    else
      die "--extra: $rel is neither a file, a directory nor a symlink"
    fi
  done
}

build_initramfs() {
  local work="$cache_dir/work-image-$image_key.$$" start=$SECONDS
  work_dirs+=("$work")
  rm -rf "$work"; mkdir -p "$work/out" "$work/root"
  local root="$work/root" d applet
  for d in bin sbin usr/bin usr/sbin proc sys dev tmp root etc mnt; do mkdir -p "$root/$d"; done
  chmod 1777 "$root/tmp"; chmod 0700 "$root/root"
  cp "$busybox_dir/busybox" "$root/bin/busybox"
  chmod 0755 "$root/bin/busybox"
  # busybox.links lists the applets' install paths (/bin/ls, /usr/sbin/...).
  while read -r applet; do
    [ "$applet" = /bin/busybox ] && continue
    mkdir -p "$root$(dirname "$applet")"
    ln -sf /bin/busybox "$root$applet"
  done <"$busybox_dir/busybox.links"
  cp "$init_script" "$root/init"; chmod 0755 "$root/init"
  mkdir -p "$root/usr/share/udhcpc"
  cp "$udhcpc_script" "$root/usr/share/udhcpc/default.script"
  chmod 0755 "$root/usr/share/udhcpc/default.script"
  echo "tiercel" >"$root/etc/hostname"
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\n' >"$root/etc/group"
  for d in "${extra_dirs[@]+"${extra_dirs[@]}"}"; do
    note "initramfs: adding the files of $d"
    cp -a --no-preserve=ownership "$d/." "$root/"
  done
  # Fixed timestamps (gen_init_cpio takes files' own mtimes, -t the rest),
  # so the same inputs give the same archive.
  find "$root" -exec touch -h -d @0 {} +
  {
    cpio_list_of_tree "$root"
    echo "nod /dev/console 0600 0 0 c 5 1"
    echo "nod /dev/null 0666 0 0 c 1 3"
  } >"$work/cpio.list"
  "$kernel_dir/gen_init_cpio" -t 0 "$work/cpio.list" | gzip -9 -n >"$work/out/initramfs.cpio.gz"
  ln "$kernel_dir/Image" "$work/out/Image" 2>/dev/null || cp "$kernel_dir/Image" "$work/out/Image"
  {
    echo "linux-source-6.1 $(pkg_version linux-source-6.1) ($(cat "$kernel_dir/kernelrelease"))"
    echo "busybox source $busybox_version"
    toolchain_id
    echo "kernel $kernel_key busybox $busybox_key"
    for d in "${extra_dirs[@]+"${extra_dirs[@]}"}"; do echo "extra $d"; done
  } >"$work/out/MANIFEST"
  touch "$work/out/$marker_file"
  rm -rf "$image_dir"; mv "$work/out" "$image_dir"
  note "initramfs: built in $((SECONDS - start)) s -> $image_dir/initramfs.cpio.gz"
}

# ---------------------------------------------------------------------------

require_tools
if [ "$print_only" -eq 1 ]; then
  busybox_source_uris | grep -q "\.dsc'" || { note "not built: no busybox source entry in apt yet"; exit 2; }
  compute_keys
  if is_complete "$image_dir"; then print_paths; exit 0; fi
  note "not built yet: $image_dir (run without --print-paths)"
  exit 2
fi

# One build at a time per cache (a CI job and a developer's run may overlap).
exec 9>"$cache_dir/.lock"
flock 9

ensure_deb_src
compute_keys
total_start=$SECONDS
if ! is_complete "$image_dir"; then
  is_complete "$kernel_dir" || build_kernel
  is_complete "$busybox_dir" || build_busybox
  build_initramfs
  note "images built in $((SECONDS - total_start)) s"
fi
print_paths
