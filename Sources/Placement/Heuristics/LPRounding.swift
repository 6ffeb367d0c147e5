import PlacementModel

/// A plan from a fractional solution (`FractionalSolution`: the LP's vertex, or the Lagrangian
/// relaxation's averaged choices above the LP's size limit). Each layer that is whole on one
/// option keeps it; each split layer, the dearest first, takes one of the options the accuracy
/// budget still allows (every split layer not yet rounded counted at its least accuracy cost,
/// so the budget holds to the end), by a `Rule`. For throughput, where the relaxation is tight,
/// the plan's device loads are close to the bound. Memory is not tracked: a plan that
/// overfills a device fails evaluation and is not used.
enum LPRounding {
    /// How a split layer picks among the options the budget allows. Neither rule wins
    /// everywhere, and rounding is cheap, so the portfolio tries both.
    enum Rule: CaseIterable {
        /// The option with the largest share that keeps its device's load within the bound, else
        /// the fastest that does, else the one that leaves the least load. The shares say which
        /// layers the relaxation finds worth putting on a slow device: with many split layers
        /// (the Lagrangian's averages) the least load left the CPU the leftovers, 8% above the
        /// bound on 1,000 generated layers, against 0.03% with this rule.
        case largestShare
        /// The option that leaves the least load on its device: on a vertex with few split
        /// layers it can balance better (40 generated layers: 5.823 against 5.855 ms).
        case leastLoad
    }

    static func place(_ problem: Problem, _ solution: FractionalSolution, rule: Rule) -> Assignment {
        let (fractions, bound) = (solution.fractions, solution.bound)
        let n = problem.layerCount
        var device = [Int](repeating: 0, count: n)
        var precision = [Int](repeating: 0, count: n)
        var load = [Double](repeating: 0, count: problem.deviceCount)
        func sensitivity(_ v: Int, _ option: Problem.Option) -> Double { problem.sensitivity(v, option.precision) }
        func choose(_ v: Int, _ option: Problem.Option) {
            (device[v], precision[v]) = (option.device, option.precision)
            load[option.device] += option.cost
        }
        var slack = problem.instance.accuracyBudget ?? .infinity
        var split: [Int] = []
        for v in 0..<n {
            guard let whole = fractions[v].firstIndex(where: { $0 >= 1 - wholeTolerance }) else {
                split.append(v)
                slack -= problem.leastSensitivity(v)
                continue
            }
            choose(v, problem.options[v][whole])
            slack -= sensitivity(v, problem.options[v][whole])
        }
        func fractionalCost(_ v: Int) -> Double {
            zip(problem.options[v], fractions[v]).reduce(0) { $0 + $1.0.cost * $1.1 }
        }
        for v in split.sorted(by: { fractionalCost($0) > fractionalCost($1) }) {
            slack += problem.leastSensitivity(v)
            // The least sensitive options always qualify, even when the whole choices overspent
            // the budget (the Lagrangian's average meets it only nearly; the plan then fails
            // evaluation).
            let limit = max(slack, problem.leastSensitivity(v)) + 1e-12
            let allowed = zip(problem.options[v], fractions[v]).filter { sensitivity(v, $0.0) <= limit }
            let leastLoad = allowed.min { load[$0.0.device] + $0.0.cost < load[$1.0.device] + $1.0.cost }!.0
            let option: Problem.Option
            switch rule {
            case .largestShare:
                let fitting = allowed.filter { load[$0.0.device] + $0.0.cost <= bound }
                option = fitting.filter { $0.1 > 0 }.max { ($0.1, -$0.0.cost) < ($1.1, -$1.0.cost) }?.0
                    ?? fitting.min { $0.0.cost < $1.0.cost }?.0 ?? leastLoad
            case .leastLoad:
                option = leastLoad
            }
            choose(v, option)
            slack -= sensitivity(v, option)
        }
        return Assignment(device: device, precision: precision)
    }

    /// A fraction this close to 1 is a whole choice (the LP solvers' tolerance).
    static let wholeTolerance = 1e-6
}
