#include "glpk_bridge.h"

#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    jmp_buf env;
} guard_t;

static void on_glpk_error(void *info) { longjmp(((guard_t *)info)->env, 1); }

/* With --verbose GLPK's log goes to stderr: standard output is the tool's results. */
static int log_to_stderr(void *info, const char *text) {
    (void)info;
    fputs(text, stderr);
    return 1;
}

static void set_output(int verbose) {
    glp_term_out(verbose ? GLP_ON : GLP_OFF);
    glp_term_hook(verbose ? log_to_stderr : NULL, NULL);
}

static int bound_type(double lower, double upper) {
    int has_lower = isfinite(lower), has_upper = isfinite(upper);
    if (!has_lower && !has_upper) return GLP_FR;
    if (!has_upper) return GLP_LO;
    if (!has_lower) return GLP_UP;
    return lower == upper ? GLP_FX : GLP_DB;
}

static double finite_or_zero(double x) { return isfinite(x) ? x : 0.0; }

/* Builds a glp_prob from the model; GLPK errors longjmp out through the caller's guard. */
static glp_prob *build(const dp_model *m) {
    glp_prob *P = glp_create_prob();
    glp_set_obj_dir(P, m->maximize ? GLP_MAX : GLP_MIN);
    glp_set_obj_coef(P, 0, m->objective_constant);
    if (m->num_rows > 0) glp_add_rows(P, m->num_rows);
    if (m->num_cols > 0) glp_add_cols(P, m->num_cols);
    for (int j = 0; j < m->num_cols; j++) {
        double lo = m->col_lower[j], up = m->col_upper[j];
        glp_set_col_bnds(P, j + 1, bound_type(lo, up), finite_or_zero(lo), finite_or_zero(up));
        glp_set_obj_coef(P, j + 1, m->objective[j]);
        if (m->col_is_integer[j]) glp_set_col_kind(P, j + 1, GLP_IV);
        if (m->col_names) glp_set_col_name(P, j + 1, m->col_names[j]);
    }
    for (int i = 0; i < m->num_rows; i++) {
        double lo = m->row_lower[i], up = m->row_upper[i];
        glp_set_row_bnds(P, i + 1, bound_type(lo, up), finite_or_zero(lo), finite_or_zero(up));
        if (m->row_names) glp_set_row_name(P, i + 1, m->row_names[i]);
    }
    if (m->num_nonzeros > 0) {
        int *ia = malloc(sizeof(int) * (size_t)(m->num_nonzeros + 1));
        int *ja = malloc(sizeof(int) * (size_t)(m->num_nonzeros + 1));
        double *ar = malloc(sizeof(double) * (size_t)(m->num_nonzeros + 1));
        for (int i = 0; i < m->num_rows; i++) {
            for (int k = m->row_start[i]; k < m->row_start[i + 1]; k++) {
                ia[k + 1] = i + 1;
                ja[k + 1] = m->col_index[k] + 1;
                ar[k + 1] = m->value[k];
            }
        }
        glp_load_matrix(P, m->num_nonzeros, ia, ja, ar);
        free(ia);
        free(ja);
        free(ar);
    }
    return P;
}

typedef struct {
    const dp_model *model;
    const double *warm_start;
    int warm_start_offered;
    double bound;        /* best bound seen in the search; NAN until one is seen */
    double last_poll;    /* glp_time() of the last bound poll */
    long nodes;
} search_t;

/* Tracks the best bound (GLPK has no post-solve call for it) and offers the warm start once. */
static void on_search_event(glp_tree *tree, void *info) {
    search_t *s = info;
    int total = 0;
    glp_ios_tree_size(tree, NULL, NULL, &total);
    s->nodes = total;
    switch (glp_ios_reason(tree)) {
    case GLP_IHEUR:
        if (s->warm_start && !s->warm_start_offered) {
            s->warm_start_offered = 1;
            int n = s->model->num_cols;
            double *x = malloc(sizeof(double) * (size_t)(n + 1));
            for (int j = 0; j < n; j++) x[j + 1] = s->warm_start[j];
            glp_ios_heur_sol(tree, x);
            free(x);
        }
        break;
    case GLP_ISELECT: {
        /* glp_ios_best_node walks every open node: poll at most every 50 ms. */
        double now = glp_time();
        if (isnan(s->bound) || now - s->last_poll >= 50) {
            s->last_poll = now;
            int node = glp_ios_best_node(tree);
            if (node != 0) s->bound = glp_ios_node_bound(tree, node);
        }
        break;
    }
    default:
        break;
    }
}

static void copy_values(glp_prob *P, int n, int mip, double *values) {
    for (int j = 0; j < n; j++) values[j] = mip ? glp_mip_col_val(P, j + 1) : glp_get_col_prim(P, j + 1);
}

