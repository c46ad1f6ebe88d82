#!/bin/sh
# tests/run.sh: everything `make test` (and so CI) runs.
#
#   1. builds: ./vouch (release) and the release unit tests; the asan variant
#      (AddressSanitizer + UBSan): build/asan/vouch and its unit tests;
#   2. unit: every build/{release,asan}/tests/test_* (cmocka), counting the
#      tests that passed and failed from cmocka's output;
#   3. golden: tests/golden/*.test with the release binary, then with the asan
#      binary (leak detection on if LeakSanitizer works on this machine);
#   4. docs: every ```vouch block of docs/language.md and docs/lint.md compiles,
#      and each ```vouch-lint block of docs/lint.md draws a warning (both binaries);
#   5. reference: the reference pack finds what the SQL reference finds;
#      packs: the generated catalogue and crosswalk packs match their
#      source files and the generator (tests/packs.py);
#  5b. pg: facts in PostgreSQL against a real server the suite starts and
#      stops (tests/pg/run.sh): the examples and the reference pack give the
#      same bytes on a SQLite file and in a schema, loads, tenants, errors;
#      release and asan; pg-golden: every golden case that names a facts
#      store, on the same facts in a schema, and the reference pack's
#      findings against the SQL reference through psql (tests/pg/golden.sh,
#      its own server; release);
#   6. fuzz: every file of the fuzz corpora (tests/fuzz/corpus/) through the
#      plain builds of the fuzz targets, release and asan (tests/fuzz/replay.sh);
#      then each libFuzzer target (clang) for FUZZ_SECONDS, 20 s by default
#      (tests/fuzz/run.sh); a sanitizer report exits 99 (runtime/base/sanitize.c),
#      checked first with two faulty probe programs;
#   7. robust: tests/robust/*.sh: limits, allocation failure, killed loads
#      and reports, concurrent reads, damaged stores and programs, what vouch
#      writes and runs (tests/robust/run.sh);
#   8. outputs: every format of `vouch check` (SARIF, JUnit, OSCAL,
#      Markdown, HTML) against its official schema and the JSON, the HTML in
#      headless Chromium (tests/outputs.sh);
#   9. explain: explanations agree with evaluation over whole packs
#      (tests/explain.py), release and asan;
#      lsp: `vouch lsp` through a scripted client that speaks the protocol
#      (tests/lsp/client.py), release and asan;
#  10. browser: the SoA's HTML page in headless Chromium: a screenshot, the
#      DOM's rows and counts against the CSV, a PDF print
#      (tests/browser/soa_html.sh; fails when chromium is missing);
#  11. layers: no file includes or calls a layer above its own
#      (tests/layers.sh, on the release build's layer archives);
#  12. help: every option each command's parser accepts is in its help and
#      in man/vouch.1 (tests/help.sh); install: make install and uninstall
#      into temporary folders, the installed binary finds the installed
#      packs, the man pages render without warnings; the installed library
#      (vouch.h, libvouch.a, libvouch.so, vouch.pc) exports only the
#      header's functions, and examples/embed built against it with
#      pkg-config (C, static and shared, and C++) agrees with vouch check
#      (tests/install.sh).
#
# Prints a line per suite and, last, one summary line. Exits 1 if anything
# failed or a suite could not run. POSIX sh; reads no stdin. Build logs and
# suite outputs go to build/test-logs/.
set -u

cd "$(dirname "$0")/.." || exit 2
exec </dev/null
logs=build/test-logs
rm -rf "$logs"
mkdir -p "$logs" || exit 2

jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
case $jobs in ''|*[!0-9]*) jobs=2 ;; esac
if command -v timeout >/dev/null 2>&1; then tmo="timeout 600"; else tmo=""; fi
# How much of a failing log to show: more in CI, where nobody can look later.
if [ "${CI:-}" = true ]; then context=120; detail=600; else context=40; detail=150; fi

passed=0
failed=0
n_unit=0
n_golden=0
n_docs=0
n_reference=0
n_packs=0
n_pg=0
n_pggolden=0
n_fuzz=0
n_robust=0
n_browser=0
n_outputs=0
n_explain=0
n_lsp=0
n_layers=0
n_help=0
n_install=0
broken=""          # suites that could not run

# ---- helpers ------------------------------------------------------------------
# show FILE: the last lines of a log, indented.
show() { tail -n "$context" "$1" | sed 's/^/    /'; }

# cannot SUITE WHY: a suite that could not run counts as one failure.
cannot() {
    echo "$1: could not run: $2"
    broken="$broken $1"
    failed=$((failed + 1))
}

