import MILP
import PlacementModel

/// A proven lower bound on the optimum, by name.
public struct LowerBound: Sendable, Equatable {
    public let name: String
    public let value: Double
    public init(name: String, value: Double) {
        self.name = name
        self.value = value
    }
}

/// A relaxation's bound and a fractional assignment that attains it (about): the share of
/// each layer on each of its options (`problem.options[v][i]`). `LPRounding` rounds it into a plan.
public struct FractionalSolution: Sendable {
    public let bound: Double
    public let fractions: [[Double]]
}

/// Every lower bound dnnplace knows, each ≤ OPT (proofs beside each). Results report the best.
public enum LowerBounds {
    /// The cheap bounds, O(E + options):
    /// - criticalPath (latency): every layer on a chain starts after its predecessor on the chain
    ///   ends and takes at least its cheapest allowed cost; transfers only add time.
    /// - averageLoad (both): the devices together do at least Σ_v cheapest(v) of work, so the
    ///   busiest of the m devices is busy at least 1/m of it, and latency and period are ≥ that.
    /// - largestLayer (throughput): the device running v is busy at least cheapest(v) per input.
    public static func simple(_ problem: Problem, _ objective: Objective) -> [LowerBound] {
        let windows = TimeWindows(problem)
        let averageLoad = LowerBound(
            name: "averageLoad", value: windows.cheapest.reduce(0, +) / Double(max(problem.deviceCount, 1)))
        switch objective {
        case .latency: return [LowerBound(name: "criticalPath", value: windows.criticalPath), averageLoad]
        case .throughput: return [LowerBound(name: "largestLayer", value: windows.cheapest.max() ?? 0), averageLoad]
        }
    }

    /// The simple bounds and the fractional relaxation: up to `lpLayerLimit` layers the LP
    /// (see FractionalBound), above it its load part by Lagrangian relaxation (LagrangianBound).
    public static func all(_ problem: Problem, _ objective: Objective, solver: SolverBackend = .cbc) -> [LowerBound] {
        withSolution(problem, objective, solver: solver).bounds
    }

    /// `all`, and the fractional solution of the LP or of the Lagrangian relaxation behind it:
    /// methods round it into a plan (`LPRounding`) rather than solve the relaxation twice.
    public static func withSolution(_ problem: Problem, _ objective: Objective, solver: SolverBackend = .cbc)
        -> (bounds: [LowerBound], fractional: FractionalSolution?)
    {
        var bounds = simple(problem, objective)
        if problem.layerCount > lpLayerLimit {
            let lagrangian = LagrangianBound.solve(problem)
            bounds.append(LowerBound(name: "lagrangianLoad", value: lagrangian.bound))
            return (bounds, lagrangian)
        }
        let fractional = FractionalBound.solve(problem, objective, solver: solver)
        if let fractional { bounds.append(LowerBound(name: "fractionalLP", value: fractional.bound)) }
        return (bounds, fractional)
    }

    /// Above this many layers the LP gives way to the Lagrangian bound: at 1,000 layers the LP
    /// took 0.8 s, at 10,000 layers 87 s (latency) and 12.6 s (throughput) with CBC.
    public static let lpLayerLimit = 2_000

    public static func best(_ bounds: [LowerBound]) -> Double { bounds.map(\.value).max() ?? 0 }
}
