import PlacementModel

/// Lower bounds that take O(E + options) time. Proofs:
/// - critical path (latency): every layer on a chain starts after its predecessor on the chain
///   ends, and each takes at least its cheapest allowed cost; transfers only add time.
/// - average load (both): the devices together do Σ_v cost(v) ≥ Σ_v cheapest(v) of work, so
///   the busiest of the m devices does at least 1/m of it; latency ≥ that device's busy time,
///   and so is the period.
/// - largest layer (throughput): the device running v is busy at least cheapest(v) per input.
public enum SimpleBounds {
    public static func lowerBound(_ problem: Problem, _ objective: Objective) -> Double {
        let windows = TimeWindows(problem)
        let averageLoad = windows.cheapest.reduce(0, +) / Double(max(problem.deviceCount, 1))
        switch objective {
        case .latency: return max(windows.criticalPath, averageLoad)
        case .throughput: return max(windows.cheapest.max() ?? 0, averageLoad)
        }
    }
}
