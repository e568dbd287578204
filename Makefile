# ktprobe - dynamic tracing with ftrace alone
#
#   make                 build bin/ktprobe
#   make check           install test dependencies, build, run the test suite
#   make install         PREFIX=/usr/local DESTDIR=
#   make deps            install build and test dependencies (apt-get, root)
#   make demo            deps + build + a few seconds of a live trace
#   make bench           the benchmarks against strace, perf trace, the kernel (bench/run)
#   make fuzz            FUZZ_SECONDS (60) of the spec parser's fuzz target (tests/fuzz)

PREFIX    ?= /usr/local
DESTDIR   ?=
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
SHAREDIR  ?= $(PREFIX)/share/ktprobe

# Where downloads (kernels, cross sysroots) are kept across clones.
KTPROBE_CACHE ?= /var/cache/ktprobe
HOST_ARCH := $(shell uname -m | sed 's/aarch64/arm64/')
ARCH      ?= $(HOST_ARCH)

CC        ?= gcc
PKG_CONFIG ?= pkg-config
# libelf and zlib last: libbpf and libdw need them after them when linked statically
PKGS      := libtracefs libtraceevent libtracecmd libbpf libdw libelf zlib
BUILD     ?= build
OUT       ?= bin
CFLAGS    ?= -O2 -g

# "make static [ARCH=arm64]": static programs in build/static-ARCH/bin,
# without libtracecmd (Debian ships no static libtracecmd), and with libdw
# only if it links statically there (below).
ifneq ($(filter static,$(MAKECMDGOALS)),)
STATIC    := 1
endif
ifeq ($(STATIC),1)
PKGS      := libtracefs libtraceevent libbpf libdw libelf zlib
OPTIONAL  := libdw
BUILD     := build/static-$(ARCH)
OUT       := $(BUILD)/bin
LDFLAGS   += -static
PKG_STATIC := --static
ifneq ($(ARCH),$(HOST_ARCH))
SYSROOT   := $(KTPROBE_CACHE)/sysroot-$(ARCH)
CROSS     := $(if $(filter arm64,$(ARCH)),aarch64-linux-gnu-,$(if $(filter arm,$(ARCH)),arm-linux-gnueabihf-,$(ARCH)-linux-gnu-))
CC        := $(CROSS)gcc
AR        := $(CROSS)ar
MULTIARCH := $(patsubst %-,%,$(CROSS))
PKG_CONFIG := PKG_CONFIG_SYSROOT_DIR=$(SYSROOT) \
	PKG_CONFIG_LIBDIR=$(SYSROOT)/usr/lib/$(MULTIARCH)/pkgconfig:$(SYSROOT)/usr/share/pkgconfig pkg-config
endif
endif

# Goals that build nothing themselves: they work without the -dev packages
# (check, demo and screenshot run deps first, then a make that builds).
NOBUILD_GOALS := deps clean static check demo screenshot
BUILDING  := $(if $(MAKECMDGOALS),$(filter-out $(NOBUILD_GOALS),$(MAKECMDGOALS)),all)

# Without a required library the build stops here, in one line, rather than
# at the first compiler error.
ifneq ($(BUILDING),)
MISSING   := $(foreach p,$(filter-out libtracecmd $(OPTIONAL),$(PKGS)),\
	       $(if $(shell $(PKG_CONFIG) --exists $(p) 2>/dev/null && echo ok),,$(p)))
ifneq ($(strip $(MISSING)),)
$(error missing development packages: $(strip $(MISSING:%=%-dev))$(if $(SYSROOT), in $(SYSROOT)) (pkg-config finds no $(strip $(MISSING))); run 'make deps' as root to install them)
endif
endif

# trace.dat writing uses libtracecmd's exported but undeclared writer, as in
# trace-cmd 3.1.6 (libtracecmd 1.3.1): other versions build without -o.
ifneq ($(filter libtracecmd,$(PKGS)),)
ifneq ($(shell $(PKG_CONFIG) --exact-version=1.3.1 libtracecmd 2>/dev/null && echo ok),ok)
ifneq ($(BUILDING),)
$(warning libtracecmd is not 1.3.1 (trace-cmd 3.1.6): building without trace.dat support)
endif
PKGS      := $(filter-out libtracecmd,$(PKGS))
endif
endif

# A static build has libdw (elfutils' libdw.a, with libelf, zlib, bzip2 and
# lzma after it) if a program calling it links statically with the flags
# pkg-config gives; otherwise it goes without (no KTP_HAVE_LIBDW).
ifneq ($(filter libdw,$(OPTIONAL)),)
ifneq ($(BUILDING),)
HASH      := \#
LIBDW_LINKS := $(shell mkdir -p $(BUILD) && $(PKG_CONFIG) --exists libdw 2>/dev/null && \
	printf '$(HASH)include <elfutils/libdw.h>\nint main(void) { return dwarf_begin_elf(0, DWARF_C_READ, 0) != 0; }\n' | \
	$(CC) -x c -o $(BUILD)/.libdw-test - $$($(PKG_CONFIG) --cflags libdw libelf) \
	$$($(PKG_CONFIG) $(PKG_STATIC) --libs libdw libelf) -pthread $(LDFLAGS) >/dev/null 2>&1 && echo ok; \
	rm -f $(BUILD)/.libdw-test)
