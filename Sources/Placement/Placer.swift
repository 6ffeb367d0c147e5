import MILP
import PlacementModel

/// How to place: the method, its solver and its limits.
public struct SolveRequest: Sendable {
    public var objective: Objective
    public var method: Method = .auto
    public var solver: SolverBackend = .cbc
    /// Wall-clock seconds for the solver.
    public var timeLimit: Double = 60
    /// Relative gap at which a MILP stops and calls its plan optimal.
    public var gap: Double = defaultGap
    public static let defaultGap = 1e-6
    /// The same gap in the solvers' terms: they stop at (objective − bound) / objective ≤ g,
    /// and g = gap / (1 + gap) makes that SPEC's (value − bound) / bound ≤ gap.
    var solverGap: Double { gap / (1 + gap) }
    /// The gap of the solves inside a method whose job is a better bound or plan rather than
    /// the final proof (the assignment relaxation, neighbourhood windows): a loose requested gap
    /// stopped them early. With `--gap 0.05`, 40 layers, 60 s, the relaxation's bound was 6.001
    /// instead of 6.099 ms and the windows returned their warm starts, so the plan stayed at
    /// 6.537 ms, 8.9% from the bound, where the default gap reaches 6.275 ms.
    var searchGap: Double { min(gap, Self.defaultGap) / (1 + min(gap, Self.defaultGap)) }
    /// The value at which a plan is optimal within the requested gap of a proven lower bound
    /// (at a gap of 0 this still covers all-zero costs).
    func target(above bound: Double) -> Double { bound * (1 + max(gap, 1e-12)) }
    public var threads: Int = 1
    public var verbose = false
    /// Symmetry breaking between interchangeable devices (off only to measure its effect).
    public var breakSymmetry = true
    /// Start the MILP from the greedy plan (off only to measure its effect).
    public var warmStart = true
    /// Write the MILP to this .lp or .mps file before solving.
    public var writeModel: String?
    /// Seed of the randomised methods.
    public var seed: UInt64 = 1
    /// Told, in a line, each phase a long solve reaches (warm start, relaxation, MILP, modules),
    /// so that a person waiting knows what is happening.
    public var progress: (@Sendable (String) -> Void)?

    public init(objective: Objective) { self.objective = objective }
}

public enum Method: String, CaseIterable, Sendable {
    /// The exact MILP when it is likely to close within the limit, else the heuristic portfolio.
    case auto
    /// The exact MILP (SPEC §3) on GLPK or CBC.
    case milp
    /// Modularity-based splitting into modules solved by the MILP in topological order (SPEC §5).
    case split
    /// Earliest-finish (latency) or least-period (throughput) greedy in topological order.
    case greedy
    /// HEFT: upward-rank order, earliest finish with insertion, precisions under the budget.
    case heft
    /// The best plan that uses a single device (the naive baseline).
    case single
    /// Optimal contiguous split of a topological order over an ordering of the devices (throughput).
    case dp
    /// A seeded random valid plan: a random allowed option per layer, drawn again (up to
    /// `Placer.randomDraws` times) when a draw leaves a later layer no memory or budget.
    case random
    /// Local search from the best of the portfolio (greedy, HEFT, single, and dp for throughput),
    /// then kicks (`LocalSearch`) until the time limit or a proven lower bound.
    case local
}

/// Runs a placement method and returns its evaluated plan, bound and status.
public enum Placer {
    /// The time limit when the user gives none: a minute, except for the heuristics on large
    /// graphs (over 2,000 layers), which answer within 8 s.
    public static func defaultTimeLimit(_ problem: Problem, _ method: Method) -> Double {
        switch method {
        case .split, .auto, .local: problem.layerCount > 2_000 ? 8 : 60
        default: 60
        }
    }

    /// How many times `random` draws a plan before it reports none. A fuzzed instance where two
    /// 100 KB layers need two of three empty 100 KB devices had no plan from half of the seeds'
    /// single draws: small layers drawn onto two of those devices first.
    static let randomDraws = 16

