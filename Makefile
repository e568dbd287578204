# ktprobe - dynamic tracing with ftrace alone
#
#   make                 build bin/ktprobe
#   make check           install test dependencies, build, run the test suite
#   make install         PREFIX=/usr/local DESTDIR=
#   make deps            install build and test dependencies (apt-get, root)
#   make demo            deps + build + a few seconds of a live trace
#   make bench           the benchmarks against strace, perf trace, the kernel (bench/run)

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
PKGS      := libtracefs libtraceevent libtracecmd libelf
BUILD     ?= build
OUT       ?= bin
CFLAGS    ?= -O2 -g

# "make static [ARCH=arm64]": static programs in build/static-ARCH/bin,
# without libtracecmd (Debian ships no static libtracecmd).
ifneq ($(filter static,$(MAKECMDGOALS)),)
STATIC    := 1
endif
ifeq ($(STATIC),1)
PKGS      := libtracefs libtraceevent libelf
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

# trace.dat writing uses libtracecmd's exported but undeclared writer, as in
# trace-cmd 3.1.6 (libtracecmd 1.3.1): other versions build without -o.
ifneq ($(filter libtracecmd,$(PKGS)),)
ifneq ($(shell $(PKG_CONFIG) --exact-version=1.3.1 libtracecmd 2>/dev/null && echo ok),ok)
$(warning libtracecmd is not 1.3.1 (trace-cmd 3.1.6): building without trace.dat support)
PKGS      := $(filter-out libtracecmd,$(PKGS))
endif
endif

KTP_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Ilib \
	      $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) \
	      $(if $(filter libtracecmd,$(PKGS)),-DKTP_HAVE_TRACECMD)
KTP_LIBS  := $(shell $(PKG_CONFIG) $(PKG_STATIC) --libs $(PKGS) 2>/dev/null)

LIB_SRCS  := $(sort $(wildcard lib/*.c))
LIB_OBJS  := $(LIB_SRCS:lib/%.c=$(BUILD)/lib/%.o)
PROGS     := ktprobe ktfill

# the libtraceevent plugin, for trace-cmd report (not in static builds)
PLUGIN    := $(if $(filter libtracecmd,$(PKGS)),$(BUILD)/plugins/plugin_ktprobe.so)

all: $(PROGS:%=$(OUT)/%) $(PLUGIN)

$(BUILD)/plugins/plugin_ktprobe.so: share/plugin/plugin_ktprobe.c lib/marker.c lib/marker.h lib/utils.h
	@mkdir -p $(@D)
	$(CC) $(KTP_CFLAGS) $(CFLAGS) -fPIC -shared -o $@ share/plugin/plugin_ktprobe.c lib/marker.c

$(BUILD)/lib/%.o: lib/%.c $(wildcard lib/*.h) | $(BUILD)/lib
	$(CC) $(KTP_CFLAGS) $(CFLAGS) -c -o $@ $<

# made anew: ar would keep the members of files that are gone
$(BUILD)/libktprobe.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(OUT)/%: bin/%.c $(BUILD)/libktprobe.a $(wildcard lib/*.h)
	@mkdir -p $(OUT)
	$(CC) $(KTP_CFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libktprobe.a $(KTP_LIBS) $(LDFLAGS)

$(BUILD)/lib:
	mkdir -p $@

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
	$(MAKE) -C tests check

demo: deps
	$(MAKE) all
	tests/demo

# the benchmarks (bench/run): a few minutes; the table goes to build/bench/results.md
bench: all
	tests/install-deps bench
	$(MAKE) $(BUILD)/bench/openloop $(BUILD)/bench/wakeup
	bench/run $(BENCH_ARGS)

$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KTP_CFLAGS) $(CFLAGS) -o $@ $<

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

.PHONY: all deps static check demo bench screenshot install clean
