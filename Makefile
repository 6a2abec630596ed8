# The two commands of the README:
#   make run   installs what is missing, builds, and runs the main job on the built-in demo dataset
#   make test  installs what is missing, builds, and runs the test suite (CTest)
BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
DEMO_DIR   ?= demo-data
JOBS       ?= $(shell nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)
# clang compiles the LibTorch headers about twice as fast as GCC (shared/TOOLCHAIN.md).
CXX_COMPILER ?= $(shell command -v clang++ 2>/dev/null || command -v c++)
LOGBERT    := $(BUILD_DIR)/app/logbert

.PHONY: all deps configure build test run bench clean

all: build

deps:
	bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCMAKE_CXX_COMPILER=$(CXX_COMPILER)

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

run: build
	$(LOGBERT) info
	$(LOGBERT) demo-data $(DEMO_DIR)
	$(LOGBERT) parse --format hdfs --out $(DEMO_DIR)/parsed $(DEMO_DIR)/HDFS_demo.log
	$(LOGBERT) dataset $(DEMO_DIR)/demo.yaml

bench: build
	$(BUILD_DIR)/bench/drain_bench
	$(BUILD_DIR)/bench/train_bench

clean:
	rm -rf $(BUILD_DIR)
