# callscale: a fast C simulator of LLM test-time-compute strategies.
#   make            build/callscale and build/libcallscale.a
#   make check      unit, statistical and command-line tests, under ASan and UBSan
#   make demo       a real experiment end to end
#   make figures    every shipped experiment, small, drawn into plots/gallery/
#   make install    PREFIX=/usr/local DESTDIR=
VERSION := 0.1.0
CC ?= gcc
PREFIX ?= /usr/local
BUILD := build

# Debian packages: to build, to test, and to draw figures at run time.
BUILD_DEPS := gcc make libgsl-dev libinih-dev pkg-config
TEST_DEPS := check libpcg-cpp-dev g++
RUN_DEPS := gnuplot-nox

WARN := -Wall -Wextra -Wshadow -Wconversion -Wstrict-prototypes -Wmissing-prototypes -Werror
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -DCALLSCALE_VERSION='"$(VERSION)"' $(WARN) \
              -Iinclude $(CFLAGS)
LDLIBS := -linih -lgsl -lgslcblas -lm -lpthread
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC := $(wildcard src/*.c)
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
SAN_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/san/obj/%.o)
# The gnuplot templates of plots/ are compiled into the library (src/plot.c uses them), so the
# program draws figures wherever it is installed.
PLOT_TEMPLATES := $(wildcard plots/*.gp)
LIB_OBJ += $(BUILD)/obj/plot_templates.o
SAN_OBJ += $(BUILD)/san/obj/plot_templates.o
TEST_SRC := $(filter-out tests/main.c,$(wildcard tests/test_*.c))
TESTS := $(TEST_SRC:tests/%.c=$(BUILD)/san/%)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm -pthread)

.PHONY: all check demo bench figures install uninstall clean deps test-deps fuzz fuzz-check
all: $(BUILD)/callscale $(BUILD)/libcallscale.a

deps:
	@scripts/ensure-deps $(BUILD_DEPS)

test-deps:
	@scripts/ensure-deps $(BUILD_DEPS) $(TEST_DEPS) $(RUN_DEPS)

$(BUILD)/obj/%.o: src/%.c $(wildcard include/callscale/*.h src/*.h) | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -c $< -o $@
$(BUILD)/san/obj/%.o: src/%.c $(wildcard include/callscale/*.h src/*.h) | $(BUILD)/san/obj
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -c $< -o $@
$(BUILD)/obj $(BUILD)/san/obj $(BUILD)/gen:
	mkdir -p $@
$(BUILD)/gen/plot_templates.c: $(PLOT_TEMPLATES) scripts/embed-templates | $(BUILD)/gen
	scripts/embed-templates $(PLOT_TEMPLATES) > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/plot_templates.o: $(BUILD)/gen/plot_templates.c | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -c $< -o $@
$(BUILD)/san/obj/plot_templates.o: $(BUILD)/gen/plot_templates.c | $(BUILD)/san/obj
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -c $< -o $@

$(BUILD)/libcallscale.a: $(LIB_OBJ)
	ar rcs $@ $^
$(BUILD)/san/libcallscale.a: $(SAN_OBJ)
	ar rcs $@ $^

$(BUILD)/callscale: src/cli/main.c $(BUILD)/libcallscale.a
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/libcallscale.a $(LDLIBS) -o $@
$(BUILD)/san/callscale: src/cli/main.c $(BUILD)/san/libcallscale.a
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) $< $(BUILD)/san/libcallscale.a $(LDLIBS) -o $@

# The PCG reference: Debian's libpcg-cpp-dev (O'Neill's C++ implementation) prints the outputs our
# C PCG32 must reproduce word for word.
$(BUILD)/pcg_reference.txt: tests/pcg_reference.cpp | $(BUILD)/obj
	g++ -std=c++11 -O1 $< -o $(BUILD)/pcg_reference
	$(BUILD)/pcg_reference > $@

$(BUILD)/san/test_%: tests/test_%.c tests/main.c tests/testutil.h $(BUILD)/san/libcallscale.a
	$(CC) $(ALL_CFLAGS) -D_DEFAULT_SOURCE -Wno-conversion -O1 $(SAN) -Itests -DPCG_REFERENCE='"$(BUILD)/pcg_reference.txt"' \
	    -DCALLSCALE_BIN='"$(BUILD)/san/callscale"' $< tests/main.c \
	    $(BUILD)/san/libcallscale.a $(CHECK_LIBS) $(LDLIBS) -o $@

check: test-deps
	@$(MAKE) --no-print-directory all $(BUILD)/san/callscale $(BUILD)/pcg_reference.txt $(TESTS)
	@set -e; for t in $(TESTS); do echo "== $$t"; $$t; done
	@echo "== tests/cli/run (sanitized binary)"; CALLSCALE=$(BUILD)/san/callscale tests/cli/run
	@echo "== tests/cli/plot (sanitized binary)"; CALLSCALE=$(BUILD)/san/callscale tests/cli/plot
	@echo "== tests/cli/robust (sanitized binary)"; CALLSCALE=$(BUILD)/san/callscale tests/cli/robust
	@$(MAKE) --no-print-directory fuzz-check
	@echo "== all tests passed"

# The demo needs what builds and what draws, not the test tools.
demo:
	@scripts/ensure-deps $(BUILD_DEPS) $(RUN_DEPS)
	@$(MAKE) --no-print-directory all >/dev/null
	$(BUILD)/callscale explain experiments/chen2024_two_level.ini
	$(BUILD)/callscale run experiments/chen2024_two_level.ini -o runs/demo
	$(BUILD)/callscale exact experiments/chen2024_two_level.ini -o runs/demo-exact -q
	@echo; echo "Vote peaks near K* and falls toward the share of easy queries; filter-vote keeps rising:"
	$(BUILD)/callscale table runs/demo runs/demo-exact --budgets 1,3,5,7,9,17,33,65

# Fuzzing: libFuzzer with ASan and UBSan (clang) on the experiment loader and on --set overrides,
# seeded from experiments/ and tests/fuzz/set-seeds/. make check runs each harness for
# FUZZ_CHECK_SECONDS when clang is on the PATH; make fuzz for FUZZ_SECONDS. A crash, a leak or an
# input taking more than FUZZ_TIMEOUT seconds fails the target (libFuzzer exits non-zero).
FUZZ_CC ?= clang
FUZZ_CHECK_SECONDS ?= 30
FUZZ_SECONDS ?= 600
FUZZ_TIMEOUT ?= 10
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -Wno-error=unused-command-line-argument -Iinclude
FUZZ_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/fuzz/obj/%.o) $(BUILD)/fuzz/obj/plot_templates.o
FUZZERS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
.SECONDARY: $(FUZZ_OBJ)
$(BUILD)/fuzz/obj/%.o: src/%.c $(wildcard include/callscale/*.h src/*.h) | $(BUILD)/fuzz/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@
$(BUILD)/fuzz/obj/plot_templates.o: $(BUILD)/gen/plot_templates.c | $(BUILD)/fuzz/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -c $< -o $@
$(BUILD)/fuzz/obj:
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
fuzz-check:
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then \
	    $(MAKE) --no-print-directory $(FUZZERS) >/dev/null && $(MAKE) --no-print-directory fuzz-run FUZZ_RUN_SECONDS=$(FUZZ_CHECK_SECONDS); \
	else echo "== fuzzing skipped: $(FUZZ_CC) is not installed (make fuzz installs it)"; fi
fuzz:
	@scripts/ensure-deps $(BUILD_DEPS) clang libclang-rt-14-dev
	@$(MAKE) --no-print-directory $(FUZZERS) >/dev/null
	@$(MAKE) --no-print-directory fuzz-run FUZZ_RUN_SECONDS=$(FUZZ_SECONDS)
fuzz-run:
	$(call run-fuzz,$(FUZZ_RUN_SECONDS))

# Throughput as ratios measured in one run (the machine is shared: ratios, not absolute times).
# python3-numpy, when installed, gives the vectorised reference a user would write.
$(BUILD)/bench: bench/bench.c $(BUILD)/libcallscale.a
	$(CC) $(ALL_CFLAGS) -D_DEFAULT_SOURCE $< $(BUILD)/libcallscale.a $(LDLIBS) -o $@

bench: deps
	@$(MAKE) --no-print-directory $(BUILD)/bench
	$(BUILD)/bench $(BENCH_FLAGS)

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
	    for g in accuracy bins cost population; do \
	        if [ -f $$d/$$g.png ]; then cp $$d/$$g.png plots/gallery/$$n-$$g.png; fi; done; \
	    echo "$$n: $$(cd plots/gallery && ls $$n-*.png | tr '\n' ' ')($$(( $$(date +%s) - start )) s$${exact:+, exact overlay})"; \
	done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/callscale \
	    $(DESTDIR)$(PREFIX)/share/callscale/experiments
	install -m 755 $(BUILD)/callscale $(DESTDIR)$(PREFIX)/bin/callscale
	install -m 644 $(BUILD)/libcallscale.a $(DESTDIR)$(PREFIX)/lib/libcallscale.a
	install -m 644 include/callscale/*.h $(DESTDIR)$(PREFIX)/include/callscale/
	install -m 644 experiments/*.ini $(DESTDIR)$(PREFIX)/share/callscale/experiments/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/callscale $(DESTDIR)$(PREFIX)/lib/libcallscale.a
	rm -rf $(DESTDIR)$(PREFIX)/include/callscale $(DESTDIR)$(PREFIX)/share/callscale

clean:
	rm -rf $(BUILD)