# counted SUITE P F: adds a suite's counts to the totals.
counted() {
    passed=$((passed + $2))
    failed=$((failed + $3))
    case $1 in
    unit*) n_unit=$((n_unit + $2 + $3)) ;;
    golden*) n_golden=$((n_golden + $2 + $3)) ;;
    docs*) n_docs=$((n_docs + $2 + $3)) ;;
    reference*) n_reference=$((n_reference + $2 + $3)) ;;
    packs*) n_packs=$((n_packs + $2 + $3)) ;;
    pg-golden*) n_pggolden=$((n_pggolden + $2 + $3)) ;;
    pg*) n_pg=$((n_pg + $2 + $3)) ;;
    fuzz*) n_fuzz=$((n_fuzz + $2 + $3)) ;;
    robust*) n_robust=$((n_robust + $2 + $3)) ;;
    browser*) n_browser=$((n_browser + $2 + $3)) ;;
    outputs*) n_outputs=$((n_outputs + $2 + $3)) ;;
    explain*) n_explain=$((n_explain + $2 + $3)) ;;
    lsp*) n_lsp=$((n_lsp + $2 + $3)) ;;
    layers*) n_layers=$((n_layers + $2 + $3)) ;;
    help*) n_help=$((n_help + $2 + $3)) ;;
    install*) n_install=$((n_install + $2 + $3)) ;;
    esac
}

# build NAME MAKE-ARGS...: one make run, its output in a log.
build() {
    name=$1
    shift
    if make --no-print-directory -j"$jobs" "$@" >"$logs/build-$name.log" 2>&1; then
        echo "build ($name): ok"
        return 0
    fi
    echo "build ($name): FAILED: make $*; the end of $logs/build-$name.log:"
    show "$logs/build-$name.log"
    broken="$broken build-$name"
    failed=$((failed + 1))
    return 1
}

# unit VARIANT: runs each unit test binary of the variant.
unit() {
    v=$1
    up=0
    uf=0
    nbin=0
    for src in tests/unit/test_*.c; do
        [ -e "$src" ] || continue
        t=build/$v/tests/$(basename "$src" .c)
        nbin=$((nbin + 1))
        if [ ! -x "$t" ]; then
            echo "unit ($v): $t was not built"
            uf=$((uf + 1))
            continue
        fi
        log=$logs/unit-$v-$(basename "$t")
        CMOCKA_MESSAGE_OUTPUT=stdout $tmo "$t" >"$log.out" 2>"$log.err"
        st=$?
        # cmocka prints one status line per test on stdout: [       OK ] name,
        # [  FAILED  ] name, [  SKIPPED ] name; summaries and details on stderr.
        p=$(grep -c '^\[       OK \]' "$log.out")
        f=$(grep -c -e '^\[  FAILED  \]' -e '^\[  ERROR   \]' "$log.out")
        if [ "$st" -ne 0 ] && [ "$f" -eq 0 ]; then
            f=1     # crashed, leaked, or failed outside a test
            echo "unit ($v): $t exited with status $st outside any test:"
        elif [ "$f" -ne 0 ]; then
            echo "unit ($v): $t: $f failed:"
        fi
        if [ "$f" -ne 0 ]; then
            cat "$log.out" "$log.err" > "$log.all"
            show "$log.all"
        fi
        up=$((up + p))
        uf=$((uf + f))
    done
    if [ "$nbin" -eq 0 ]; then
        echo "unit ($v): no tests/unit/test_*.c"
    fi
    echo "unit ($v): $up passed, $uf failed ($nbin programs)"
    counted unit "$up" "$uf"
}

# suite NAME SUMMARY-PREFIX COMMAND...: runs a script that ends with
# "PREFIX: N passed, M failed"; prints its output if it failed.
suite() {
    name=$1
    prefix=$2
    shift 2
    log=$logs/$(echo "$name" | tr ' ()' '-__').log
    "$@" >"$log" 2>&1
    st=$?
    counts=$(sed -n "s/^$prefix: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed\$/\1 \2/p" "$log" | tail -n 1)
    if [ -z "$counts" ]; then
        cannot "$name" "no summary line (exit $st); the end of $log:"
        show "$log"
        return
    fi
    set -- $counts
    if [ "$2" -ne 0 ] || [ "$st" -ne 0 ]; then
        grep -v "^$prefix: [0-9]* passed, [0-9]* failed\$" "$log" > "$log.details"
        head -n "$detail" "$log.details" | sed 's/^/    /'
        if [ "$(wc -l < "$log.details")" -gt "$detail" ]; then
            echo "    ... (the rest is in $log)"
        fi
        if [ "$2" -eq 0 ]; then
            echo "$name: exited $st"
            failed=$((failed + 1))
        fi
    fi
    echo "$name: $1 passed, $2 failed"
    counted "$name" "$1" "$2"
}