    /// Layer counts up to which `auto` picks the MILP method (results/milp.md, split.md,
    /// auto.md, bundled.md). Throughput closes 60 layers in 2.5 to 9.2 s and at 100 to 200
    /// layers ends 0.5 to 1% better than split within 60 s. Latency closes only up to about 20
    /// layers on wide DAGs (40 on two of three narrow fp32 chains, milp-narrow-fp32/milp.md);
    /// above that both methods' plans come from time-limited searches, and the MILP method's
    /// (the relaxation's bound, kicks, windows, kicks) was mostly the better one. In auto.md at
    /// 10 s it was ahead of split by 0.8 to 2.6% at 60 to 200 layers and 3.0% on the bundled
    /// RandWire network (88 layers), equal on ResNet-50 (72) and BERT (97); at 60 s ahead by 0.05
    /// to 1.3% at 150 and 200 layers, within 2.0% either way at 40 to 100 layers and on
    /// RandWire. At 250 and 300 layers (60 s, seeds 1 to 3 and 1 to 2, split with its later
    /// windows): 45.332, 52.329, 46.703 against 45.996, 52.723, 47.398 ms and 54.438, 60.902
    /// against 55.318, 61.375 ms. So up to the size where the MILP method stops building the
    /// full latency model.
    static let exactLimit: [Objective: Int] = [.latency: ExactPlacement.modelLayerLimit[.latency]!, .throughput: 120]

    /// Why the MILP method does not hand the instance's full model to the solver, or nil when it
    /// does: not above `ExactPlacement.modelLayerLimit` layers, where the first LP alone outran the limit.
    public static func fullModelSkipReason(_ problem: Problem, _ objective: Objective) -> String? {
        let limit = ExactPlacement.modelLayerLimit[objective]!
        guard problem.layerCount > limit else { return nil }
        return "the \(objective) MILP is not solved above \(limit) layers (its first LP alone outruns the time limit)"
    }

    public static func solve(_ problem: Problem, _ request: SolveRequest) throws -> PlacementResult {
        let clock = ContinuousClock.now
        if let reason = Feasibility.infeasibilityReason(problem) {
            return PlacementResult(
                method: request.method.rawValue, status: .infeasible, seconds: elapsed(since: clock),
                message: "infeasible: \(reason)")
        }
        var result = try dispatch(problem, request)
        if request.objective == .latency, let plan = result.assignment, let evaluation = result.evaluation {
            // The best schedule for the plan's assignment: its own, list or insertion scheduling.
            var inserted = plan
            inserted.start = problem.insertionSchedule(plan)
            let candidate = problem.evaluate(inserted)
            if candidate.isValid, candidate.latency < evaluation.latency * (1 - 1e-12) {
                result.assignment = inserted
                result.evaluation = candidate
            }
        }
        // Whatever the method, a plan within the requested gap of a proven bound is optimal.
        if result.status == .feasible, let evaluation = result.evaluation, let bound = result.lowerBound,
            evaluation.value(request.objective) <= request.target(above: bound)
        {
            result.status = .optimal
        }
        result.seconds = elapsed(since: clock)
        return result
    }

    private static func dispatch(_ problem: Problem, _ request: SolveRequest) throws -> PlacementResult {
        let objective = request.objective
        switch request.method {
        case .milp:
            return try ExactPlacement.solve(problem, request)
        case .split:
            return try SplitPlacement.solve(problem, request)
        case .greedy:
            return heuristic(problem, request) { Greedy.place(problem, objective: objective) }
        case .heft:
            return heuristic(problem, request) {
                Greedy.place(problem, objective: objective, rule: .earliestFinish, order: .upwardRank, insertion: true)
            }
        case .single:
            return heuristic(problem, request) { bestSingleDevice(problem, objective) }
        case .dp:
            return heuristic(problem, request) { ContiguousSplit.place(problem) }
        case .random:
            return heuristic(problem, request) {
                (0..<UInt64(Self.randomDraws)).lazy.compactMap { draw in
                    Greedy.place(problem, objective: objective, rule: .random(seed: request.seed &+ draw &* 0x9E37_79B9_7F4A_7C15))
                }.first
            }
        case .local:
            let deadline = ContinuousClock.now + .seconds(request.timeLimit)
            // The bound first: kicks stop at it rather than run to the limit.
            let bounds = LowerBounds.withSolution(problem, objective, solver: request.solver)
            let bound = LowerBounds.best(bounds.bounds)
            return heuristic(problem, request, lowerBound: bound) {
                portfolio(problem, objective, fractional: bounds.fractional).map { plan in
                    // Optional chaining evaluates the line (and the plan) only for a reader.
                    request.progress?(
                        "local search from \(describe(problem.evaluate(plan).value(objective), objective)), then kicks until the time limit")
                    return LocalSearch.improve(
                        problem, from: plan, objective: objective, deadline: deadline, kicks: .max, target: request.target(above: bound))
                }
            }
        case .auto:
            let exact = problem.layerCount <= exactLimit[objective]!
            var result = exact ? try ExactPlacement.solve(problem, request) : try SplitPlacement.solve(problem, request)
            result.method = exact ? "auto (milp)" : "auto (split)"
            return result
        }
    }

