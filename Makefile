# callscale: a fast C simulator of LLM test-time-compute strategies.
#   make            build/callscale, build/libcallscale.a and .so, build/man/callscale.1
#   make check      unit, statistical and command-line tests, under ASan and UBSan
#   make demo       a real experiment end to end
#   make figures    every shipped experiment, small, drawn into plots/gallery/
#   make reproduce  the paper experiments against the papers' published numbers
#   make install    PREFIX=/usr/local DESTDIR=   (make uninstall the same)
#   make mpi        build/callscale-mpi, with Open MPI (mpirun -n R build/callscale-mpi run ...)
VERSION := 0.1.0
# The shared library's ABI: bump it with any change an embedding program must be rebuilt for.
SOVERSION := 0
CC ?= gcc
PREFIX ?= /usr/local
BUILD := build

# Debian packages: to build, to test, and to draw figures at run time.
BUILD_DEPS := gcc make libgsl-dev libinih-dev pkg-config nettle-dev
TEST_DEPS := check libpcg-cpp-dev g++ python3 man-db groff-base bsdextrautils binutils
# serve: the HTTP server, its JSON, its sandbox, and the plotting library its page ships (copied
# in at build)
BUILD_DEPS += libmicrohttpd-dev libjson-c-dev libjs-chart.js libseccomp-dev
# serve's tests: the page in a headless browser, requests with curl
TEST_DEPS += chromium curl
RUN_DEPS := gnuplot-nox
MPI_DEPS := libopenmpi-dev openmpi-bin
# make bench's peers: the vectorised numpy and the SimPy model a user would write instead
BENCH_DEPS := python3 python3-numpy python3-simpy

WARN := -Wall -Wextra -Wshadow -Wconversion -Wstrict-prototypes -Wmissing-prototypes -Werror
CFLAGS ?= -O2 -g
# include/ holds the public API (callscale.h); src/callscale/ the library's own module headers,
# included as "callscale/NAME.h". -MMD -MP: each object depends on the headers it includes.
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -DCALLSCALE_VERSION='"$(VERSION)"' $(WARN) \
              -Iinclude -Isrc -MMD -MP $(CFLAGS)
