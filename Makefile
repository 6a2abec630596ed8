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
WORKBENCH  := $(BUILD_DIR)/app/logbert-workbench

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
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(if $(CTEST_R),-R '$(CTEST_R)')

# The workbench on the demo dataset. Without a display (SSH, containers) it says so and runs the
# same pipeline headless with the CLI instead: demo data, dataset, a short training, evaluation.
run: build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] || [ "$$(uname)" = Darwin ]; then \
	  $(WORKBENCH) --demo --workspace $(CURDIR)/workspace; \
	else \
	  echo "no display: running the demo headless (the GUI needs X11, Wayland or macOS; try xvfb-run)"; \
	  $(LOGBERT) info && \
	  $(LOGBERT) demo-data $(DEMO_DIR) --force && \
	  $(LOGBERT) dataset $(DEMO_DIR)/demo.yaml && \
	  rm -rf $(DEMO_DIR)/run && \
	  $(LOGBERT) train $(DEMO_DIR)/demo.yaml --set model.hidden_size=64 --set model.num_hidden_layers=2 \
	    --set model.num_attention_heads=2 --set training.num_epochs=5 --set training.batch_size=32 --out $(DEMO_DIR)/run; \
	fi

bench: build
	$(BUILD_DIR)/bench/drain_bench
	$(BUILD_DIR)/bench/train_bench
	$(BUILD_DIR)/bench/memory_bench
	$(BUILD_DIR)/bench/raw_lines_bench
	QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} $(BUILD_DIR)/bench/gui_latency_bench

clean:
	rm -rf $(BUILD_DIR)