    /// The best of the quick constructive heuristics: greedy, HEFT, the best single device and,
    /// for throughput, the roundings of the fractional relaxation's solution, one per
    /// `LPRounding.Rule`, when the caller has it (`LowerBounds.withSolution`), and the
    /// contiguous-split DP unless a rounding is within `dpSkipGap` of the relaxation's bound.
    /// (For latency the LP's rounding lost to HEFT at 100, 300 and 1,000 generated layers, and
    /// its LP took 1.7 s at 1,000.)
    static func portfolio(_ problem: Problem, _ objective: Objective, fractional: FractionalSolution? = nil) -> Assignment? {
        func best(_ plans: [Assignment?]) -> (Assignment, Evaluation)? {
            plans.compactMap { $0 }.map { ($0, problem.evaluate($0)) }.filter { $0.1.isValid }
                .min { $0.1.value(objective) < $1.1.value(objective) }
        }
        var plans = [
            Greedy.place(problem, objective: objective),
            Greedy.place(problem, objective: objective, rule: .earliestFinish, order: .upwardRank, insertion: true),
            bestSingleDevice(problem, objective),
        ]
        guard objective == .throughput else { return best(plans)?.0 }
        plans += LPRounding.Rule.allCases.map { rule in fractional.map { LPRounding.place(problem, $0, rule: rule) } }
        guard let known = best(plans) else { return best([ContiguousSplit.place(problem)])?.0 }
        if let fractional, known.1.period <= fractional.bound * (1 + dpSkipGap) { return known.0 }
        // The best period so far prunes the contiguous split's dynamic programme.
        return best([known.0, ContiguousSplit.place(problem, below: known.1.period)])?.0
    }

    /// The contiguous split's DP takes n² steps (5.8 s for 10,000 generated layers on this
    /// machine, where the rounding was 0.0072% above the bound): it is skipped when a plan is
    /// already within this share of the bound, which no plan beats.
    static let dpSkipGap = 1e-3

    /// Every layer on one device (each device tried; pinned layers stay on their pins),
    /// precisions chosen greedily under the budget.
    static func bestSingleDevice(_ problem: Problem, _ objective: Objective) -> Assignment? {
        (0..<problem.deviceCount).compactMap { Greedy.place(problem, objective: objective, devices: [$0]) }
            .map { ($0, problem.evaluate($0)) }.filter { $0.1.isValid }
            .min { $0.1.value(objective) < $1.1.value(objective) }?.0
    }

    /// Wraps a heuristic: evaluation and lower bound (`solve` times every method), unless the
    /// bound is given.
    static func heuristic(_ problem: Problem, _ request: SolveRequest, lowerBound: Double? = nil, _ place: () -> Assignment?)
        -> PlacementResult
    {
        let method = request.method.rawValue
        var result = PlacementResult(method: method, status: .unknown)
        if let plan = place() {
            let evaluation = problem.evaluate(plan)
            if evaluation.isValid {
                result.status = .feasible
                result.assignment = plan
                result.evaluation = evaluation
                result.lowerBound = lowerBound ?? LowerBounds.best(LowerBounds.all(problem, request.objective, solver: request.solver))
            } else {
                result.status = .error
                result.message = "internal error: the \(method) plan failed evaluation: \(evaluation.violations[0])"
            }
        } else {
            result.message = "\(method) found no plan that fits memory and the accuracy budget"
        }
        return result
    }
}

/// A value of the objective for a progress line: "latency 6.68 ms", "period 24.9 ms".
func describe(_ value: Double, _ objective: Objective) -> String {
    "\(objective == .latency ? "latency" : "period") \(formatSeconds(value))"
}

/// Seconds since `start`.
func elapsed(since start: ContinuousClock.Instant) -> Double {
    let duration = ContinuousClock.now - start
    return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
