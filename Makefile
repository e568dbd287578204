# ktprobe - dynamic tracing with ftrace alone
#
#   make                 build bin/ktprobe
#   make check           install test dependencies, build, run the test suite
#   make install         PREFIX=/usr/local DESTDIR=
#   make deps            install build and test dependencies (apt-get, root)
#   make demo            deps + build + a few seconds of a live trace

PREFIX    ?= /usr/local
DESTDIR   ?=
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
SHAREDIR  ?= $(PREFIX)/share/ktprobe

CC        ?= gcc
PKG_CONFIG ?= pkg-config
PKGS      := libtracefs libtraceevent libtracecmd libelf
BUILD     ?= build
OUT       ?= bin

CFLAGS    ?= -O2 -g
KTP_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Ilib \
	      $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
KTP_LIBS  := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

LIB_SRCS  := $(sort $(wildcard lib/*.c))
LIB_OBJS  := $(LIB_SRCS:lib/%.c=$(BUILD)/lib/%.o)
PROGS     := ktprobe

all: $(PROGS:%=$(OUT)/%)

$(BUILD)/lib/%.o: lib/%.c $(wildcard lib/*.h) | $(BUILD)/lib
	$(CC) $(KTP_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/libktprobe.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(OUT)/%: bin/%.c $(BUILD)/libktprobe.a $(wildcard lib/*.h)
	@mkdir -p $(OUT)
	$(CC) $(KTP_CFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libktprobe.a $(KTP_LIBS) $(LDFLAGS)

$(BUILD)/lib:
	mkdir -p $@

deps:
	tests/install-deps

# deps first, then a new make that sees the installed pkg-config files
check: deps
	$(MAKE) all
	$(MAKE) -C tests check

demo: deps
	$(MAKE) all
	tests/demo

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SHAREDIR)
	install -m 0755 $(PROGS:%=$(OUT)/%) $(DESTDIR)$(BINDIR)/
	install -m 0644 man/*.8 $(DESTDIR)$(MANDIR)/man8/
	cd share/ktprobe && find . -type f ! -name .keep -exec install -D -m 0644 {} $(DESTDIR)$(SHAREDIR)/{} \;

clean:
	rm -rf $(BUILD) $(PROGS:%=$(OUT)/%)
	$(MAKE) -C tests clean

.PHONY: all deps check demo install clean