ifneq ($(LIBDW_LINKS),ok)
$(warning libdw does not link statically for $(ARCH)$(if $(SYSROOT), from $(SYSROOT)): building without it)
PKGS      := $(filter-out libdw,$(PKGS))
endif
endif
endif

KTP_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Ilib \
	      $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) \
	      $(if $(filter libtracecmd,$(PKGS)),-DKTP_HAVE_TRACECMD) \
	      $(if $(filter libdw,$(PKGS)),-DKTP_HAVE_LIBDW)
KTP_LIBS  := $(shell $(PKG_CONFIG) $(PKG_STATIC) --libs $(PKGS) 2>/dev/null) -pthread

LIB_SRCS  := $(sort $(wildcard lib/*.c))
LIB_OBJS  := $(LIB_SRCS:lib/%.c=$(BUILD)/lib/%.o)
PROGS     := ktprobe ktfill

# the libtraceevent plugin, for trace-cmd report (not in static builds)
PLUGIN    := $(if $(filter libtracecmd,$(PKGS)),$(BUILD)/plugins/plugin_ktprobe.so)

all: $(PROGS:%=$(OUT)/%) $(PLUGIN)

# The flags stamp: what the objects were built with. It is rewritten only
# when its text changes, so a changed CFLAGS or a library found or lost
# since the last build (say libtracecmd, installed by make deps) rebuilds
# everything that depends on it, and nothing otherwise.
STAMP     := $(BUILD)/.flags
STAMP_TEXT := CC=$(CC) AR=$(AR)
STAMP_TEXT += CFLAGS=$(CFLAGS) KTP_CFLAGS=$(KTP_CFLAGS)
STAMP_TEXT += KTP_LIBS=$(KTP_LIBS) LDFLAGS=$(LDFLAGS)
STAMP_TEXT += PKGS=$(PKGS) PLUGIN=$(PLUGIN)

$(STAMP): FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$(subst ','\'',$(STAMP_TEXT))' >$@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi

# Header dependencies as the compiler found them (build/**/*.d).
DEPFLAGS   = -MMD -MP -MF $@.d

$(BUILD)/plugins/plugin_ktprobe.so: share/plugin/plugin_ktprobe.c lib/marker.c lib/marker.h lib/utils.h $(STAMP)
	@mkdir -p $(@D)
	$(CC) $(KTP_CFLAGS) $(CFLAGS) -fPIC -shared -o $@ share/plugin/plugin_ktprobe.c lib/marker.c

$(BUILD)/lib/%.o: lib/%.c $(STAMP)
	@mkdir -p $(@D)
	$(CC) $(KTP_CFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

# made anew: ar would keep the members of files that are gone
$(BUILD)/libktprobe.a: $(LIB_OBJS) $(STAMP)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJS)

# the programs' dependency files live in $(BUILD), not beside them in bin/
$(OUT)/%: bin/%.c $(BUILD)/libktprobe.a $(STAMP)
	@mkdir -p $(OUT)
	$(CC) $(KTP_CFLAGS) $(CFLAGS) -MMD -MP -MF $(BUILD)/$*.d -MT $@ \
		-o $@ $< $(BUILD)/libktprobe.a $(KTP_LIBS) $(LDFLAGS)

-include $(wildcard $(BUILD)/lib/*.d $(BUILD)/*.d $(BUILD)/bench/*.d)

deps:
	tests/install-deps

# The sysroot is set up first; a new make then sees its pkg-config files.
static:
ifneq ($(ARCH),$(HOST_ARCH))
	tests/cross-sysroot $(ARCH) $(SYSROOT)
endif
	$(MAKE) STATIC=1 ARCH=$(ARCH) all

# deps first, then a new make that sees the installed pkg-config files
check: deps
	$(MAKE) all
	$(MAKE) fuzz FUZZ_SECONDS=30
	$(MAKE) -C tests check

demo: deps
	$(MAKE) all
	tests/demo

# the benchmarks (bench/run): a few minutes; the table goes to build/bench/results.md
bench: all
	tests/install-deps bench
	$(MAKE) $(BUILD)/bench/openloop $(BUILD)/bench/wakeup $(BUILD)/bench/shortopen
	bench/run $(BENCH_ARGS)

# the fuzz target, built with clang in build/fuzz (tests/fuzz/Makefile)
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) -C tests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

$(BUILD)/bench/%: bench/%.c $(STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(KTP_CFLAGS) $(CFLAGS) $(DEPFLAGS) -o $@ $<

# share/ktprobe/doc/kernelshark.png, as the README shows it
screenshot: deps
	tests/kernelshark-screenshot

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SHAREDIR)
	install -m 0755 $(PROGS:%=$(OUT)/%) $(DESTDIR)$(BINDIR)/
	install -m 0644 man/*.8 $(DESTDIR)$(MANDIR)/man8/
	cd share/ktprobe && find . -type f ! -name .keep -exec install -D -m 0644 {} $(DESTDIR)$(SHAREDIR)/{} \;
ifneq ($(PLUGIN),)
	install -D -m 0644 $(PLUGIN) $(DESTDIR)$(SHAREDIR)/plugins/plugin_ktprobe.so
endif

clean:
	rm -rf build $(PROGS:%=bin/%)
	$(MAKE) -C tests clean

.PHONY: all deps static check demo bench fuzz screenshot install clean FORCE
