/*
 * bench/probe.c: timings the vouch command does not print, for the
 * benchmark (built by bench/bench.sh against build/release/libvouch.a).
 *
 *   probe compile PACK.vouch...        compile + verify, best of 5: "compile_ms N rules R"
 *   probe run FACTS.db PACK.vouch...   one check as of 2026-11-21: the time of each
 *                                      phase and the store's statistics
 *
 * Not part of vouch: it calls the same library functions as `vouch check`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "compile.h"
#include "vm.h"
#include "facts.h"
#include "date.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, fp) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = 0;
    fclose(fp);
    *len = (size_t)n;
    return s;
}

static void diag(void *ctx, const vouch_diag *d)
{
    (void)ctx;
    diag_render(d, stderr);
}

static vouch_program *compile(char **paths, int n, double *ms)
{
    vouch_compile_input in[64];
    if (n > 64)
        return NULL;
    for (int i = 0; i < n; i++) {
        in[i].name = paths[i];
        in[i].text = slurp(paths[i], &in[i].len);
        if (!in[i].text) {
            fprintf(stderr, "probe: cannot read %s\n", paths[i]);
            return NULL;
        }
    }
    double t0 = now_ms();
    vouch_program *p = vouch_compile(in, (size_t)n, diag, NULL);
    vouch_error err;
    if (p && vouch_verify(p, &err) != VOUCH_OK) {
        fprintf(stderr, "probe: does not verify: %s\n", err.msg);
        vouch_program_free(p);
        p = NULL;
    }
    *ms = now_ms() - t0;
    for (int i = 0; i < n; i++)
        free((char *)in[i].text);
    return p;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "compile") == 0) {
        double best = 1e9;
        vouch_program *p = NULL;
        for (int k = 0; k < 5; k++) {
            double ms;
            vouch_program_free(p);
            p = compile(argv + 2, argc - 2, &ms);
            if (!p)
                return 1;
            best = ms < best ? ms : best;
        }
        printf("compile_ms %.1f rules %u plans %u code_words %u\n", best, p->nrules, p->nplans,
               p->ncode);
        vouch_program_free(p);
        return 0;
    }
    if (argc >= 4 && strcmp(argv[1], "run") == 0) {
        double t0 = now_ms(), tc;
        vouch_program *p = compile(argv + 3, argc - 3, &tc);
        if (!p)
            return 1;
        vouch_facts *f;
        vouch_error err;
        double t1 = now_ms();
        if (vouch_facts_open(argv[2], &f, &err) != VOUCH_OK ||
            vouch_facts_bind(f, p, VOUCH_AS_OF_ANY, &err) != VOUCH_OK) {
            fprintf(stderr, "probe: %s\n", err.msg);
            return 1;
        }
        double t2 = now_ms();
        vouch_run_env env;
        memset(&env, 0, sizeof env);
        date_parse("2026-11-21", 10, &env.today);
        env.period_start = date_add_months(date_quarter_start(env.today), -12);
        env.period_end = date_quarter_start(env.today) - 1;
        vouch_results res;
        if (vouch_vm_run(p, f, &env, &res, &err) != VOUCH_OK) {
            fprintf(stderr, "probe: %s\n", err.msg);
            return 1;
        }
        double t3 = now_ms();
        vouch_facts_stats st;
        vouch_facts_get_stats(f, &st);
        printf("compile %.1f ms, open+bind %.1f ms, run %.1f ms, total %.1f ms; %u findings\n",
               tc, t2 - t1, t3 - t2, t3 - t0, res.nfindings);
        printf("plans: %u sql, %u hash at bind; %u switched to hash; %u hash builds, %llu rows\n",
               st.sql_plans, st.hash_plans, st.hash_switched, st.hash_builds,
               (unsigned long long)st.hash_rows);
        printf("seeks %llu, rows %llu, cache hits %llu, cache entries %llu\n",
               (unsigned long long)st.seeks, (unsigned long long)st.rows,
               (unsigned long long)st.cache_hits, (unsigned long long)st.cache_entries);
        if (getenv("PROBE_PLANS"))
            for (uint32_t i = 0; i < p->nplans; i++)
                printf("  plan %u (%s): %s\n", i, p->rules[p->plans[i].rule].id,
                       vouch_facts_describe(f, i));
        vouch_results_free(&res);
        vouch_facts_close(f);
        vouch_program_free(p);
        return 0;
    }
    fprintf(stderr, "usage: probe compile PACK.vouch... | probe run FACTS.db PACK.vouch...\n");
    return 2;
}