# One set of objects serves the static and the shared library; no interposition keeps inlining
# (and so every number) as it is without -fPIC.
PIC := -fPIC -fno-semantic-interposition
LDLIBS := -linih -lgsl -lgslcblas -lnettle -lm -lpthread
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# src/ and its module directories (src/strategy/: one file per strategy and their table); each
# build variant mirrors them under its obj/ (OBJ_DIRS).
LIB_SRC := $(wildcard src/*.c src/strategy/*.c)
LIB_SUBDIRS := $(patsubst src/%/,%,$(filter-out src/,$(sort $(dir $(LIB_SRC)))))
OBJ_DIRS = $(1) $(LIB_SUBDIRS:%=$(1)/%)
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
SAN_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/san/obj/%.o)
# The gnuplot templates of plots/ are compiled into the library (src/plot_script.c uses them), so the
# program draws figures wherever it is installed.
PLOT_TEMPLATES := $(wildcard plots/*.gp)
LIB_OBJ += $(BUILD)/obj/plot_templates.o
SAN_OBJ += $(BUILD)/san/obj/plot_templates.o
TEST_SRC := $(filter-out tests/main.c,$(wildcard tests/test_*.c))
TESTS := $(TEST_SRC:tests/%.c=$(BUILD)/san/%)
# the test programs' shared helpers (tests/testutil.h and its siblings)
TEST_HDR := $(wildcard tests/testutil*.h)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm -pthread)
SONAME := libcallscale.so.$(SOVERSION)
SHLIB := $(BUILD)/libcallscale.so.$(VERSION)

.PHONY: all check demo bench figures reproduce install uninstall clean deps test-deps bench-deps mpi mpi-deps \
        demo-deps fuzz fuzz-run fuzz-deps
all: $(BUILD)/callscale $(BUILD)/libcallscale.a $(BUILD)/libcallscale.so $(BUILD)/man/callscale.1

# Goals that install the Debian packages they need first: whatever they build waits for that
# (through the build directories), so nothing is built before its headers are there.
ENSURE := $(if $(filter check,$(MAKECMDGOALS)),test-deps,$(if $(filter demo,$(MAKECMDGOALS)),demo-deps,$(if $(filter fuzz,$(MAKECMDGOALS)),fuzz-deps,$(if $(filter bench,$(MAKECMDGOALS)),bench-deps))))

deps:
	@scripts/ensure-deps $(BUILD_DEPS)

bench-deps:
	@scripts/ensure-deps $(BUILD_DEPS) $(BENCH_DEPS)

test-deps:
	@scripts/ensure-deps $(BUILD_DEPS) $(TEST_DEPS) $(RUN_DEPS) $(MPI_DEPS)

# The demo needs what builds and what draws, not the test tools.
demo-deps:
	@scripts/ensure-deps $(BUILD_DEPS) $(RUN_DEPS)

# make fuzz brings clang and its libFuzzer runtime (make check fuzzes only where they are).
fuzz-deps:
	@scripts/ensure-deps $(BUILD_DEPS) clang libclang-rt-14-dev

$(BUILD)/obj/%.o: src/%.c | $(call OBJ_DIRS,$(BUILD)/obj)
	$(CC) $(ALL_CFLAGS) $(PIC) -c $< -o $@
$(BUILD)/san/obj/%.o: src/%.c | $(call OBJ_DIRS,$(BUILD)/san/obj)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -c $< -o $@
$(call OBJ_DIRS,$(BUILD)/obj) $(call OBJ_DIRS,$(BUILD)/san/obj) $(BUILD)/gen $(BUILD)/man: | $(ENSURE)
	mkdir -p $@
$(BUILD)/gen/plot_templates.c: $(PLOT_TEMPLATES) scripts/embed-templates | $(BUILD)/gen
	scripts/embed-templates $(PLOT_TEMPLATES) > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/plot_templates.o: $(BUILD)/gen/plot_templates.c | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) $(PIC) -c $< -o $@
$(BUILD)/san/obj/plot_templates.o: $(BUILD)/gen/plot_templates.c | $(BUILD)/san/obj
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -c $< -o $@

$(BUILD)/libcallscale.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^
# The shared library exports the functions of include/callscale.h and nothing else
# (src/callscale.map; tests/cli/lib checks the two agree).
$(SHLIB): $(LIB_OBJ) src/callscale.map
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=src/callscale.map -Wl,--no-undefined \
	    $(LDFLAGS) $(LIB_OBJ) $(LDLIBS) -o $@
$(BUILD)/libcallscale.so: $(SHLIB)
	ln -sf $(notdir $(SHLIB)) $(BUILD)/$(SONAME) && ln -sf $(SONAME) $@
$(BUILD)/san/libcallscale.a: $(SAN_OBJ)
	rm -f $@ && ar rcs $@ $^

# The program: src/cli/*.c, with the teaching page of `serve` (web/ and Debian's Chart.js)
# embedded as data, so the server reads no file to answer a request.
CLI_SRC := $(filter-out src/cli/manpage.c src/cli/engine_mpi.c,$(wildcard src/cli/*.c))
CLI_HDR := $(wildcard src/cli/*.h)
CHART_JS := /usr/share/javascript/chart.js/chart.min.js
WEB_FILES := /=web/index.html /app.js=web/app.js /chart.min.js=$(CHART_JS) \
             /chen2024_two_level.ini=experiments/chen2024_two_level.ini
SERVE_CFLAGS := $(shell pkg-config --cflags libmicrohttpd json-c libseccomp 2>/dev/null)
SERVE_LIBS := $(shell pkg-config --libs libmicrohttpd json-c libseccomp 2>/dev/null || \
                echo -lmicrohttpd -ljson-c -lseccomp)
$(BUILD)/gen/web.c: web/index.html web/app.js $(CHART_JS) experiments/chen2024_two_level.ini \
                    scripts/embed-web | $(BUILD)/gen
	scripts/embed-web $(WEB_FILES) > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/web.o: $(BUILD)/gen/web.c src/cli/web.h | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -Isrc/cli -c $< -o $@

$(BUILD)/callscale: $(CLI_SRC) $(CLI_HDR) $(BUILD)/obj/web.o $(BUILD)/libcallscale.a
	$(CC) $(ALL_CFLAGS) $(SERVE_CFLAGS) $(CLI_SRC) $(BUILD)/obj/web.o $(BUILD)/libcallscale.a \
	    $(SERVE_LIBS) $(LDLIBS) -o $@
$(BUILD)/san/callscale: $(CLI_SRC) $(CLI_HDR) $(BUILD)/obj/web.o $(BUILD)/san/libcallscale.a
	$(CC) $(ALL_CFLAGS) $(SERVE_CFLAGS) -O1 $(SAN) $(CLI_SRC) $(BUILD)/obj/web.o \
	    $(BUILD)/san/libcallscale.a $(SERVE_LIBS) $(LDLIBS) -o $@

# The man page: man/callscale.1.in with its key and strategy lists filled from the parameter
# tables that the parser and `callscale list` read (tests/cli/lib checks commands and options).
$(BUILD)/callscale-man: src/cli/manpage.c $(BUILD)/libcallscale.a
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/libcallscale.a $(LDLIBS) -o $@
$(BUILD)/man/callscale.1: man/callscale.1.in $(BUILD)/callscale-man | $(BUILD)/man
	$(BUILD)/callscale-man $(VERSION) < $< > $@.tmp && mv $@.tmp $@

# The same program over MPI ranks (src/cli/engine_mpi.c as its engine), compiled by Open MPI's
# mpicc.
$(BUILD)/callscale-mpi: $(CLI_SRC) $(CLI_HDR) src/cli/engine_mpi.c $(BUILD)/obj/web.o \
                        $(BUILD)/libcallscale.a | mpi-deps
	mpicc $(ALL_CFLAGS) $(SERVE_CFLAGS) -DCALLSCALE_MPI src/cli/engine_mpi.c $(CLI_SRC) \
	    $(BUILD)/obj/web.o $(BUILD)/libcallscale.a $(SERVE_LIBS) $(LDLIBS) -o $@
mpi: $(BUILD)/callscale-mpi
# after the goal's own packages (test-deps holds MPI_DEPS too): never two apt-get at once
mpi-deps: | $(ENSURE)
	@scripts/ensure-deps $(BUILD_DEPS) $(MPI_DEPS)

# The PCG reference: Debian's libpcg-cpp-dev (O'Neill's C++ implementation) prints the outputs our
# C PCG32 must reproduce word for word.
$(BUILD)/pcg_reference.txt: tests/pcg_reference.cpp | $(BUILD)/obj
	g++ -std=c++11 -O1 $< -o $(BUILD)/pcg_reference
	$(BUILD)/pcg_reference > $@

# tests/main.c first: with several sources, -MMD keeps the dependencies of the last one.
$(BUILD)/san/test_%: tests/test_%.c tests/main.c $(TEST_HDR) $(BUILD)/san/libcallscale.a
	$(CC) $(ALL_CFLAGS) -D_DEFAULT_SOURCE -Wno-conversion -O1 $(SAN) -Itests -DPCG_REFERENCE='"$(BUILD)/pcg_reference.txt"' \
	    -DCALLSCALE_BIN='"$(BUILD)/san/callscale"' tests/main.c $< \
	    $(BUILD)/san/libcallscale.a $(CHECK_LIBS) $(LDLIBS) -o $@

# serve's API and sandbox live in src/cli/: their unit test links them and their libraries.
$(BUILD)/san/test_serve: tests/test_serve.c tests/main.c $(TEST_HDR) src/cli/serve_api.c \
                         src/cli/serve_sandbox.c src/cli/serve.h $(BUILD)/san/libcallscale.a
	$(CC) $(ALL_CFLAGS) $(SERVE_CFLAGS) -D_DEFAULT_SOURCE -Wno-conversion -O1 $(SAN) -Itests -Isrc/cli \
	    tests/main.c $< src/cli/serve_api.c src/cli/serve_sandbox.c $(BUILD)/san/libcallscale.a \
	    $(CHECK_LIBS) $(SERVE_LIBS) $(LDLIBS) -o $@

# Everything check runs is its prerequisite (no recursive make to race with this one).
# (the fuzzers' variables come before check, whose prerequisites are read where it stands)
FUZZ_CC ?= clang
FUZZ_CHECK_SECONDS ?= 30
FUZZ_SECONDS ?= 600
FUZZ_TIMEOUT ?= 10
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -Iinclude -Isrc
FUZZ_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/fuzz/obj/%.o) $(BUILD)/fuzz/obj/plot_templates.o
FUZZERS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_CHECK := $(if $(shell command -v $(FUZZ_CC) 2>/dev/null),$(FUZZERS))
check: all $(BUILD)/san/callscale $(BUILD)/pcg_reference.txt $(TESTS) $(BUILD)/callscale-mpi $(FUZZ_CHECK) | test-deps
	@echo "== tests/cli/build (make's dry run: each file made once)"; tests/cli/build
	@set -e; for t in $(TESTS); do echo "== $$t"; $$t; done
	@echo "== tests/cli/run (sanitized binary)"; CALLSCALE=$(BUILD)/san/callscale tests/cli/run
	@echo "== tests/cli/plot (sanitized binary)"; CALLSCALE=$(BUILD)/san/callscale tests/cli/plot
	@echo "== tests/cli/clock (sanitized binary)"; CALLSCALE=$(BUILD)/san/callscale tests/cli/clock
	@echo "== tests/cli/fit (sanitized binary)"; CALLSCALE=$(BUILD)/san/callscale tests/cli/fit
	@echo "== tests/cli/robust (sanitized binary)"; CALLSCALE=$(BUILD)/san/callscale tests/cli/robust
	$(if $(FUZZ_CHECK),$(call run-fuzz,$(FUZZ_CHECK_SECONDS)),@echo "== fuzzing skipped: $(FUZZ_CC) is not installed (make fuzz installs it)")
	@echo "== tests/cli/shepherd (sanitized binary)"; CALLSCALE=$(BUILD)/san/callscale tests/cli/shepherd
	@echo "== tests/cli/serve (sanitized binary)"; CALLSCALE=$(BUILD)/san/callscale tests/cli/serve
	@echo "== tests/cli/lib (installed into $(STAGE))"; rm -rf $(STAGE)
	@$(call install_to,$(abspath $(STAGE)),$(STAGE_PREFIX)) >/dev/null
	@STAGE=$(abspath $(STAGE)) PREFIX=$(STAGE_PREFIX) PYTHON_DIR=$(call python_dir,$(STAGE_PREFIX)) tests/cli/lib
	@$(call uninstall_from,$(abspath $(STAGE)),$(STAGE_PREFIX))
	@left=$$(find $(STAGE) -type f -o -type l); [ -z "$$left" ] || { echo "not ok - make uninstall left: $$left"; exit 1; }
	@echo "ok - make uninstall removes every installed file"
	@echo "== tests/cli/shard (sanitized binary; the sweep over every experiment and MPI optimised)"; \
	    CALLSCALE=$(BUILD)/san/callscale CALLSCALE_FAST=$(BUILD)/callscale \
	    CALLSCALE_MPI=$(BUILD)/callscale-mpi tests/cli/shard
	@echo "== all tests passed"

demo: all | demo-deps
	$(BUILD)/callscale explain experiments/chen2024_two_level.ini
	$(BUILD)/callscale run experiments/chen2024_two_level.ini -o runs/demo
	$(BUILD)/callscale exact experiments/chen2024_two_level.ini -o runs/demo-exact -q
	@echo; echo "Vote peaks near K* and falls toward the share of easy queries; filter-vote keeps rising:"
	$(BUILD)/callscale table runs/demo runs/demo-exact --budgets 1,3,5,7,9,17,33,65

# Fuzzing: libFuzzer with ASan and UBSan (clang) on the experiment loader and on --set overrides,
# seeded from experiments/, tests/fuzz/set-seeds/ and tests/fuzz/regressions/. make check runs each
# harness for FUZZ_CHECK_SECONDS when clang is on the PATH; make fuzz for FUZZ_SECONDS. A crash, a
# leak or an input taking more than FUZZ_TIMEOUT seconds fails the target (libFuzzer exits
# non-zero; the input is kept as build/fuzz/NAME-crash-...).
.SECONDARY: $(FUZZ_OBJ)
$(BUILD)/fuzz/obj/%.o: src/%.c | $(call OBJ_DIRS,$(BUILD)/fuzz/obj)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@
$(BUILD)/fuzz/obj/plot_templates.o: $(BUILD)/gen/plot_templates.c | $(BUILD)/fuzz/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -c $< -o $@
$(call OBJ_DIRS,$(BUILD)/fuzz/obj): | $(ENSURE)
	mkdir -p $@
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer $< $(FUZZ_OBJ) $(LDLIBS) -o $@
# run-fuzz SECONDS: each harness on a corpus in build/fuzz/ seeded afresh from the repository
define run-fuzz
	@set -e; for f in $(FUZZERS); do n=$$(basename $$f); c=$(BUILD)/fuzz/corpus-$$n; mkdir -p $$c; \
	    if [ $$n = fuzz_set ]; then cp tests/fuzz/set-seeds/* $$c/; \
	    else cp experiments/*.ini tests/fuzz/regressions/experiment-* $$c/; fi; \
	    echo "== $$n ($(1) s)"; \
	    $$f -max_total_time=$(1) -timeout=$(FUZZ_TIMEOUT) -rss_limit_mb=2048 -max_len=65536 \
	        -artifact_prefix=$(BUILD)/fuzz/$$n- \
	        -print_final_stats=1 $$c 2>$(BUILD)/fuzz/$$n.log || { tail -n 40 $(BUILD)/fuzz/$$n.log; exit 1; }; \
	    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|DONE' $(BUILD)/fuzz/$$n.log; done
endef
fuzz: $(FUZZERS)
	$(call run-fuzz,$(FUZZ_SECONDS))
fuzz-run:
	$(call run-fuzz,$(FUZZ_RUN_SECONDS))

# Throughput as ratios measured in one run (the machine is shared: ratios, not absolute times).
# python3-numpy gives the vectorised reference a user would write (bench-deps installs it).
$(BUILD)/bench: bench/bench.c $(BUILD)/libcallscale.a
	$(CC) $(ALL_CFLAGS) -D_DEFAULT_SOURCE $< $(BUILD)/libcallscale.a $(LDLIBS) -o $@
$(BUILD)/bench_clock: bench/bench_clock.c $(BUILD)/libcallscale.a
	$(CC) $(ALL_CFLAGS) -D_DEFAULT_SOURCE $< $(BUILD)/libcallscale.a $(LDLIBS) -o $@

bench: $(BUILD)/bench $(BUILD)/bench_clock $(BUILD)/callscale $(BUILD)/callscale-mpi | bench-deps
	$(BUILD)/bench $(BENCH_FLAGS)
	$(BUILD)/bench_clock
	bench/shard $(BENCH_FLAGS)

# Every shipped experiment, small enough to take seconds, with its exact curves drawn over the
# Monte Carlo ones where exact mode covers it; the figures go to plots/gallery/NAME-FIGURE.png
# (README shows them). A word from gnuplot fails the target.
FIGURE_QUERIES ?= 20000
figures: all
	@scripts/ensure-deps $(RUN_DEPS)
	@mkdir -p plots/gallery $(BUILD)/figures
	@set -e; for f in experiments/*.ini; do \
	    n=$$(basename $$f .ini); d=$(BUILD)/figures/$$n; start=$$(date +%s); \
	    $(BUILD)/callscale run $$f -o $$d -q --no-plot --set experiment.queries=$(FIGURE_QUERIES); \
	    exact=; if $(BUILD)/callscale exact $$f -o $$d-exact --no-plot 2>/dev/null; then \
	        exact="--exact $$d-exact"; fi; \
	    $(BUILD)/callscale plot $$d $$exact 2>$$d.log || { cat $$d.log; exit 1; }; \
	    if grep -q 'gnuplot:' $$d.log; then cat $$d.log; exit 1; fi; \
	    rm -f plots/gallery/$$n-*.png; \
	    for g in accuracy bins cost population frontier latency; do \
	        if [ -f $$d/$$g.png ]; then cp $$d/$$g.png plots/gallery/$$n-$$g.png; fi; done; \
	    echo "$$n: $$(cd plots/gallery && ls $$n-*.png | tr '\n' ' ')($$(( $$(date +%s) - start )) s$${exact:+, exact overlay})"; \
	done

# Every paper experiment against the papers' published numbers (experiments/paper_targets.csv):
# each published point, callscale's value with its interval, the error and pass or fail.
reproduce: all
	@scripts/ensure-deps $(RUN_DEPS)
	@scripts/reproduce $(BUILD)/callscale experiments/paper_targets.csv $(BUILD)/reproduce

# Where Debian's python3 finds modules: /usr/lib/python3/dist-packages for PREFIX=/usr, else
# PREFIX/lib/python3.X/dist-packages (/usr/local/lib/python3.11/dist-packages on bookworm).
DEBIAN_PYTHON ?= /usr/bin/python3
python_dir = $(if $(filter /usr,$(1)),/usr/lib/python3/dist-packages,$(1)/lib/python3.$(shell $(DEBIAN_PYTHON) -c 'import sys; print(sys.version_info[1])' 2>/dev/null || echo 11)/dist-packages)
PYTHON_MODULE := $(wildcard python/callscale/*.py)
# make check installs here, as `make install DESTDIR=$(STAGE)` would.
STAGE := $(BUILD)/stage
STAGE_PREFIX := /usr/local

# install_to DESTDIR,PREFIX and uninstall_from DESTDIR,PREFIX: shared by install, uninstall and check.
define install_to
set -e; d=$(1)$(2); py=$(1)$(call python_dir,$(2))/callscale; \
install -d $$d/bin $$d/lib/pkgconfig $$d/include $$d/share/man/man1 $$d/share/doc/callscale \
    $$d/share/callscale/experiments $$py; \
install -m 755 $(BUILD)/callscale $$d/bin/callscale; \
install -m 644 $(BUILD)/libcallscale.a $$d/lib/libcallscale.a; \
install -m 755 $(SHLIB) $$d/lib/$(notdir $(SHLIB)); \
ln -sf $(notdir $(SHLIB)) $$d/lib/$(SONAME); ln -sf $(SONAME) $$d/lib/libcallscale.so; \
sed -e 's|@PREFIX@|$(2)|' -e 's|@VERSION@|$(VERSION)|' callscale.pc.in > $$d/lib/pkgconfig/callscale.pc; \
install -m 644 include/callscale.h $$d/include/callscale.h; \
sed 's|@PREFIX@|$(2)|g' $(BUILD)/man/callscale.1 > $$d/share/man/man1/callscale.1; chmod 644 $$d/share/man/man1/callscale.1; \
install -m 644 README.md LICENSE $$d/share/doc/callscale/; \
install -m 644 experiments/*.ini $$d/share/callscale/experiments/; \
install -m 644 $(PYTHON_MODULE) $$py/
endef
define uninstall_from
set -e; d=$(1)$(2); \
rm -f $$d/bin/callscale $$d/lib/libcallscale.a $$d/lib/libcallscale.so $$d/lib/$(SONAME) \
    $$d/lib/$(notdir $(SHLIB)) $$d/lib/pkgconfig/callscale.pc $$d/include/callscale.h \
    $$d/share/man/man1/callscale.1; \
rm -rf $$d/share/doc/callscale $$d/share/callscale $(1)$(call python_dir,$(2))/callscale
endef

install: all
	$(call install_to,$(DESTDIR),$(PREFIX))
	@# the dynamic loader's cache, so programs find libcallscale.so.0 at once (a real install only)
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig 2>/dev/null || true; fi

uninstall:
	$(call uninstall_from,$(DESTDIR),$(PREFIX))

clean:
	rm -rf $(BUILD)

-include $(wildcard $(foreach d,$(BUILD)/obj $(BUILD)/san/obj $(BUILD)/fuzz/obj,$(addsuffix /*.d,$(call OBJ_DIRS,$(d)))) \
                    $(BUILD)/san/*.d $(BUILD)/*.d)
