/*
 * vm_parallel.c: a run's rules on two threads, each reading the store
 * through its own reader of one snapshot.
 *
 * Rules are independent: each reads the store and records its own
 * outcomes. So two VMs can share the work, each taking the next rule nobody
 * has taken (vouch_vm_run_part), with one memory budget between them; the
 * outcomes are merged and sorted as one VM would have left them. So are
 * the rows of a rule's outer loop: a VM with no rule left helps with the
 * one still running, its cursor taking rows a few at a time
 * (vouch_rule_share, vouch_facts_share_rows), so one long rule does not
 * leave a thread idle (scale M, the reference rules: rule R2 took 10 of
 * the 12 ms while the other thread idled for 4). A shared rule that
 * failed or ran out of steps runs again on one VM (settle_shared), so its
 * outcome never depends on the sharing.
 *
 * The one thing that must not change is what the run reads: every rule
 * sees one snapshot of the store. The store promises it
 * (vouch_facts_snapshot_take, vouch_facts_reader_open: facts.h), or says it
 * cannot, and then the run stays on one thread; so does a reader that
 * cannot be opened.
 *
 * Also on one thread: explain runs and runs of one rule, programs of one
 * rule that has no outer loop over a fact to share, one CPU,
 * VOUCH_THREADS=1 in the environment, and a run given its own memory
 * limit (which rule meets a shared limit first would depend on timing,
 * and the message names it).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vm.h"
#include "alloc.h"
#include "explain.h"

typedef struct worker {
    const vouch_program *p;
    const vouch_facts_snapshot *snap; /* the snapshot its reader reads */
    cpu_set_t cpus;          /* the CPUs the process may run on */
    int restore;             /* started away from the first thread's CPU: restore cpus */
    const vouch_run_env *env;
    vouch_rule_queue *queue;
    vouch_mem_budget *budget;
    int ran;                 /* 1: it took rules from the queue */
    vouch_results res;
    vouch_error err;
    vouch_status st;
} worker;

/* The second thread: its own reader of the snapshot, opened while the
 * first thread already runs rules; then rules from the queue, unless no
 * reader could be had (then the first takes every rule). The reader is
 * closed here, while the first thread may still be running. */
static void *work(void *arg)
{
    worker *w = arg;
    vouch_facts *f;
    w->st = VOUCH_OK;
    if (w->restore)
        (void)sched_setaffinity(0, sizeof w->cpus, &w->cpus);
    if (vouch_facts_reader_open(w->snap, &f) != VOUCH_READER)
        return NULL;
    w->ran = 1;
    w->st = vouch_vm_run_part(w->p, f, w->env, w->queue, w->budget, &w->res, &w->err);
    vouch_facts_close(f);
    return NULL;
}

/* A new thread is woken on its creator's CPU, and the scheduler moves one
 * of the two to an idle CPU only at its next balancing, milliseconds later
 * (measured: the second thread's first rule began 1.5 to 3.5 ms after the
 * first's, a run being 10 to 15 ms). So the thread starts on one of the
 * other CPUs the process may use, and lifts that restriction itself as
 * soon as it runs (work), leaving the scheduler free from then on. */
static void start_elsewhere(pthread_attr_t *attr, worker *w)
{
    cpu_set_t others;
    int me = sched_getcpu();
    if (me < 0 || sched_getaffinity(0, sizeof w->cpus, &w->cpus) != 0 || !CPU_ISSET(me, &w->cpus) ||
        CPU_COUNT(&w->cpus) < 2)
        return;
    others = w->cpus;
    CPU_CLR(me, &others);
    w->restore = pthread_attr_setaffinity_np(attr, sizeof others, &others) == 0;
}

static int wants_threads(const vouch_program *p, const vouch_run_env *env)
{
    const char *n = getenv("VOUCH_THREADS");
    int one = p->nrules == 0 || (p->nrules == 1 && p->rules[0].outer_plan == VOUCH_NO_PLAN);
    return !((n && strcmp(n, "1") == 0) || env->explain || env->one_rule || env->memory_limit || one ||
             sysconf(_SC_NPROCESSORS_ONLN) < 2);
}

/* Moves b's records and outcomes into a (each rule ran in one of them). */
static vouch_status merge(vouch_results *a, vouch_results *b, vouch_error *err)
{
    for (uint32_t r = 0; r < a->nrules && r < b->nrules; r++) {
        vouch_rule_outcome *x = &a->rules[r], *y = &b->rules[r];
        x->passed += y->passed;
        x->failed += y->failed;
        x->not_applicable += y->not_applicable;
        x->stale += y->stale;
        x->waived += y->waived;
        if (y->errored && !x->errored) { /* (both: a shared rule, run again) */
            x->errored = 1;
            x->error = y->error;
            y->error = NULL;
        }
    }
    if (b->nfindings) {
        uint32_t n = a->nfindings + b->nfindings;
        vouch_finding *nf = vouch_realloc(a->findings, (size_t)n * sizeof *nf);
        if (!nf)
            return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        memcpy(nf + a->nfindings, b->findings, (size_t)b->nfindings * sizeof *nf);
        a->findings = nf;
        a->nfindings = a->cap = n;
        b->nfindings = 0; /* they are a's now */
        vouch_results_sort(a);
    }
    return VOUCH_OK;
}

