import MILP
import PlacementModel

/// The assignment relaxation of latency: `LatencyFormulation` without the one-at-a-time rows
/// (choices, precedence with transfer times, memory, budget, and the load and work cuts).
/// Proof sketch: every plan's schedule satisfies all of its rows (the cuts hold for any
/// schedule, see `LatencyFormulation`), so its optimum, and the solver's bound on it, are at
/// most the optimal latency. With no big-M pairs it solves far faster than the full model, and
/// its assignment, scheduled with insertion, is a candidate plan. Not imposed on the full
/// model's makespan: on a 20-layer instance that kept CBC from proving an optimum it proves
/// without it (the LP optimum sits on a degenerate face).
enum AssignmentRelaxation {
    /// Solves the relaxation for up to `timeLimit` seconds: its proven bound (0 without one),
    /// whether the solver proved that bound is the relaxation's optimum or proved the
    /// relaxation infeasible, and, when the solver found an assignment, that assignment with an
    /// insertion schedule.
    ///
    /// `upperBound` is the latency of a known plan; the relaxation covers only plans at least as
    /// good (its windows and option fixing use it), so the bound that holds for every plan is
    /// the smaller of the two. A better known plan gives a smaller model whose optimum is no lower.
    static func solve(
        _ problem: Problem, _ request: SolveRequest, upperBound: Double, warmStart: (Assignment, Evaluation)?,
        timeLimit: Double
    ) throws -> (bound: Double, proven: Bool, infeasible: Bool, plan: (Assignment, Evaluation)?) {
        let relaxation = LatencyFormulation(problem, upperBound: upperBound, breakSymmetry: request.breakSymmetry, disjunctive: false)
        let options = SolveOptions(
            timeLimit: max(timeLimit, 0.01), relativeGap: request.searchGap, threads: request.threads,
            warmStart: request.warmStart ? warmStart.flatMap { relaxation.startValues($0.0, $0.1, value: $0.1.latency) } : nil,
            verbose: request.verbose)
        let solved = try request.solver.solver.solve(relaxation.model, options: options)
        let bound = solved.bound.map { $0 / relaxation.timeScale } ?? 0
        let proven = solved.status == .optimal
        guard let values = solved.values else { return (bound, proven, solved.status == .infeasible, nil) }
        var plan = relaxation.plan(from: values)
        plan.start = problem.insertionSchedule(plan)
        let evaluation = problem.evaluate(plan)
        return (bound, proven, false, evaluation.isValid ? (plan, evaluation) : nil)
    }
}
