# vouch: one build for everything.
#
#   make            build ./vouch (release variant)
#   make demo       load the example organisation and check it
#   make test       every test: unit, golden, docs, reference; plain and ASan+UBSan
#   make bench      benchmark against the SQL reference (scale M)
#   make fuzz       run each libFuzzer target for FUZZ_SECONDS (default 60)
#   make fuzz-cov   line coverage of the fuzz corpora (clang, llvm-cov)
#   make install    the binary, the man pages, the standard packs, the
#                   example, the library (vouch.h, libvouch.a, libvouch.so,
#                   vouch.pc) under PREFIX (default /usr/local), DESTDIR honoured
#   make lib        only the library, in build/lib/public/
#   make uninstall  removes exactly what make install put there
#
# Variants live in build/<variant>/: release (-O2), debug (-O0 -g),
# asan (-O1 with AddressSanitizer and UndefinedBehaviorSanitizer), and for
# `make fuzz` fuzz (clang, libFuzzer + ASan + UBSan) and cov (clang source
# coverage).
# Generated C (re2c, Lemon, embedded stdlib) goes to build/gen/, never into
# the source tree.

CC      ?= cc
RE2C    ?= re2c
LEMON   ?= lemon
VARIANT ?= release

# Debian packages the build and the tests need, and the commands or headers
# that show each one is there.
DEBIAN_PACKAGES = re2c lemon libsqlite3-dev libcmocka-dev libjansson-dev nettle-dev sqlite3 python3 python3-jsonschema \
                  python3-regex libxml2-utils chromium nodejs npm man-db groff-base pkgconf g++ binutils tzdata \
                  libpq-dev postgresql
DEPS_STAMP = build/.deps-ok

