import PlacementModel

/// A plan from the fractional relaxation (`FractionalBound`): each layer the LP put whole on one
/// option keeps it; each split layer, the dearest first, takes the option that leaves the least
/// device load among those the accuracy budget still allows (with every split layer not yet
/// rounded counted at its least accuracy cost, so the budget holds to the end). At a simplex
/// vertex only a few layers are split (about one per binding load, memory or budget row), so
/// for throughput, where that LP is tight, the plan's device loads are close to the bound.
/// Memory is not tracked: a plan that overfills a device fails evaluation and is not used.
enum LPRounding {
    static func place(_ problem: Problem, _ fractions: [[Double]]) -> Assignment {
        let n = problem.layerCount
        var device = [Int](repeating: 0, count: n)
        var precision = [Int](repeating: 0, count: n)
        var load = [Double](repeating: 0, count: problem.deviceCount)
        func sensitivity(_ v: Int, _ option: Problem.Option) -> Double { problem.sensitivity(v, option.precision) }
        func leastSensitivity(_ v: Int) -> Double { problem.options[v].map { sensitivity(v, $0) }.min() ?? 0 }
        func choose(_ v: Int, _ option: Problem.Option) {
            (device[v], precision[v]) = (option.device, option.precision)
            load[option.device] += option.cost
        }
        var slack = problem.instance.accuracyBudget ?? .infinity
        var split: [Int] = []
        for v in 0..<n {
            guard let whole = fractions[v].firstIndex(where: { $0 >= 1 - wholeTolerance }) else {
                split.append(v)
                slack -= leastSensitivity(v)
                continue
            }
            choose(v, problem.options[v][whole])
            slack -= sensitivity(v, problem.options[v][whole])
        }
        func fractionalCost(_ v: Int) -> Double {
            zip(problem.options[v], fractions[v]).reduce(0) { $0 + $1.0.cost * $1.1 }
        }
        for v in split.sorted(by: { fractionalCost($0) > fractionalCost($1) }) {
            slack += leastSensitivity(v)
            // The least sensitive options always qualify (the LP's plan met the budget, up to
            // its tolerance).
            let limit = max(slack, leastSensitivity(v)) + 1e-12
            let option = problem.options[v].filter { sensitivity(v, $0) <= limit }
                .min { load[$0.device] + $0.cost < load[$1.device] + $1.cost }!
            choose(v, option)
            slack -= sensitivity(v, option)
        }
        return Assignment(device: device, precision: precision)
    }

    /// A fraction this close to 1 is a whole choice (the LP solvers' tolerance).
    static let wholeTolerance = 1e-6
}
