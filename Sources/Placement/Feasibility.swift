import PlacementModel

/// Cheap proofs that no plan exists, each with a reason a user can act on. A nil answer
/// proves nothing: the instance may still be infeasible, which a solver then proves.
public enum Feasibility {
    public static func infeasibilityReason(_ problem: Problem) -> String? {
        if let conflict = problem.placementConflicts.first { return conflict.description }
        let n = problem.layerCount
        func lightest(_ v: Int, on devices: Set<Int>? = nil) -> Double {
            problem.options[v].filter { devices?.contains($0.device) ?? true }
                .map { problem.weightBytes(v, $0.precision) }.min() ?? .infinity
        }
        // A layer heavier than every device that can run it.
        for v in 0..<n {
            if !problem.options[v].contains(where: { problem.fits(v, $0) }) {
                let capacity = problem.options[v].map { problem.memory[$0.device] }.max() ?? 0
                return "layer '\(problem.layerName(v))' needs at least \(formatBytes(lightest(v))) of weights, more than any device that can run it holds (\(formatBytes(capacity)))"
            }
        }
        // All layers together against all memory.
        let capacity = problem.memory.reduce(0, +)
        let needed = (0..<n).reduce(0) { $0 + lightest($1) }
        if capacity.isFinite, needed > capacity * (1 + 1e-12) {
            return "layers need at least \(formatBytes(needed)) of weights, devices hold \(formatBytes(capacity))"
        }
        // A group heavier than any device it may use.
        for group in problem.groups {
            let devices = Set(problem.options[group[0]].map(\.device))
            let weight = group.reduce(0) { $0 + lightest($1, on: devices) }
            let largest = devices.map { problem.memory[$0] }.max() ?? 0
            if weight > largest * (1 + 1e-12) {
                return "group '\(problem.instance.layers[group[0]].group!)' needs \(formatBytes(weight)) on one device, the largest it may use holds \(formatBytes(largest))"
            }
        }
        if let budget = problem.instance.accuracyBudget {
            let cheapest = (0..<n).reduce(0) { $0 + problem.leastSensitivity($1) }
            if cheapest > budget * (1 + 1e-12) {
                return "the lowest possible accuracy cost is \(formatSignificant(cheapest)), above the budget \(formatSignificant(budget))"
            }
        }
        return nil
    }
}