WARN    = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CSTD    = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
CFLAGS_release = -O2 -g
CFLAGS_debug   = -O0 -g
CFLAGS_asan    = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
# The sanitizers' defaults (runtime/base/sanitize.c: a report exits 99).
SANITIZE_HOOKS = -Wl,-u,__asan_default_options -Wl,-u,__ubsan_default_options -Wl,-u,__lsan_default_options
LDFLAGS_asan   = -fsanitize=address,undefined $(SANITIZE_HOOKS)
CFLAGS_fuzz    = -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
LDFLAGS_fuzz   = -fsanitize=fuzzer,address,undefined $(SANITIZE_HOOKS)
CFLAGS_cov     = -O0 -g -fprofile-instr-generate -fcoverage-mapping
LDFLAGS_cov    = -fprofile-instr-generate -fcoverage-mapping
# The runtime's layers, lowest first (runtime/LAYER/; docs in README.md).
LAYERS   = base program store vm report session
# libpq's header (runtime/store/pg_*.c: facts in PostgreSQL, docs/postgres.md).
PG_INCLUDE := $(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
INCLUDES = -Iinclude -Ibuild/gen -Icompiler $(patsubst %,-Iruntime/%,$(LAYERS)) -I$(PG_INCLUDE)

GEN = build/gen
BD  = build/$(VARIANT)

LIB_SRC = $(sort $(wildcard compiler/*.c runtime/*/*.c))
GEN_SRC = $(GEN)/lexer.c $(GEN)/parser.c $(GEN)/stdlib_embed.c
LIB_OBJ = $(patsubst %.c,$(BD)/%.o,$(LIB_SRC)) $(patsubst $(GEN)/%.c,$(BD)/gen/%.o,$(GEN_SRC))
CLI_OBJ = $(patsubst %.c,$(BD)/%.o,$(sort $(wildcard cli/*.c)))
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN = $(patsubst tests/unit/%.c,$(BD)/tests/%,$(UNIT_SRC))
STDLIB_VOUCH = $(sort $(wildcard stdlib/*.vouch))

CFLAGS_ALL = $(CSTD) $(WARN) $(CFLAGS_$(VARIANT)) $(INCLUDES) -MMD -MP $(CFLAGS)
LDLIBS_ALL = -lsqlite3 -ljansson -lnettle -lpq -lm $(LDLIBS)
# The release binary links SQLite statically when libsqlite3-dev ships the
# archive (Debian's does): every start then skips the dynamic loader's
# relocations of libsqlite3, about 3% of `vouch check` at scale M (make
# bench). Other variants, and machines without the archive, link it
# dynamically.
SQLITE_A := $(firstword $(wildcard /usr/lib/$(shell $(CC) -print-multiarch 2>/dev/null)/libsqlite3.a /usr/lib/libsqlite3.a))
LDLIBS_STATIC = -Wl,-Bstatic -lsqlite3 -lnettle -Wl,-Bdynamic -ljansson -lpq -lm $(LDLIBS)
LDLIBS_VOUCH = $(if $(and $(filter release,$(VARIANT)),$(SQLITE_A)),$(LDLIBS_STATIC),$(LDLIBS_ALL))

.PHONY: all vouch demo test install uninstall FORCE test-one bench deps clean lint unit fuzz fuzz-build fuzz-bins fuzz-replay fuzz-cov

all: vouch

vouch: $(DEPS_STAMP)
	@$(MAKE) --no-print-directory VARIANT=release build/release/vouch build/release/libvouch.a
	@cp build/release/vouch vouch

# ---- dependencies -----------------------------------------------------------
# Installs missing Debian packages when run as root; otherwise says exactly
# what to install. The stamp keeps this to one check per build folder.
$(DEPS_STAMP): Makefile
	@missing=""; \
	command -v $(RE2C) >/dev/null 2>&1 || missing="$$missing re2c"; \
	command -v $(LEMON) >/dev/null 2>&1 || missing="$$missing lemon"; \
	[ -f /usr/share/lemon/lempar.c ] || missing="$$missing lemon"; \
	[ -f /usr/include/sqlite3.h ] || missing="$$missing libsqlite3-dev"; \
	[ -f /usr/include/nettle/sha2.h ] || missing="$$missing nettle-dev"; \
	[ -f /usr/include/cmocka.h ] || missing="$$missing libcmocka-dev"; \
	[ -f /usr/include/jansson.h ] || missing="$$missing libjansson-dev"; \
	command -v sqlite3 >/dev/null 2>&1 || missing="$$missing sqlite3"; \
	[ -x /usr/bin/python3 ] || missing="$$missing python3"; \
	/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1 || missing="$$missing python3-jsonschema"; \
	/usr/bin/python3 -c 'import regex' >/dev/null 2>&1 || missing="$$missing python3-regex"; \
	command -v xmllint >/dev/null 2>&1 || missing="$$missing libxml2-utils"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	command -v man >/dev/null 2>&1 || missing="$$missing man-db"; \
	command -v groff >/dev/null 2>&1 || missing="$$missing groff-base"; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkgconf"; \
	command -v g++ >/dev/null 2>&1 || missing="$$missing g++"; \
	command -v objcopy >/dev/null 2>&1 || missing="$$missing binutils"; \
	[ -f /usr/share/zoneinfo/Europe/Paris ] || missing="$$missing tzdata"; \
	[ -f /usr/include/postgresql/libpq-fe.h ] || missing="$$missing libpq-dev"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  missing=$$(echo $$missing | tr ' ' '\n' | sort -u | tr '\n' ' '); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "vouch: installing missing Debian packages: $$missing"; \
	    (apt-get install -y --no-install-recommends $$missing || \
	     (apt-get update && apt-get install -y --no-install-recommends $$missing)) >/dev/null || exit 1; \
	  else \
	    echo "vouch: missing build dependencies. Install them with:"; \
	    echo "  sudo apt-get install -y $$missing"; \
	    exit 2; \
	  fi; \
	fi
	@mkdir -p build && touch $@

# ---- generated sources ------------------------------------------------------
$(GEN)/parser.c $(GEN)/parser.h: $(GEN)/parser.stamp ;
$(GEN)/parser.stamp: grammar/parser.y | $(DEPS_STAMP)
	@mkdir -p $(GEN)
	$(LEMON) -q -T/usr/share/lemon/lempar.c -d$(GEN) grammar/parser.y
	@touch $@

$(GEN)/lexer.c: grammar/lexer.re $(GEN)/parser.stamp | $(DEPS_STAMP)
	@mkdir -p $(GEN)
	$(RE2C) -W -Werror --no-generation-date -o $@ grammar/lexer.re

# The standard library's .vouch sources, built into the binary as strings.
$(GEN)/stdlib_embed.c: $(STDLIB_VOUCH) stdlib/embed.sh
	@mkdir -p $(GEN)
	sh stdlib/embed.sh $(STDLIB_VOUCH) > $@.tmp && mv $@.tmp $@

# ---- objects ----------------------------------------------------------------
$(BD)/%.o: %.c | $(GEN)/parser.stamp $(GEN)/lexer.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

# Lemon's output declares no prototypes and has unused locals: relax warnings
# for the generated files only.
$(BD)/gen/%.o: $(GEN)/%.c $(GEN)/parser.stamp
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(GEN_CFLAGS) -Wno-missing-prototypes -Wno-unused-variable -Wno-sign-compare -Wno-implicit-fallthrough -c $< -o $@

# Lemon's parser asserts on its own tables at every token and keeps a trace
# hook (vparseTrace, which vouch never calls). The grammar actions assert
# nothing, so release builds drop both with NDEBUG: about a tenth of the
# compile time of a big pack. The other variants (debug, asan, fuzz) keep
# the asserts, so fuzzing still checks the tables. The object depends on
# the Makefile so a change of these flags rebuilds it.
PARSER_CFLAGS_release = -DNDEBUG
$(BD)/gen/parser.o: GEN_CFLAGS = $(PARSER_CFLAGS_$(VARIANT))
$(BD)/gen/parser.o: Makefile

# One static library per layer (runtime/LAYER/, and compiler/ with the
# generated lexer, parser and embedded stdlib). Programs link them highest
# first, so a call from a layer to one above it does not link;
# tests/layers.sh names such a call or include. libvouch.a holds them all
# (bench/probe.c links it).
LINK_LAYERS = session report vm store compiler program base
layer_obj = $(patsubst %.c,$(BD)/%.o,$(sort $(wildcard $(if $(filter compiler,$(1)),compiler,runtime/$(1))/*.c))) \
            $(if $(filter compiler,$(1)),$(patsubst $(GEN)/%.c,$(BD)/gen/%.o,$(GEN_SRC)))
LAYER_LIBS = $(patsubst %,$(BD)/libvouch_%.a,$(LINK_LAYERS))
define layer_rule
$(BD)/libvouch_$(1).a: $(call layer_obj,$(1))
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach l,$(LINK_LAYERS),$(eval $(call layer_rule,$(l))))

$(BD)/libvouch.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BD)/vouch: $(CLI_OBJ) $(LAYER_LIBS)
	$(CC) $(CFLAGS_$(VARIANT)) $(LDFLAGS_$(VARIANT)) -o $@ $^ $(LDLIBS_VOUCH)

$(BD)/tests/%: tests/unit/%.c $(LAYER_LIBS) | $(GEN)/parser.stamp
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_$(VARIANT)) -o $@ $< $(LAYER_LIBS) $(LDLIBS_ALL) -lcmocka

unit: $(BD)/vouch $(UNIT_BIN)

# ---- fuzzing ------------------------------------------------------------------
# tests/fuzz/fuzz_T.c is one libFuzzer target. Linked with libFuzzer
# (VARIANT=fuzz, clang) it is build/fuzz/fuzz_T; linked with
# tests/fuzz/replay.c it is a plain program, build/<variant>/fuzz-replay/fuzz_T,
# that `make test` runs over the corpus tests/fuzz/corpus/T/ (no clang).
FUZZ_TARGETS = parse compile program csv json store
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_REPLAY = $(patsubst %,$(BD)/fuzz-replay/fuzz_%,$(FUZZ_TARGETS))
FUZZ_STAMP = build/.fuzz-deps-ok
# Debian packages libFuzzer needs: the compiler, its sanitizer and fuzzer
# runtimes (libclang_rt.fuzzer-x86_64.a), llvm-profdata/llvm-cov for fuzz-cov.
FUZZ_PACKAGES = clang libclang-rt-14-dev libclang-common-14-dev llvm

fuzz-replay: $(FUZZ_REPLAY)

$(BD)/fuzz-replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(wildcard tests/fuzz/*.h) $(LAYER_LIBS) | $(GEN)/parser.stamp
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/fuzz $(LDFLAGS_$(VARIANT)) -o $@ $< tests/fuzz/replay.c $(LAYER_LIBS) $(LDLIBS_ALL)

fuzz-bins: $(patsubst %,$(BD)/fuzz_%,$(FUZZ_TARGETS))

$(BD)/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(LAYER_LIBS) | $(GEN)/parser.stamp
	$(CC) $(CFLAGS_ALL) -Itests/fuzz $(LDFLAGS_$(VARIANT)) -o $@ $< $(LAYER_LIBS) $(LDLIBS_ALL)

# Installs clang's libFuzzer when run as root (otherwise says what to
# install), checked by building a one-line fuzz target.
$(FUZZ_STAMP): | $(DEPS_STAMP)
	@probe() { printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' | \
	    $(FUZZ_CC) -x c -fsanitize=fuzzer,address,undefined -o build/.fuzz-probe - >/dev/null 2>&1 && \
	    command -v llvm-profdata >/dev/null 2>&1 && command -v llvm-cov >/dev/null 2>&1; }; \
	if ! probe; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "vouch: installing libFuzzer (Debian packages: $(FUZZ_PACKAGES))"; \
	    (apt-get install -y --no-install-recommends $(FUZZ_PACKAGES) || \
	     (apt-get update && apt-get install -y --no-install-recommends $(FUZZ_PACKAGES))) >/dev/null || exit 1; \
	    probe || { echo "vouch: $(FUZZ_CC) still cannot build a libFuzzer target"; exit 2; }; \
	  else \
	    echo "vouch: $(FUZZ_CC) cannot build a libFuzzer target. Install it with:"; \
	    echo "  sudo apt-get install -y $(FUZZ_PACKAGES)"; \
	    exit 2; \
	  fi; \
	fi
	@rm -f build/.fuzz-probe
	@touch $@

# Each target runs FUZZ_SECONDS (FUZZ_TARGETS="parse csv" picks some); new
# inputs go to build/fuzz/corpus/T, crashes to build/fuzz/crashes/.
# The libFuzzer binaries (tests/run.sh builds them with this too).
fuzz-build: $(FUZZ_STAMP)
	@$(MAKE) --no-print-directory VARIANT=fuzz CC=$(FUZZ_CC) fuzz-bins

fuzz: fuzz-build
	@$(MAKE) --no-print-directory VARIANT=release build/release/vouch
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Line coverage of the libraries reached by replaying the fuzz corpora
# (the repository's and build/fuzz/corpus/), per file and in total.
fuzz-cov: $(FUZZ_STAMP)
	@$(MAKE) --no-print-directory VARIANT=cov CC=$(FUZZ_CC) fuzz-replay
	@sh tests/fuzz/coverage.sh $(FUZZ_TARGETS)

# ---- install ------------------------------------------------------------------
# The binary, the man pages, the standard packs (rules/: catalogues,
# crosswalks and the reference pack as PACKSDIR/NAME.vouch, the ISO 27001
# pack as PACKSDIR/iso27001/) and the example organisation. The installed
# binary looks for imports in PACKSDIR after $$VOUCH_PATH: it is the release
# build with cli/packs_dir.c compiled again with that directory (the binary
# of the source tree has none). For embedders: the header (INCLUDEDIR), the
# library (LIBDIR: libvouch.a, libvouch.so.VERSION and its two links) and
# the pkg-config file (LIBDIR/pkgconfig/vouch.pc), built by `make lib`
# below; the library too looks for imports in PACKSDIR.
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man
INCLUDEDIR = $(PREFIX)/include
LIBDIR   = $(PREFIX)/lib
PKGCONFIGDIR = $(LIBDIR)/pkgconfig
PACKSDIR = $(PREFIX)/share/vouch/packs
EXAMPLESDIR = $(PREFIX)/share/vouch/examples
INSTALL_PACKS    = $(sort $(wildcard rules/catalogues/*.vouch rules/crosswalks/*.vouch rules/sources/*.vouch)) rules/reference/reference.vouch
INSTALL_ISO      = $(sort $(wildcard rules/iso27001/*.vouch rules/iso27001/*.md))
INSTALL_EXAMPLES = $(sort $(wildcard examples/acme/*.vouch examples/acme/*.csv)) examples/README.md
INST = build/release/install

# Rewritten only when the directory changes, so a new PREFIX relinks.
$(INST)/packs-dir: FORCE
	@mkdir -p $(INST)
	@echo '$(PACKSDIR)' | cmp -s - $@ || echo '$(PACKSDIR)' > $@
$(INST)/packs_dir.o: cli/packs_dir.c cli/packs_dir.h $(INST)/packs-dir
	$(CC) $(CFLAGS_ALL) -MF $(INST)/packs_dir.d '-DVOUCH_PACKS_DIR="$(PACKSDIR)"' -c $< -o $@
$(INST)/vouch: $(filter-out $(BD)/cli/packs_dir.o,$(CLI_OBJ)) $(INST)/packs_dir.o $(LAYER_LIBS)
	$(CC) $(CFLAGS_$(VARIANT)) $(LDFLAGS_$(VARIANT)) -o $@ $^ $(LDLIBS_VOUCH)
FORCE:

# ---- the library: libvouch.a, libvouch.so -------------------------------------
# What `make install` puts in LIBDIR for embedders (include/vouch.h is the
# one header; docs/api.md the manual): the library's sources built once
# more, in build/lib/ (VARIANT=lib, -O2 as release), as position-independent
# code with every symbol hidden (-fvisibility=hidden) but the functions
# vouch.h declares (VOUCH_API), in build/lib/public/. Both carry Debian's
# static SQLite and Nettle inside them (Jansson's archive is not
# position-independent: it stays a shared library, in Libs.private, as does
# libpq), so an
# embedder links with `pkg-config --libs vouch` alone and no internal name
# (sqlite3_*, ast_*, vouch_facts_*) can clash with the embedder's own:
#   libvouch.so.VERSION  -Wl,--exclude-libs,ALL and a version script that
#                        exports exactly the header's functions;
#   libvouch.a           one relocatable object (ld -r) of the objects and
#                        the archive members they use, every global symbol
#                        but the header's functions made local (objcopy).
# tests/install.sh checks both with nm against the header. Only this
# variant builds them: the asan variant tests the same code through the
# layer archives (tests/unit/test_api.c).
CFLAGS_lib = -O2 -g -fPIC -fvisibility=hidden
OBJCOPY ?= objcopy
PARSER_CFLAGS_lib = -DNDEBUG
LIBV = build/lib/public
LIB_VERSION := $(shell sed -n 's/^\#define VOUCH_VERSION_STRING "\(.*\)"/\1/p' include/vouch.h)
LIB_MAJOR = $(firstword $(subst ., ,$(LIB_VERSION)))
LIB_SO = libvouch.so.$(LIB_VERSION)
LIB_BUNDLED = $(foreach l,sqlite3 nettle,$(firstword $(wildcard /usr/lib/$(shell $(CC) -print-multiarch 2>/dev/null)/lib$(l).a /usr/lib/lib$(l).a) -l$(l)))
LIB_PRIVATE = $(filter -l%,$(LIB_BUNDLED)) -ljansson -lpq -lm -lpthread
LIB_PUBLIC_OBJ = $(filter-out build/lib/runtime/base/sanitize.o,$(patsubst $(BD)/%,build/lib/%,$(LIB_OBJ)))

.PHONY: lib
lib: $(DEPS_STAMP)
	@$(MAKE) --no-print-directory VARIANT=lib PREFIX='$(PREFIX)' $(LIBV)/libvouch.a $(LIBV)/$(LIB_SO) $(LIBV)/vouch.pc

# The header's functions, one a line: the exports, and what the tests expect.
$(LIBV)/vouch.syms: include/vouch.h
	@mkdir -p $(LIBV)
	sed -n 's/^VOUCH_API .*[ *]\(vouch_[a-z0-9_]*\)(.*/\1/p' $< | sort > $@
$(LIBV)/vouch.map: $(LIBV)/vouch.syms Makefile
	{ echo '{ global:'; sed 's/$$/;/' $<; echo 'local: *; };'; } > $@
$(LIBV)/$(LIB_SO): $(LIB_PUBLIC_OBJ) $(LIBV)/vouch.map
	$(CC) -shared -Wl,-soname,libvouch.so.$(LIB_MAJOR) -Wl,--version-script=$(LIBV)/vouch.map \
	  -Wl,--exclude-libs,ALL -Wl,--no-undefined -o $@ $(LIB_PUBLIC_OBJ) $(LIB_BUNDLED) $(LIB_PRIVATE)
$(LIBV)/libvouch.a: $(LIB_PUBLIC_OBJ) $(LIBV)/vouch.syms
	$(LD) -r -o $(LIBV)/libvouch.o $(LIB_PUBLIC_OBJ) $(filter %.a,$(LIB_BUNDLED))
	$(OBJCOPY) --keep-global-symbols=$(LIBV)/vouch.syms $(LIBV)/libvouch.o
	@rm -f $@
	ar rcs $@ $(LIBV)/libvouch.o
# The library of `make install` finds the installed packs by default, as
# the installed binary does (runtime/session/api_packs_dir.c).
build/lib/runtime/session/api_packs_dir.o: $(INST)/packs-dir
build/lib/runtime/session/api_packs_dir.o: CFLAGS += '-DVOUCH_PACKS_DIR="$(PACKSDIR)"'
$(LIBV)/vouch.pc: $(INST)/packs-dir include/vouch.h
	{ echo 'prefix=$(PREFIX)'; echo 'libdir=$${prefix}/lib'; echo 'includedir=$${prefix}/include'; echo; \
	  echo 'Name: vouch'; echo 'Description: rules engine for information-security compliance (libvouch)'; \
	  echo 'Version: $(LIB_VERSION)'; echo 'Libs: -L$${libdir} -lvouch'; echo 'Libs.private: $(strip $(LIB_PRIVATE))'; \
	  echo 'Cflags: -I$${includedir}'; } > $@

install: $(DEPS_STAMP)
	@$(MAKE) --no-print-directory VARIANT=release PREFIX='$(PREFIX)' $(INST)/vouch
	@$(MAKE) --no-print-directory PREFIX='$(PREFIX)' lib
	install -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(MANDIR)/man1' '$(DESTDIR)$(MANDIR)/man7' \
	  '$(DESTDIR)$(PACKSDIR)/iso27001' '$(DESTDIR)$(EXAMPLESDIR)/acme' \
	  '$(DESTDIR)$(INCLUDEDIR)' '$(DESTDIR)$(LIBDIR)' '$(DESTDIR)$(PKGCONFIGDIR)'
	install -m 644 include/vouch.h '$(DESTDIR)$(INCLUDEDIR)/vouch.h'
	install -m 644 $(LIBV)/libvouch.a '$(DESTDIR)$(LIBDIR)/libvouch.a'
	install -m 755 $(LIBV)/$(LIB_SO) '$(DESTDIR)$(LIBDIR)/$(LIB_SO)'
	ln -sf $(LIB_SO) '$(DESTDIR)$(LIBDIR)/libvouch.so.$(LIB_MAJOR)'
	ln -sf $(LIB_SO) '$(DESTDIR)$(LIBDIR)/libvouch.so'
	install -m 644 $(LIBV)/vouch.pc '$(DESTDIR)$(PKGCONFIGDIR)/vouch.pc'
	install -m 755 $(INST)/vouch '$(DESTDIR)$(BINDIR)/vouch'
	install -m 644 man/vouch.1 '$(DESTDIR)$(MANDIR)/man1/vouch.1'
	install -m 644 man/vouch-language.7 '$(DESTDIR)$(MANDIR)/man7/vouch-language.7'
	install -m 644 $(INSTALL_PACKS) '$(DESTDIR)$(PACKSDIR)/'
	install -m 644 $(INSTALL_ISO) '$(DESTDIR)$(PACKSDIR)/iso27001/'
	install -m 644 examples/README.md '$(DESTDIR)$(EXAMPLESDIR)/README.md'
	install -m 644 $(filter examples/acme/%,$(INSTALL_EXAMPLES)) '$(DESTDIR)$(EXAMPLESDIR)/acme/'

# Removes the files install put and the directories only vouch uses.
uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/vouch' '$(DESTDIR)$(MANDIR)/man1/vouch.1' '$(DESTDIR)$(MANDIR)/man7/vouch-language.7'
	rm -f '$(DESTDIR)$(INCLUDEDIR)/vouch.h' '$(DESTDIR)$(LIBDIR)/libvouch.a' '$(DESTDIR)$(LIBDIR)/$(LIB_SO)' \
	  '$(DESTDIR)$(LIBDIR)/libvouch.so.$(LIB_MAJOR)' '$(DESTDIR)$(LIBDIR)/libvouch.so' '$(DESTDIR)$(PKGCONFIGDIR)/vouch.pc'
	cd '$(DESTDIR)$(PACKSDIR)' 2>/dev/null && rm -f $(notdir $(INSTALL_PACKS)) $(addprefix iso27001/,$(notdir $(INSTALL_ISO))) || true
	cd '$(DESTDIR)$(EXAMPLESDIR)' 2>/dev/null && rm -f README.md $(addprefix acme/,$(notdir $(filter examples/acme/%,$(INSTALL_EXAMPLES)))) || true
	-rmdir '$(DESTDIR)$(PACKSDIR)/iso27001' '$(DESTDIR)$(PACKSDIR)' '$(DESTDIR)$(EXAMPLESDIR)/acme' \
	  '$(DESTDIR)$(EXAMPLESDIR)' '$(DESTDIR)$(PREFIX)/share/vouch' 2>/dev/null

# ---- the two commands -------------------------------------------------------
demo: vouch
	@sh examples/demo.sh

# Everything CI runs. The runner ends with its own summary line.
test: $(DEPS_STAMP)
	@sh tests/run.sh

# One variant's tests (tests/run.sh calls this per variant).
test-one: unit

bench: vouch
	@sh bench/bench.sh

# Regenerates the catalogue and crosswalk packs (rules/catalogues/,
# rules/crosswalks/) from ../shared/data (rules/gen/gen_packs.py; a data
# folder elsewhere: make packs PACKS_DATA=DIR).
.PHONY: packs
packs:
	/usr/bin/python3 rules/gen/gen_packs.py $(PACKS_DATA)

# Keeps the one-way dependencies the design fixes.
lint:
	@! grep -l '^#include.*compiler/' runtime/*/*.c runtime/*/*.h || { echo "runtime/ must not include compiler/"; exit 1; }
	@! grep -l '^#include.*jansson.h' compiler/*.[ch] runtime/*/*.[ch] cli/*.[ch] | grep -v 'runtime/report/baseline.c\|runtime/store/load_json.c\|cli/lsp_rpc.h\|cli/lsp_features.h' || { echo "only the baseline reader, the JSON facts source and the language server (cli/lsp_*) include jansson.h"; exit 1; }
	@! grep -l '^#include.*sqlite3.h' compiler/*.c compiler/*.h cli/*.c runtime/program/*.c runtime/vm/*.c || { echo "only the facts store includes sqlite3.h"; exit 1; }
	@! grep -l '^#include.*parser.h' compiler/*.c runtime/*/*.c cli/*.c | grep -v 'compiler/parse.c\|compiler/format.c' || { echo "only the parser driver (and the token-level formatter) include the Lemon header"; exit 1; }
	@! grep -l '^#include.*libpq-fe.h' compiler/*.[ch] runtime/*/*.[ch] cli/*.[ch] | grep -v 'runtime/store/facts_pg.c' || { echo "only runtime/store/facts_pg.c includes libpq-fe.h"; exit 1; }
	@! grep -l '^#include.*nettle/' compiler/*.c runtime/*/*.c runtime/*/*.h cli/*.c | grep -v 'runtime/base/digest.c' || { echo "only runtime/base/digest.c includes Nettle"; exit 1; }
	@echo "lint: dependencies are one-way"

clean:
	rm -rf build vouch

-include $(shell find build -name '*.d' 2>/dev/null)