# ---- 1. builds ------------------------------------------------------------------
# The binaries first, then the unit tests, so a unit test that does not
# build leaves the binary's suites running (and no stale binary is used).
rel_ok=0
rel_unit_ok=0
asan_ok=0
asan_unit_ok=0
build release vouch && [ -x build/release/vouch ] && rel_ok=1
build release-unit VARIANT=release unit fuzz-replay && rel_unit_ok=1
build asan VARIANT=asan build/asan/vouch && [ -x build/asan/vouch ] && asan_ok=1
build asan-unit VARIANT=asan unit fuzz-replay && asan_unit_ok=1

# Does LeakSanitizer work here (it does not under some ptrace/seccomp
# sandboxes)? One probe program, built with the same compiler.
leaks=0
probe=build/asan/lsan-probe
mkdir -p build/asan
printf '#include <stdlib.h>\nint main(void) { void *volatile p = malloc(33); p = 0; return p != 0; }\n' > "$probe.c"
if ${CC:-cc} -O0 -fsanitize=address "$probe.c" -o "$probe" >/dev/null 2>&1; then
    ASAN_OPTIONS=detect_leaks=1 "$probe" >/dev/null 2>"$probe.out"
    if grep -q 'detected memory leaks' "$probe.out"; then leaks=1; fi
fi
if [ "$leaks" = 1 ]; then
    echo "lsan: works here: leaks fail the asan runs (detect_leaks=1)"
else
    echo "lsan: does not work here: asan runs with detect_leaks=0"
fi
# A sanitizer report must not pass for an answer (0, 1, 2): the asan builds
# exit 99 on one (runtime/base/sanitize.c). Checked here with two small faulty
# programs linked with the same hooks: one reads past a buffer, one
# overflows a signed int.
san_ok=0
san=build/asan/sanitize-probe
if [ -f build/asan/runtime/base/sanitize.o ]; then
    printf '#include <stdlib.h>\nint main(int c, char **v) { char *p = malloc(4); int r = p[c + 4]; free(p); return r; }\n' > "$san-asan.c"
    printf '#include <limits.h>\nint main(int c, char **v) { int x = INT_MAX - 1 + c; return x + c > 0; }\n' > "$san-ubsan.c"
    san_ok=1
    for k in asan ubsan; do
        if ${CC:-cc} -O0 -fsanitize=address,undefined -fno-sanitize-recover=all "$san-$k.c" build/asan/runtime/base/sanitize.o \
            -o "$san-$k" >/dev/null 2>&1; then
            env -u ASAN_OPTIONS -u UBSAN_OPTIONS "$san-$k" >/dev/null 2>&1
            st=$?
            [ "$st" = 99 ] || { san_ok=0; echo "sanitizers: a $k report exits $st, not 99 (runtime/base/sanitize.c)"; }
        else
            san_ok=0; echo "sanitizers: cannot build $san-$k.c"
        fi
    done
fi
if [ "$san_ok" = 1 ]; then
    echo "sanitizers: a report exits 99"
    counted unit 1 0
else
    cannot "sanitizers" "the asan builds do not exit 99 on a sanitizer report"
fi
ASAN_OPTIONS="detect_leaks=$leaks:abort_on_error=0:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS UBSAN_OPTIONS

# ---- 2. unit ---------------------------------------------------------------------
if [ "$rel_unit_ok" = 1 ]; then unit release; else cannot "unit (release)" "the release unit tests did not build"; fi
if [ "$asan_unit_ok" = 1 ]; then unit asan; else cannot "unit (asan)" "the asan unit tests did not build"; fi

# ---- 3. golden ------------------------------------------------------------------
if [ "$rel_ok" = 1 ]; then
    suite "golden (release)" golden sh tests/golden/run.sh build/release/vouch
else
    cannot "golden (release)" "no release binary"
fi
if [ "$asan_ok" = 1 ]; then
    suite "golden (asan)" golden sh tests/golden/run.sh build/asan/vouch
else
    cannot "golden (asan)" "no asan binary"
fi

# ---- 4. docs --------------------------------------------------------------------
if [ "$rel_ok" = 1 ]; then
    suite "docs (release)" docs sh tests/docs.sh build/release/vouch
else
    cannot "docs (release)" "no release binary"
fi
if [ "$asan_ok" = 1 ]; then
    suite "docs (asan)" docs sh tests/docs.sh build/asan/vouch
else
    cannot "docs (asan)" "no asan binary"
fi

# ---- 5. reference ---------------------------------------------------------------
if [ "$rel_ok" = 1 ]; then
    suite "reference (release)" reference sh tests/reference.sh build/release/vouch
else
    cannot "reference (release)" "no release binary"
fi
if [ "$rel_ok" = 1 ]; then
    suite "packs (release)" packs /usr/bin/python3 tests/packs.py build/release/vouch
else
    cannot "packs (release)" "no release binary"
fi

