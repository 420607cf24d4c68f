# Entry points. `make demo` and `make test` work on a fresh Debian 12 machine:
# they install the packages they need (tools/install-deps.sh), configure,
# build and run.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test bench clean

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

bench: build
	python3 bench/run.py --build $(BUILD)

clean:
	rm -rf $(BUILD)