/* Removes rule r's outcome and findings from res. */
static void drop_rule(vouch_results *res, uint32_t r)
{
    uint32_t keep = 0;
    for (uint32_t i = 0; i < res->nfindings; i++) {
        vouch_finding *fd = &res->findings[i];
        if (fd->rule == r) {
            vouch_free(fd->subject);
            vouch_free(fd->message);
            vouch_why_free(fd->why);
        } else {
            res->findings[keep++] = *fd;
        }
    }
    res->nfindings = keep;
    vouch_free(res->rules[r].error);
    memset(&res->rules[r], 0, sizeof res->rules[r]);
}

/* A rule both VMs worked on that failed, or whose two parts together ran
 * past the step budget, runs again on f alone: where it fails, and
 * whether it runs out of steps, must not depend on how its rows were
 * shared. (Rare: a rule error, or a budget nearly spent.) */
static vouch_status settle_shared(const vouch_program *p, vouch_facts *f, const vouch_run_env *env,
                                  vouch_rule_share *share, vouch_mem_budget *budget, vouch_results *out,
                                  vouch_error *err)
{
    uint64_t steps = env->step_budget ? env->step_budget : VOUCH_DEFAULT_STEP_BUDGET;
    for (uint32_t r = 0; r < p->nrules; r++) {
        if (!atomic_load(&share[r].joined) ||
            (!out->rules[r].errored && atomic_load(&share[r].steps) <= steps))
            continue;
        drop_rule(out, r);
        vouch_run_env one = *env;
        one.one_rule = r + 1;
        vouch_results again;
        vouch_status st = vouch_vm_run_part(p, f, &one, NULL, budget, &again, err);
        if (st == VOUCH_OK)
            st = merge(out, &again, err);
        vouch_results_free(&again);
        if (st != VOUCH_OK)
            return st;
    }
    return VOUCH_OK;
}

vouch_status vouch_vm_run_parallel(const vouch_program *p, vouch_facts *f, const vouch_run_env *env,
                                   vouch_results *out, vouch_error *err)
{
    if (!wants_threads(p, env))
        return vouch_vm_run(p, f, env, out, err);
    vouch_mem_budget *budget = vouch_mem_budget_new(env->memory_limit);
    vouch_facts_snapshot *snap = NULL;
    if (!budget || vouch_facts_snapshot_take(f, &snap) != VOUCH_READER) {
        vouch_mem_budget_free(budget);
        return vouch_vm_run(p, f, env, out, err);
    }
    worker w;
    memset(&w, 0, sizeof w);
    w.p = p;
    w.snap = snap;
    w.env = env;
    w.budget = budget;
    vouch_rule_queue queue;
    atomic_init(&queue.next, 0);
    atomic_init(&queue.stop, 0);
    queue.share = vouch_calloc(p->nrules, sizeof *queue.share); /* NULL: rules are not shared */
    w.queue = &queue;
    pthread_t th;
    pthread_attr_t attr;
    int hasattr = pthread_attr_init(&attr) == 0;
    if (hasattr)
        start_elsewhere(&attr, &w);
    /* Without the thread, or until it is ready, this one takes the rules. */
    int started = pthread_create(&th, hasattr ? &attr : NULL, work, &w) == 0;
    if (hasattr)
        pthread_attr_destroy(&attr);
    vouch_status st = vouch_vm_run_part(p, f, env, &queue, budget, out, err);
    if (started)
        pthread_join(th, NULL);
    if (w.ran && st == VOUCH_OK && w.st != VOUCH_OK) {
        st = w.st;
        if (err)
            *err = w.err;
        vouch_results_free(out);
    } else if (w.ran && st == VOUCH_OK) {
        st = merge(out, &w.res, err);
        if (st == VOUCH_OK && queue.share)
            st = settle_shared(p, f, env, queue.share, budget, out, err);
        for (uint32_t r = 0; queue.share && r < p->nrules; r++)
            out->shared += (uint32_t)atomic_load(&queue.share[r].joined);
        if (st != VOUCH_OK)
            vouch_results_free(out);
        else
            out->threads = 2;
    }
    vouch_results_free(&w.res);
    vouch_facts_snapshot_free(snap);
    vouch_mem_budget_free(budget);
    vouch_free(queue.share);
    return st;
}
