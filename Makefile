# Entry points. `make demo` and `make test` work on a fresh Debian 12 machine:
# they install the packages they need (tools/install-deps.sh), configure,
# build and run.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test test-sanitize test-tsan bench bench-threads bench-system guest-images clean

all: build

deps:
	@bash tools/install-deps.sh

$(BUILD)/build.ninja: | deps
	CC=clang-19 CXX=clang++-19 cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

configure: $(BUILD)/build.ninja

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@bash tools/demo.sh $(BUILD)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The unit, guest and e2e tests again on an ASan+UBSan build (CI runs it).
test-sanitize: deps
	CC=clang-19 CXX=clang++-19 cmake -S . -B $(BUILD)-asan -G Ninja -DTIERCEL_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ctest --output-on-failure -j $(JOBS) --timeout 600

# The unit tests on a ThreadSanitizer build (build-tsan/): the code cache,
# guest threads, futexes and signals, devices and their timer thread, the
# console mux. Any report fails its test (halt_on_error); tests/tsan.supp
# lists the known false positives, each with the reason.
TSAN_OPTIONS_TEST = halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp
test-tsan: deps
	CC=clang-19 CXX=clang++-19 cmake -S . -B $(BUILD)-tsan -G Ninja -DTIERCEL_SANITIZE=thread $(CMAKE_FLAGS)
	cmake --build $(BUILD)-tsan -j $(JOBS) --target unit_tests
	cd $(BUILD)-tsan && TSAN_OPTIONS="$(TSAN_OPTIONS_TEST)" \
	  ctest -L unit -LE 'slow|fuzz' --output-on-failure -j $(JOBS) --timeout 600

bench: build
	python3 bench/run.py --build $(BUILD)

# Guest threads: bench/parallel with 1 and 2 threads per tier (bench/scaling.py).
bench-threads: build
	python3 bench/scaling.py --build $(BUILD)

# System mode: boot time and the bench programs inside Linux, against
# qemu-system-riscv64 (bench/system_boot.py).
bench-system: build guest-images
	python3 bench/system_boot.py --build $(BUILD)

# System-mode guest images (riscv64 kernel + busybox initramfs) built from
# Debian packages, cached outside the build tree; prints KERNEL=... INITRD=...
guest-images: deps
	@bash tools/guest/build-images.sh --jobs $(JOBS)

clean:
	rm -rf $(BUILD)
