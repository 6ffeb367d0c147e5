import MILP
import PlacementModel

/// The exact method: a heuristic plan as upper bound and warm start, the objective's MILP on
/// GLPK or CBC, and the solution re-evaluated by the evaluator, whose figure is reported. For
/// latency, the assignment relaxation's bound and the neighbourhood search's plan come first;
/// when the search reaches a plan close to that bound, the full MILP gets a slice to prove it.
/// (`Placer.solve` has already ruled out the cheaply provable infeasibilities, and times the run.)
enum ExactPlacement {
    static func solve(_ problem: Problem, _ request: SolveRequest) throws -> PlacementResult {
        var run = ExactRun(problem, request)
        if let done = try run.answerIfOptimal() { return done }
        if let reason = Placer.fullModelSkipReason(problem, request.objective),
            let done = try run.answer(.feasible, message: reason + "; this is the heuristic warm start, and --method split searches further")
        {
            return done
        }
        if request.objective == .latency { return try run.latencyPhases() }
        let full = run.formulation()
        guard let skip = run.fullModelSkip(full, seconds: request.timeLimit - run.secondsElapsed) else {
            return try run.answerWithFullModel(full)
        }
        return try run.kickUntilTheLimit(skipping: skip)
    }

    /// Above these sizes the MILP is not handed to the solver: CBC's first LP alone outran any
    /// useful limit. Latency, above the size where its cuts stop: 500 layers, 106 s of a 10 s
    /// limit; there the relaxation raised no bound (2,000 layers: 363.5 ms, the LP's) and the
    /// search's windows improved nothing in 9 s (500 layers). Throughput, above the fractional
    /// LP's limit: 2,000 layers took 11.5 s of a 5 s limit, 10,000 layers over 5 minutes of 10 s.
    static let modelLayerLimit: [Objective: Int] = [.latency: LatencyFormulation.cutLimit, .throughput: LowerBounds.lpLayerLimit]

    /// A value no optimal plan exceeds when any plan exists: every layer at its dearest cost and
    /// every edge at its slowest transfer, twice (a device with commOverlap off pays both ends).
    /// An ASAP schedule's makespan, and every device or link load, are at most that.
    static func trivialUpperBound(_ problem: Problem) -> Double {
        let graph = problem.graph
        var total = problem.options.reduce(0) { $0 + ($1.map(\.cost).max() ?? 0) }
        for u in 0..<problem.layerCount {
            for i in graph.successorStart[u]..<graph.successorStart[u + 1] {
                let slowest = problem.options[u].flatMap { option in
                    (0..<problem.deviceCount).map {
                        problem.transferTime(successorEntry: i, from: u, precision: option.precision, option.device, $0)
                    }
                }.max() ?? 0
                total += 2 * slowest
            }
        }
        return total
    }
}
