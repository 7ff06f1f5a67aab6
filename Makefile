# vigil: one build, strict warnings, hardening flags.
#
# Each process directory builds one binary from its main.c plus a static
# archive of its other files; tests link those archives, so adding a .c file
# never needs an edit here.  The monitor's files live one level down, in the
# rooms of its pipeline (monitor/config, checks, engine, core).

PREFIX    ?= /usr/local
DESTDIR   ?=
SBINDIR   ?= $(PREFIX)/sbin
BINDIR    ?= $(PREFIX)/bin
LIBEXEC   ?= $(PREFIX)/libexec/vigil
SYSCONF   ?= /etc
MANDIR    ?= $(PREFIX)/share/man
COMPLDIR  ?= $(PREFIX)/share/bash-completion/completions

CC        ?= cc
B         ?= build
SAN       ?=
V         ?=
Q         = $(if $(V),,@)

WARN      = -Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual \
            -Wstrict-prototypes -Wmissing-prototypes -Werror
HARDEN    = -fstack-protector-strong -fPIE -D_FORTIFY_SOURCE=3
CFLAGS   ?= -O2 -g
ALLCFLAGS = -std=gnu11 $(CFLAGS) $(WARN) $(HARDEN) $(SAN) -I. -I$(B) \
            -D_GNU_SOURCE
LDHARDEN  = -pie -Wl,-z,relro,-z,now
ALLLDFLAGS= $(LDFLAGS) $(LDHARDEN) $(SAN)

LIBS_MON  = -lpcre2-8 -lssl -lcrypto -lseccomp -lcap-ng
LIBS_WEB  = -lpolicy -lssl -lcrypto -lseccomp -lcap-ng
LIBS_AUTH = -lpam -lcrypt -lseccomp -lcap-ng
LIBS_PRIV = -lcap-ng
LIBS_CLI  =
LIBS_ALL  = -lpcre2-8 -lssl -lcrypto -lseccomp -lcap-ng -lpam -lcrypt

ifneq ($(SAN),)
# Sanitizer builds cannot run under the production seccomp filters (the
# runtimes need extra syscalls); VIGIL_SANITIZER tells the code so.
ALLCFLAGS += -DVIGIL_SANITIZER=1 -fno-omit-frame-pointer
endif

srcs      = $(filter-out $(1)/main.c,$(wildcard $(1)/*.c))
objs      = $(patsubst %.c,$(B)/obj/%.o,$(call srcs,$(1)))

COMMON_O  = $(call objs,common)
POLICY_O  = $(call objs,policy)
PRIVD_O   = $(call objs,privd)
MON_O     = $(patsubst %.c,$(B)/obj/%.o,$(wildcard monitor/*/*.c))
WEB_O     = $(call objs,webui)
AUTH_O    = $(call objs,webui/auth)
CLI_O     = $(call objs,cli)

