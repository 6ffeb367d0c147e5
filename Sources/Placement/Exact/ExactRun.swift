import MILP
import PlacementModel

/// One run of the exact method: the best plan known (the incumbent), the best lower bound
/// known, and the steps every objective shares — the full MILP below the incumbent, and the
/// answers that end a run. The latency phases that come before the full MILP are in
/// `LatencyPhases.swift`.
struct ExactRun {
    let problem: Problem
    let request: SolveRequest
    let clock = ContinuousClock.now
    /// The best valid plan known, with its evaluation.
    var incumbent: (Assignment, Evaluation)?
    var knownBound: Double
    /// The incumbent's value at the start (a trivial bound without one): the assignment
    /// relaxation's first upper bound.
    let initialUpperBound: Double

    var objective: Objective { request.objective }

    /// Starts from every cheap lower bound and the heuristic portfolio, improved by local search
    /// with kicks for a small share of the time (until the bound, if it gets there). (Kicks, 60
    /// s, CBC, generated seeds 1 to 3, run beside another benchmark, against the plans of
    /// `results/relaxation.md`: 40 layers seed 1 6.258 → 6.234 ms; 60 layers seed 1 10.928 →
    /// 10.76 ms, seed 2 13.454 → 13.345 ms (1.57% from the bound), seed 3 11.895 → 11.785 ms.)
    init(_ problem: Problem, _ request: SolveRequest) {
        self.problem = problem
        self.request = request
        let objective = request.objective
        let bounds = LowerBounds.withSolution(problem, objective, solver: request.solver)
        knownBound = LowerBounds.best(bounds.bounds)
        let searchDeadline = clock + .seconds(min(2, request.timeLimit * 0.05))
        let kicks = problem.layerCount >= Self.warmStartKicksLayers ? Int.max : 0
        let target = request.target(above: knownBound)
        incumbent = Placer.portfolio(problem, objective, fractional: bounds.fractional)
            .map { LocalSearch.improve(problem, from: $0, objective: objective, deadline: searchDeadline, kicks: kicks, target: target) }
            .map { ($0, problem.evaluate($0)) }
            .flatMap { $0.1.isValid ? $0 : nil }
        initialUpperBound = incumbent?.1.value(objective) ?? ExactPlacement.trivialUpperBound(problem)
        request.progress?(
            "heuristic plan: \(incumbent.map { describe($0.1.value(objective), objective) } ?? "none"); "
                + "lower bound \(describe(knownBound, objective))")
    }

    /// Below this many layers the warm start gets no kicks: the MILP proves those instances
    /// faster than kicks improve them (throughput, 20 layers, 60 s: proven in 0.3 s without,
    /// 2.1 s with, `results/milp.md`).
    static let warmStartKicksLayers = 30

    var secondsElapsed: Double { elapsed(since: clock) }

    /// The value at which a plan is optimal within the requested gap of the bound known so far.
    var target: Double { request.target(above: knownBound) }

    /// Keeps `candidate` if it is better than the incumbent.
    mutating func offer(_ candidate: (Assignment, Evaluation)?) {
        guard let candidate, candidate.1.value(objective) < incumbent?.1.value(objective) ?? .infinity else { return }
        incumbent = candidate
    }

    /// The full MILP of the plans no worse than the incumbent (or all plans, without one).
    func formulation() -> any Formulation {
        switch objective {
        case .latency: latencyFormulation()
        case .throughput: ThroughputFormulation(problem, upperBound: upperBound, breakSymmetry: request.breakSymmetry)
        }
    }

    /// The full latency MILP of the plans no worse than the incumbent.
    func latencyFormulation() -> LatencyFormulation {
        LatencyFormulation(problem, upperBound: upperBound, breakSymmetry: request.breakSymmetry)
    }

    private var upperBound: Double { incumbent?.1.value(objective) ?? initialUpperBound }

    /// Solves the full MILP for up to `seconds`, with the incumbent as warm start (and exports
    /// it when asked): the solver's answer, its plan if the evaluator accepts it (else why not),
    /// and its bound in seconds.
    func solveFullModel(_ formulation: any Formulation, seconds: Double) throws
        -> (solved: SolveResult, plan: (Assignment, Evaluation)?, rejection: String?, bound: Double?)
    {
        if let path = request.writeModel { try formulation.model.write(to: path) }
        let warmStart = request.warmStart ? incumbent.flatMap { formulation.startValues($0.0, $0.1, value: $0.1.value(objective)) } : nil
        let options = SolveOptions(
            timeLimit: max(seconds, 0.01), relativeGap: request.solverGap, threads: request.threads, warmStart: warmStart,
            verbose: request.verbose)
        request.progress?(
            "MILP: \(formulation.model.rowCount) rows, \(formulation.model.columnCount) columns; "
                + "\(request.solver.rawValue) for up to \(formatSignificant(options.timeLimit!, digits: 3)) s")
        let solved = try request.solver.solver.solve(formulation.model, options: options)
        // The solver's bound is in scaled time units.
        let bound = solved.bound.map { $0 / formulation.timeScale }
        guard let values = solved.values else { return (solved, nil, nil, bound) }
        let plan = formulation.plan(from: values)
        let evaluation = problem.evaluate(plan)
        guard evaluation.isValid else {
            return (solved, nil, "the solver's plan failed evaluation (\(evaluation.violations[0])); using the heuristic plan", bound)
        }
        return (solved, (plan, evaluation), nil, bound)
    }

