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
    public var gap: Double = 1e-6
    public var threads: Int = 1
    public var verbose = false
    /// Symmetry breaking between interchangeable devices (off only to measure its effect).
    public var breakSymmetry = true
    /// Start the MILP from the greedy plan (off only to measure its effect).
    public var warmStart = true
    /// Write the MILP to this .lp or .mps file before solving.
    public var writeModel: String?

    public init(objective: Objective) { self.objective = objective }
}

public enum Method: String, CaseIterable, Sendable {
    /// The exact MILP when it is likely to close within the limit, else the best heuristic.
    case auto
    /// The exact MILP (SPEC §3) on GLPK or CBC.
    case milp
    /// Earliest-finish (latency) or least-period (throughput) greedy in topological order.
    case greedy
}

/// Runs a placement method and returns its evaluated plan, bound and status.
public enum Placer {
    /// Layer counts up to which `auto` picks the exact MILP (measured in results/milp.md:
    /// latency closes up to ~40 layers, throughput well beyond 60 within a minute).
    static let exactLimit: [Objective: Int] = [.latency: 40, .throughput: 120]

    public static func solve(_ problem: Problem, _ request: SolveRequest) throws -> PlacementResult {
        switch request.method {
        case .milp:
            return try ExactPlacement.solve(problem, request)
        case .greedy:
            return heuristic(problem, request, method: "greedy") { Greedy.place(problem, objective: request.objective) }
        case .auto:
            if problem.layerCount <= exactLimit[request.objective]! {
                var result = try ExactPlacement.solve(problem, request)
                result.method = "auto (milp)"
                return result
            }
            var result = heuristic(problem, request, method: "greedy") { Greedy.place(problem, objective: request.objective) }
            result.method = "auto (greedy)"
            return result
        }
    }

    /// Wraps a heuristic: infeasibility check, evaluation, simple bound, timing.
    static func heuristic(
        _ problem: Problem, _ request: SolveRequest, method: String, _ place: () -> Assignment?
    ) -> PlacementResult {
        let clock = ContinuousClock.now
        var result = PlacementResult(method: method, status: .unknown)
        if let reason = Feasibility.infeasibilityReason(problem) {
            result.status = .infeasible
            result.message = "infeasible: \(reason)"
        } else if let plan = place() {
            let evaluation = problem.evaluate(plan)
            if evaluation.isValid {
                result.status = .feasible
                result.assignment = plan
                result.evaluation = evaluation
                result.lowerBound = SimpleBounds.lowerBound(problem, request.objective)
            } else {
                result.status = .error
                result.message = "internal error: the \(method) plan failed evaluation: \(evaluation.violations[0])"
            }
        } else {
            result.message = "\(method) found no plan that fits memory and the accuracy budget"
        }
        result.seconds = elapsed(since: clock)
        return result
    }
}