# ---- 5b. facts in PostgreSQL ---------------------------------------------------
if [ "$rel_ok" = 1 ]; then
    suite "pg (release)" pg sh tests/pg/run.sh build/release/vouch
else
    cannot "pg (release)" "no release binary"
fi
if [ "$asan_ok" = 1 ]; then
    suite "pg (asan)" pg sh tests/pg/run.sh build/asan/vouch
else
    cannot "pg (asan)" "no asan binary"
fi

# The golden cases and the reference pack on PostgreSQL (release only: its
# own server, three golden runners at once, about a minute and a half).
if [ "$rel_ok" = 1 ]; then
    suite "pg-golden (release)" pg-golden sh tests/pg/golden.sh build/release/vouch
else
    cannot "pg-golden (release)" "no release binary"
fi

# ---- 6. fuzz corpora ------------------------------------------------------------
if [ "$rel_unit_ok" = 1 ]; then
    suite "fuzz (release)" fuzz sh tests/fuzz/replay.sh release
else
    cannot "fuzz (release)" "the release fuzz targets did not build"
fi
if [ "$asan_unit_ok" = 1 ]; then
    suite "fuzz (asan)" fuzz sh tests/fuzz/replay.sh asan
else
    cannot "fuzz (asan)" "the asan fuzz targets did not build"
fi

# Every libFuzzer target for FUZZ_SECONDS (20 s by default) after replaying
# its corpus, under clang's ASan+UBSan (which see what gcc's do not, such
# as an offset applied to a NULL pointer). Needs clang and libFuzzer: the
# Makefile's fuzz-build installs them like the other dependencies.
if build fuzz fuzz-build; then
    suite "fuzzing" fuzzing sh tests/fuzz/run.sh "${FUZZ_SECONDS:-20}" parse compile program csv store
fi

# ---- 7. robustness --------------------------------------------------------------
if [ "$rel_ok" = 1 ] && [ "$asan_ok" = 1 ]; then
    suite "robust" robust sh tests/robust/run.sh build/release/vouch build/asan/vouch
else
    cannot "robust" "needs the release and the asan binary"
fi

# ---- 8. outputs -----------------------------------------------------------------
if [ "$rel_ok" = 1 ]; then
    suite "outputs" outputs sh tests/outputs.sh build/release/vouch
else
    cannot "outputs" "no release binary"
fi

# ---- 9. explanations agree with evaluation ------------------------------------
if [ "$rel_ok" = 1 ]; then
    suite "explain (release)" explain /usr/bin/python3 tests/explain.py build/release/vouch
else
    cannot "explain (release)" "no release binary"
fi
if [ "$asan_ok" = 1 ]; then
    suite "explain (asan)" explain /usr/bin/python3 tests/explain.py build/asan/vouch
else
    cannot "explain (asan)" "no asan binary"
fi

# ---- 9b. the language server, through a scripted client --------------------
if [ "$rel_ok" = 1 ]; then
    suite "lsp (release)" lsp /usr/bin/python3 tests/lsp/client.py build/release/vouch
else
    cannot "lsp (release)" "no release binary"
fi
if [ "$asan_ok" = 1 ]; then
    suite "lsp (asan)" lsp /usr/bin/python3 tests/lsp/client.py build/asan/vouch
else
    cannot "lsp (asan)" "no asan binary"
fi

# ---- 10. browser -----------------------------------------------------------------
if [ "$rel_ok" = 1 ]; then
    suite "browser" browser sh tests/browser/soa_html.sh build/release/vouch
else
    cannot "browser" "no release binary"
fi

# ---- 11. layers ---------------------------------------------------------------
if [ "$rel_ok" = 1 ]; then
    suite "layers" layers sh tests/layers.sh build/release
else
    cannot "layers" "no release build"
fi

# ---- 12. help and install -------------------------------------------------------
if [ "$rel_ok" = 1 ]; then
    suite "help" help sh tests/help.sh build/release/vouch
    suite "install" install sh tests/install.sh
else
    cannot "help" "no release binary"
    cannot "install" "no release binary"
fi

# ---- summary --------------------------------------------------------------------
variants=""
[ "$rel_ok" = 1 ] && variants=release
[ "$asan_ok" = 1 ] && variants=${variants:+$variants+}asan
extra=""
[ -n "$broken" ] && extra="; could not run:$broken"
echo "vouch tests: $passed passed, $failed failed (unit $n_unit, golden $n_golden, docs $n_docs, reference $n_reference, packs $n_packs, pg $n_pg, pg-golden $n_pggolden, fuzz $n_fuzz, robust $n_robust, outputs $n_outputs, explain $n_explain, lsp $n_lsp, browser $n_browser, layers $n_layers, help $n_help, install $n_install; variants ${variants:-none}$extra)"
[ "$failed" -eq 0 ] && [ -z "$broken" ]
