# callscale: a fast C simulator of LLM test-time-compute strategies.
#   make            build/callscale and build/libcallscale.a
#   make check      unit, statistical and command-line tests, under ASan and UBSan
#   make demo       a real experiment end to end
#   make figures    every shipped experiment, small, drawn into plots/gallery/
#   make install    PREFIX=/usr/local DESTDIR=
#   make mpi        build/callscale-mpi, with Open MPI (mpirun -n R build/callscale-mpi run ...)
VERSION := 0.1.0
CC ?= gcc
PREFIX ?= /usr/local
BUILD := build

# Debian packages: to build, to test, and to draw figures at run time.
BUILD_DEPS := gcc make libgsl-dev libinih-dev pkg-config nettle-dev
TEST_DEPS := check libpcg-cpp-dev g++
RUN_DEPS := gnuplot-nox
MPI_DEPS := libopenmpi-dev openmpi-bin

WARN := -Wall -Wextra -Wshadow -Wconversion -Wstrict-prototypes -Wmissing-prototypes -Werror
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -DCALLSCALE_VERSION='"$(VERSION)"' $(WARN) \
              -Iinclude $(CFLAGS)
LDLIBS := -linih -lgsl -lgslcblas -lnettle -lm -lpthread
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

.PHONY: all check demo bench figures install uninstall clean deps test-deps mpi
all: $(BUILD)/callscale $(BUILD)/libcallscale.a

deps:
	@scripts/ensure-deps $(BUILD_DEPS)

test-deps:
	@scripts/ensure-deps $(BUILD_DEPS) $(TEST_DEPS) $(RUN_DEPS) $(MPI_DEPS)

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

# The same program over MPI ranks (src/cli/engine_mpi.c), compiled by Open MPI's mpicc.
$(BUILD)/callscale-mpi: src/cli/main.c src/cli/engine_mpi.c src/cli/engine.h $(BUILD)/libcallscale.a
	mpicc $(ALL_CFLAGS) -DCALLSCALE_MPI src/cli/main.c src/cli/engine_mpi.c $(BUILD)/libcallscale.a \
	    $(LDLIBS) -o $@
mpi:
	@scripts/ensure-deps $(BUILD_DEPS) $(MPI_DEPS)
	@$(MAKE) --no-print-directory $(BUILD)/callscale-mpi

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
	@$(MAKE) --no-print-directory all $(BUILD)/san/callscale $(BUILD)/pcg_reference.txt $(TESTS) \
	    $(BUILD)/callscale-mpi
	@set -e; for t in $(TESTS); do echo "== $$t"; $$t; done
	@echo "== tests/cli/run (sanitized binary)"; CALLSCALE=$(BUILD)/san/callscale tests/cli/run
	@echo "== tests/cli/plot (sanitized binary)"; CALLSCALE=$(BUILD)/san/callscale tests/cli/plot
	@echo "== tests/cli/shard (sanitized binary; the sweep over every experiment and MPI optimised)"; \
	    CALLSCALE=$(BUILD)/san/callscale CALLSCALE_FAST=$(BUILD)/callscale \
	    CALLSCALE_MPI=$(BUILD)/callscale-mpi tests/cli/shard
	@echo "== all tests passed"

demo: test-deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/callscale explain experiments/chen2024_two_level.ini
	$(BUILD)/callscale run experiments/chen2024_two_level.ini -o runs/demo
	$(BUILD)/callscale exact experiments/chen2024_two_level.ini -o runs/demo-exact
	@echo; echo "Vote peaks near K* and falls toward the share of easy queries; filter-vote keeps rising:"
	@scripts/compare-table runs/demo/results.csv runs/demo-exact/results.csv 1 3 5 7 9 17 33 65

# Throughput as ratios measured in one run (the machine is shared: ratios, not absolute times).
# python3-numpy, when installed, gives the vectorised reference a user would write.
$(BUILD)/bench: bench/bench.c $(BUILD)/libcallscale.a
	$(CC) $(ALL_CFLAGS) -D_DEFAULT_SOURCE $< $(BUILD)/libcallscale.a $(LDLIBS) -o $@

bench: deps
	@scripts/ensure-deps $(MPI_DEPS)
	@$(MAKE) --no-print-directory $(BUILD)/bench $(BUILD)/callscale $(BUILD)/callscale-mpi
	$(BUILD)/bench $(BENCH_FLAGS)
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