    /// When the full MILP is skipped (for `reason`): local search with kicks from the incumbent
    /// until the limit, rather than time left unused, and the answer.
    mutating func kickUntilTheLimit(skipping reason: String) throws -> PlacementResult {
        request.progress?(reason + "; local search with kicks until the limit")
        if let (plan, _) = incumbent {
            let kicked = LocalSearch.improve(
                problem, from: plan, objective: objective, deadline: clock + .seconds(request.timeLimit), kicks: .max, target: target)
            offer((kicked, problem.evaluate(kicked)))
        }
        return try answer(.feasible, message: reason) ?? answerWithFullModel(formulation())
    }

    /// Why the full MILP is not solved for `seconds`: CBC does not check its time limit inside
    /// the root LP (a 250-layer latency model given 1 s of a 60 s limit returned 36 s later;
    /// GLPK keeps its limit but ends at the root with nothing new). Only with a plan known:
    /// without one, only the full MILP can find it.
    func fullModelSkip(_ formulation: any Formulation, seconds: Double) -> String? {
        guard incumbent != nil, formulation.rootSeconds > seconds else { return nil }
        return "full MILP skipped: its root LP (\(formulation.model.rowCount) rows) would take about "
            + "\(formatSignificant(formulation.rootSeconds, digits: 2)) s, more than the \(formatSignificant(max(seconds, 0), digits: 2)) s left"
    }

    /// The answer without the full MILP's verdict: the incumbent and the bound known.
    func answer(_ status: SolveStatus, message: String? = nil) throws -> PlacementResult? {
        guard let (plan, evaluation) = incumbent else { return nil }
        // The exported model is the full MILP even when it is not solved.
        if let path = request.writeModel { try formulation().model.write(to: path) }
        return PlacementResult(
            method: "milp", solver: request.solver.rawValue, status: status, assignment: plan, evaluation: evaluation,
            lowerBound: min(knownBound, evaluation.value(objective)), message: message)
    }

    /// The answer for an instance a solver proved has no plan.
    func infeasible(_ message: String) -> PlacementResult {
        PlacementResult(method: "milp", solver: request.solver.rawValue, status: .infeasible, message: message)
    }

    /// The answer if the incumbent is within the requested gap of the bound known.
    func answerIfOptimal() throws -> PlacementResult? {
        guard let (_, evaluation) = incumbent, evaluation.value(objective) <= target else { return nil }
        return try answer(.optimal)
    }

    /// The full MILP for the time left, and the answer: the better of its plan and the
    /// incumbent, `optimal` only when the solver proved it and the evaluated plan is within the
    /// gap of the best bound.
    func answerWithFullModel(_ formulation: any Formulation) throws -> PlacementResult {
        let (solved, solverPlan, rejection, solverBound) = try solveFullModel(formulation, seconds: request.timeLimit - secondsElapsed)
        // The other bounds hold too.
        let lowerBound = max(knownBound, solverBound ?? 0)
        var result = PlacementResult(method: "milp", solver: request.solver.rawValue, status: .unknown, message: rejection)
        let candidates = [solverPlan, incumbent].compactMap { $0 }
        guard let (plan, evaluation) = candidates.min(by: { $0.1.value(objective) < $1.1.value(objective) }) else {
            switch solved.status {
            case .infeasible:
                return infeasible("infeasible (proved by the solver)")
            case .error, .unbounded:
                result.status = .error
                result.message = "solver failure: \(solved.message ?? solved.status.rawValue)"
            default:
                result.status = .unknown
                result.message = "no plan found within the time limit"
            }
            result.lowerBound = lowerBound
            return result
        }
        let value = evaluation.value(objective)
        result.assignment = plan
        result.evaluation = evaluation
        // A bound above the evaluated value can only be numerical noise of the solver's tolerance.
        result.lowerBound = min(lowerBound, value)
        let provenGap = lowerBound > 0 ? (value - lowerBound) / lowerBound : (value == 0 ? 0 : .infinity)
        result.status = solved.status == .optimal && provenGap <= request.gap + 1e-7 ? .optimal : .feasible
        if solved.status == .optimal, result.status != .optimal {
            // The rejection, if any, says why: the solver's plan failed evaluation.
            result.message = (rejection.map { $0 + "; " } ?? "")
                + "the solver reported optimal, but the evaluated plan is \(formatSignificant(provenGap * 100))% above its bound"
        }
        return result
    }
}