BINS      = $(B)/vigil $(B)/vigild $(B)/vigil-monitor $(B)/vigil-webui $(B)/vigil-auth
UNIT_SRC  = $(wildcard tests/unit/test_*.c)
UNIT_BIN  = $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
SBOX_SRC  = $(wildcard tests/sandbox/test_*.c)
SBOX_BIN  = $(patsubst tests/sandbox/%.c,$(B)/tests/%,$(SBOX_SRC))
HELP_SRC  = $(wildcard tests/helpers/*.c)
HELP_BIN  = $(patsubst tests/helpers/%.c,$(B)/tests/helpers/%,$(HELP_SRC))
FUZZ_SRC  = $(wildcard tests/fuzz/fuzz_*.c)

.PHONY: deb package-test all check unit sandbox integration differential asan asan-sandbox asan-integration helpers install users fuzz fuzz-smoke clean bench
all: $(BINS)

# The build id goes into HELLO: every process refuses a peer from another build.
$(B)/buildid.h: FORCE
	@mkdir -p $(B)
	@id=$$(cat $$(find common policy privd monitor webui cli -name '*.[ch]' | sort) Makefile | sha256sum | cut -c1-16); \
	 new="#define VIGIL_BUILD_ID \"$$id\""; \
	 if [ ! -f $@ ] || [ "$$(cat $@)" != "$$new" ]; then echo "$$new" > $@; fi
FORCE:

# Install paths compiled in (where vigild finds its children): a header that
# changes, and so rebuilds what uses it, when PREFIX or LIBEXEC change.
$(B)/paths.h: FORCE
	@mkdir -p $(B)
	@new="#define LIBEXECDIR \"$(LIBEXEC)\""; \
	 if [ ! -f $@ ] || [ "$$(cat $@)" != "$$new" ]; then echo "$$new" > $@; fi

$(B)/obj/%.o: %.c | $(B)/buildid.h $(B)/paths.h
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALLCFLAGS) -MMD -MP -c $< -o $@

$(B)/libcommon.a: $(COMMON_O) $(B)/obj/empty.o
$(B)/libpolicy.a: $(POLICY_O) $(B)/obj/empty.o
$(B)/libprivd.a: $(PRIVD_O) $(B)/obj/empty.o
$(B)/libmonitor.a: $(MON_O) $(B)/obj/empty.o
$(B)/libwebui.a: $(WEB_O) $(B)/obj/empty.o
$(B)/libauth.a: $(AUTH_O) $(B)/obj/empty.o
$(B)/libcli.a: $(CLI_O) $(B)/obj/empty.o
$(B)/lib%.a:
	@mkdir -p $(dir $@)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(B)/obj/empty.o:
	@mkdir -p $(dir $@)
	echo 'extern int vigil_empty_archive; int vigil_empty_archive;' | $(CC) -x c -c - -o $@

LIBDEPS = $(B)/obj/empty.o

$(B)/vigild: $(B)/obj/privd/main.o $(B)/libprivd.a $(B)/libpolicy.a $(B)/libcommon.a $(LIBDEPS)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALLLDFLAGS) -o $@ $(filter %.o,$^) -L$(B) -lprivd -lpolicy -lcommon -lpolicy $(LIBS_PRIV)
$(B)/vigil-monitor: $(B)/obj/monitor/main.o $(B)/libmonitor.a $(B)/libpolicy.a $(B)/libcommon.a $(LIBDEPS)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALLLDFLAGS) -o $@ $(filter %.o,$^) -L$(B) -lmonitor -lpolicy -lcommon -lpolicy $(LIBS_MON)
$(B)/vigil-webui: $(B)/obj/webui/main.o $(B)/libwebui.a $(B)/libpolicy.a $(B)/libcommon.a $(LIBDEPS)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALLLDFLAGS) -o $@ $(filter %.o,$^) -L$(B) -lwebui -lpolicy -lcommon -lpolicy $(LIBS_WEB)
$(B)/vigil-auth: $(B)/obj/webui/auth/main.o $(B)/libauth.a $(B)/libpolicy.a $(B)/libcommon.a $(LIBDEPS)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALLLDFLAGS) -o $@ $(filter %.o,$^) -L$(B) -lauth -lpolicy -lcommon -lpolicy $(LIBS_AUTH)
$(B)/vigil: $(B)/obj/cli/main.o $(B)/libcli.a $(B)/libpolicy.a $(B)/libcommon.a $(LIBDEPS)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALLLDFLAGS) -o $@ $(filter %.o,$^) -L$(B) -lcli -lpolicy -lcommon -lpolicy $(LIBS_CLI)

ALLARCH = $(B)/libmonitor.a $(B)/libwebui.a $(B)/libauth.a $(B)/libprivd.a $(B)/libcli.a $(B)/libpolicy.a $(B)/libcommon.a
ARCHLINK = -L$(B) -lmonitor -lwebui -lauth -lprivd -lcli -lpolicy -lcommon -lmonitor -lpolicy -lcommon

$(B)/tests/%: tests/unit/%.c $(ALLARCH) $(LIBDEPS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALLCFLAGS) -Wno-missing-prototypes -MMD -MP -MF $@.d $(ALLLDFLAGS) -o $@ $< $(ARCHLINK) -lcmocka $(LIBS_ALL)
$(B)/tests/%: tests/sandbox/%.c $(ALLARCH) $(LIBDEPS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALLCFLAGS) -Wno-missing-prototypes -MMD -MP -MF $@.d $(ALLLDFLAGS) -o $@ $< $(ARCHLINK) -lcmocka $(LIBS_ALL)
$(B)/tests/helpers/%: tests/helpers/%.c $(ALLARCH) $(LIBDEPS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALLCFLAGS) -Wno-missing-prototypes -MMD -MP -MF $@.d $(ALLLDFLAGS) -o $@ $< $(ARCHLINK) $(LIBS_ALL)

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

sandbox: all $(SBOX_BIN)
	@set -e; for t in $(SBOX_BIN); do echo "== $$t"; $$t; done

integration: all $(HELP_BIN)
	VIGIL_BUILD=$(abspath $(B)) bats --print-output-on-failure tests/integration

# Every test: unit, sandbox proofs, the real daemon as root, then the same
# unit tests under ASan/UBSan and a short fuzzing run of every target.
# `users` first: the sandbox proofs and the daemon need the system users, and
# creating them is idempotent (a fresh CI machine has none).
check: users all
	@bash scripts/check.sh

ASAN_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
asan:
	$(MAKE) B=build-asan SAN="$(ASAN_SAN)" CFLAGS="-O1 -g" all unit

# The sandbox proofs under ASan/UBSan, seccomp proofs included (a sanitizer
# build loads the production policies plus the three syscalls the runtime
# makes at exit: common/sandbox.c).  LeakSanitizer reads /proc and uses
# ptrace at exit, which a sandboxed process may not: leaks are checked by
# `make asan`, not here.
asan-sandbox:
	ASAN_OPTIONS=detect_leaks=0 $(MAKE) B=build-asan SAN="$(ASAN_SAN)" CFLAGS="-O1 -g" sandbox

# The integration suite against the daemons built with ASan/UBSan: any
# sanitizer report fails the test during which it was written; the tests
# that cannot run there are listed with their reasons in the script.
asan-integration:
	$(MAKE) B=build-asan SAN="$(ASAN_SAN)" CFLAGS="-O1 -g" all helpers
	bash scripts/asan-integration.sh build-asan

helpers: $(HELP_BIN)

# The parser against Monit 5.33's `monit -t` on the same files.
differential: all
	sh tests/differential/run.sh

# Short fuzzing runs for CI: each target on a copy of its seed corpus; a
# crash, leak or timeout fails the suite and keeps its reproducer in
# build-fuzz/crashes/ (scripts/fuzz-smoke.sh).
FUZZ_SECONDS ?= 20
fuzz-smoke: fuzz
	@bash scripts/fuzz-smoke.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

# libFuzzer targets, built with clang.
FUZZ_BIN = $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
fuzz: $(FUZZ_BIN)
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c FORCE
	$(MAKE) B=build-fuzz CC=clang SAN="-fsanitize=fuzzer-no-link,address,undefined" CFLAGS="-O1 -g" \
		build-fuzz/libmonitor.a build-fuzz/libwebui.a build-fuzz/libauth.a build-fuzz/libprivd.a \
		build-fuzz/libcli.a build-fuzz/libpolicy.a build-fuzz/libcommon.a build-fuzz/obj/empty.o
	clang -std=gnu11 -O1 -g -D_GNU_SOURCE -I. -Ibuild-fuzz -fsanitize=fuzzer,address,undefined \
		-o $@ $< -Lbuild-fuzz -lmonitor -lwebui -lauth -lprivd -lcli -lpolicy -lcommon -lmonitor -lpolicy -lcommon $(LIBS_ALL)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXEC)
	install -m 0755 $(B)/vigild $(DESTDIR)$(SBINDIR)/vigild
	install -m 0755 $(B)/vigil $(DESTDIR)$(BINDIR)/vigil
	install -m 0755 $(B)/vigil-monitor $(B)/vigil-webui $(B)/vigil-auth $(DESTDIR)$(LIBEXEC)/
	install -d $(DESTDIR)$(SYSCONF)/pam.d
	[ -e $(DESTDIR)$(SYSCONF)/pam.d/vigil ] || install -m 0644 examples/pam.vigil $(DESTDIR)$(SYSCONF)/pam.d/vigil
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0644 man/vigil.1 $(DESTDIR)$(MANDIR)/man1/vigil.1
	install -m 0644 man/vigilrc.5 $(DESTDIR)$(MANDIR)/man5/vigilrc.5
	install -m 0644 man/vigild.8 $(DESTDIR)$(MANDIR)/man8/vigild.8
	install -d $(DESTDIR)$(COMPLDIR)
	install -m 0644 scripts/completion/vigil.bash $(DESTDIR)$(COMPLDIR)/vigil

users:
	sh scripts/make-users.sh

# The Debian package (debian/), built from a copy of this tree in build-pkg/
# so that dpkg-buildpackage's files stay out of the source and of build/.
deb:
	rm -rf build-pkg
	mkdir -p build-pkg/vigil
	tar --exclude=./build --exclude='./build-*' --exclude=./.git -cf - . | tar -xf - -C build-pkg/vigil
	cd build-pkg/vigil && dpkg-buildpackage -us -uc -b
	@ls build-pkg/*.deb

# Build the package, then install, upgrade and purge it in a throw-away
# overlay of this machine (tests/package/run.sh); last in `make check`.
package-test: deb
	bash tests/package/run.sh build-pkg

bench: all
	bench/restart-latency
	bench/parse
	bench/web
	bench/hosts

clean:
	rm -rf build build-asan build-fuzz build-pkg

-include $(shell find $(B)/obj $(B)/tests -name '*.d' 2>/dev/null)