void dp_glpk_solve(const dp_model *m, const dp_glpk_options *o, dp_result *r) {
    guard_t guard;
    glp_prob *volatile P = NULL;
    r->status = DP_ERROR;
    r->objective = NAN;
    r->bound = NAN;
    r->nodes = 0;
    r->message[0] = 0;
    if (setjmp(guard.env)) {
        /* GLPK's state is unusable after an error: free all of this thread's GLPK memory. */
        glp_free_env();
        r->status = DP_ERROR;
        snprintf(r->message, sizeof r->message, "GLPK stopped with an internal error");
        return;
    }
    glp_error_hook(on_glpk_error, &guard);
    set_output(o->verbose);
    double started = glp_time();
    P = build(m);

    int has_integers = 0;
    for (int j = 0; j < m->num_cols; j++) has_integers |= m->col_is_integer[j];

    glp_smcp lp;
    glp_init_smcp(&lp);
    lp.msg_lev = o->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
    if (o->time_limit > 0) lp.tm_lim = (int)fmin(o->time_limit * 1000, 2e9);
    int ret = glp_simplex(P, &lp);
    int lp_status = glp_get_status(P);
    if (ret == GLP_ETMLIM) {
        r->status = DP_NO_SOLUTION;
        snprintf(r->message, sizeof r->message, "time limit reached in the LP relaxation");
    } else if (ret != 0) {
        snprintf(r->message, sizeof r->message, "GLPK simplex failed (code %d)", ret);
    } else if (lp_status == GLP_NOFEAS) {
        r->status = DP_INFEASIBLE;
    } else if (lp_status == GLP_UNBND) {
        r->status = DP_UNBOUNDED;
    } else if (lp_status != GLP_OPT) {
        snprintf(r->message, sizeof r->message, "GLPK simplex ended with status %d", lp_status);
    } else if (!has_integers) {
        r->status = DP_OPTIMAL;
        r->objective = glp_get_obj_val(P);
        r->bound = r->objective;
        copy_values(P, m->num_cols, 0, r->values);
    } else {
        search_t search = {m, o->warm_start, 0, NAN, 0, 0};
        double relaxation = glp_get_obj_val(P);
        glp_iocp mip;
        glp_init_iocp(&mip);
        mip.msg_lev = o->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
        mip.mip_gap = o->relative_gap;
        mip.cb_func = on_search_event;
        mip.cb_info = &search;
        if (o->time_limit > 0) {
            double left = o->time_limit * 1000 - (glp_time() - started);
            mip.tm_lim = (int)fmax(1, fmin(left, 2e9));
        }
        ret = glp_intopt(P, &mip);
        int mip_status = glp_mip_status(P);
        int has_solution = mip_status == GLP_OPT || mip_status == GLP_FEAS;
        r->nodes = search.nodes;
        if (has_solution) {
            r->objective = glp_mip_obj_val(P);
            copy_values(P, m->num_cols, 1, r->values);
        }
        /* The bound: the LP relaxation, tightened by what the search proved. */
        double tracked = search.bound;
        double bound = relaxation;
        if (!isnan(tracked)) bound = m->maximize ? fmin(bound, tracked) : fmax(bound, tracked);
        if (ret == 0 && mip_status == GLP_OPT) {
            r->status = DP_OPTIMAL;
            r->bound = r->objective;
        } else if (ret == 0 && mip_status == GLP_NOFEAS) {
            r->status = DP_INFEASIBLE;
        } else if (ret == GLP_EMIPGAP && has_solution) {
            /* GLPK stopped because |obj - bound| <= mip_gap (|obj| + eps): that bound is proven. */
            double slack = o->relative_gap * (fabs(r->objective) + 2.2e-16);
            double proven = m->maximize ? r->objective + slack : r->objective - slack;
            r->bound = m->maximize ? fmin(bound, proven) : fmax(bound, proven);
            r->status = DP_OPTIMAL;
        } else if (ret == GLP_ETMLIM || ret == GLP_ESTOP) {
            r->status = has_solution ? DP_FEASIBLE : DP_NO_SOLUTION;
            r->bound = bound;
        } else {
            snprintf(r->message, sizeof r->message, "GLPK branch-and-bound failed (code %d)", ret);
        }
    }
    glp_delete_prob(P);
    glp_error_hook(NULL, NULL);
}

int dp_glpk_write(const dp_model *m, int format, const char *path, char *message, size_t message_size) {
    guard_t guard;
    glp_prob *volatile P = NULL;
    if (setjmp(guard.env)) {
        glp_free_env();
        snprintf(message, message_size, "GLPK stopped with an internal error");
        return 1;
    }
    glp_error_hook(on_glpk_error, &guard);
    set_output(0);
    P = build(m);
    int ret = format == 0 ? glp_write_lp(P, NULL, path) : glp_write_mps(P, GLP_MPS_FILE, NULL, path);
    glp_delete_prob(P);
    glp_error_hook(NULL, NULL);
    if (ret != 0) snprintf(message, message_size, "cannot write the file");
    return ret;
}

int dp_glpk_read(int format, const char *path, void **problem, char *message, size_t message_size) {
    guard_t guard;
    glp_prob *volatile P = NULL;
    if (setjmp(guard.env)) {
        glp_free_env();
        snprintf(message, message_size, "GLPK stopped with an internal error");
        return 1;
    }
    glp_error_hook(on_glpk_error, &guard);
    set_output(0);
    P = glp_create_prob();
    int ret = format == 0 ? glp_read_lp(P, NULL, path) : glp_read_mps(P, GLP_MPS_FILE, NULL, path);
    glp_error_hook(NULL, NULL);
    if (ret != 0) {
        glp_delete_prob(P);
        snprintf(message, message_size, "not a readable %s file", format == 0 ? "CPLEX LP" : "MPS");
        return 1;
    }
    *problem = P;
    return 0;
}

void dp_glpk_free(void *problem) { glp_delete_prob(problem); }
