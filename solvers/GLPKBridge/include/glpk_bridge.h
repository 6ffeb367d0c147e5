// GLPK behind one guarded call. GLPK aborts the process on API misuse and keeps its state per
// thread; this bridge builds, solves and frees a problem inside one C call on one thread, with
// glp_error_hook + longjmp turning any GLPK error into a returned status (setjmp cannot be
// called from Swift). Indices are 0-based here and translated to GLPK's 1-based arrays.
#ifndef DNNPLACE_GLPK_BRIDGE_H
#define DNNPLACE_GLPK_BRIDGE_H

#include <stddef.h>

typedef struct {
    int num_cols, num_rows, num_nonzeros;
    const double *col_lower, *col_upper, *objective;  // ±HUGE_VAL for infinite bounds
    const char *col_is_integer;                        // 0 or 1 per column
    const double *row_lower, *row_upper;
    const int *row_start;                              // CSR: num_rows + 1 entries
    const int *col_index;
    const double *value;
    double objective_constant;
    int maximize;
    const char *const *col_names;                      // NULL, or num_cols names
    const char *const *row_names;                      // NULL, or num_rows names
} dp_model;

typedef struct {
    double time_limit;        // seconds; <= 0 for none
    double relative_gap;      // mip_gap
    int verbose;              // GLPK's log on stderr
    const double *warm_start; // NULL, or num_cols values offered as an incumbent
} dp_glpk_options;

enum {
    DP_OPTIMAL = 0,
    DP_FEASIBLE = 1,     // stopped at a limit with a solution
    DP_INFEASIBLE = 2,
    DP_UNBOUNDED = 3,
    DP_NO_SOLUTION = 4,  // stopped at a limit without one
    DP_ERROR = 5
};

typedef struct {
    int status;
    double objective;
    double bound;         // best proven bound on the objective (the LP value, or B&B's)
    long nodes;
    double *values;       // caller-allocated, num_cols entries
    char message[256];
} dp_result;

/// Solves the model (LP or MILP) with GLPK.
void dp_glpk_solve(const dp_model *model, const dp_glpk_options *options, dp_result *result);

/// Writes the model with GLPK's writers: format 0 = CPLEX LP, 1 = free MPS. Returns 0 on success.
int dp_glpk_write(const dp_model *model, int format, const char *path, char *message, size_t message_size);

/// Reads a CPLEX LP (format 0) or free MPS (1) file; on success *problem holds a glp_prob the
/// caller reads with glp_get_* and frees with dp_glpk_free. Returns 0 on success.
int dp_glpk_read(int format, const char *path, void **problem, char *message, size_t message_size);
void dp_glpk_free(void *problem);

#endif
