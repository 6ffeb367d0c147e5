import MILP
import PlacementModel

/// The decision every exact formulation shares: a binary `x[v][o]` per layer and allowed option
/// (device, precision), with the rows that hold for every objective — one option per layer,
/// memory per device, the accuracy budget, groups on one device — and symmetry breaking
/// between interchangeable devices.
struct ChoiceVariables {
    let problem: Problem
    /// `x[v][i]` chooses `problem.options[v][i]`.
    let x: [[Variable]]
    /// Seconds above which a cost (or, in a formulation, a transfer time) is taken as this many.
    /// Set above the formulation's upper bound on its objective it changes no solution, since
    /// a choice that takes longer is in none, and it keeps huge costs (1e30 s written for
    /// "cannot run here") from wrecking the solvers' numerics: on `tiny` with two of them CBC
    /// stopped at "feasible" with half the optimum as its bound.
    let ceiling: Double
    /// Formulations set `ceiling` to this many times their upper bound: far below the huge
    /// figures, and far above any that counts, so that the LP relaxation is as before (on a
    /// generated 60-layer instance the slowest option takes 2.1 times the greedy plan's period).
    static let ceilingFactor = 10.0

    /// With `relaxed`, the choices are continuous in [0, 1]: the LP relaxation, for bounds.
    init(_ problem: Problem, model: inout Model, breakSymmetry: Bool, relaxed: Bool = false, ceiling: Double = .infinity) {
        self.problem = problem
        self.ceiling = ceiling
        x = problem.options.enumerated().map { v, options in
            options.map { option in
                model.addVariable(
                    "x_\(problem.layerName(v))_\(problem.deviceName(option.device))_\(problem.precisionName(option.precision))",
                    upper: 1, kind: relaxed ? .continuous : .binary)
            }
        }
        for v in 0..<problem.layerCount {
            model.addRow(x[v].map { .init($0, 1) }, lower: 1, upper: 1, name: "choose_\(problem.layerName(v))")
        }
        addMemoryRows(&model)
        addBudgetRow(&model)
        addGroupRows(&model)
        if breakSymmetry { addSymmetryRows(&model) }
    }

    /// Terms of `X[v][d]`: 1 when layer v runs on device d.
    func onDevice(_ v: Int, _ d: Int, scale: Double = 1) -> [LinearExpression.Term] {
        zip(problem.options[v], x[v]).compactMap { option, variable in
            option.device == d ? .init(variable, scale) : nil
        }
    }

    /// Terms of `x[v] at device d and precision p`.
    func choice(_ v: Int, _ d: Int, _ p: Int, scale: Double = 1) -> [LinearExpression.Term] {
        zip(problem.options[v], x[v]).compactMap { option, variable in
            option.device == d && option.precision == p ? .init(variable, scale) : nil
        }
    }

    /// Terms of `P[v][p]`: 1 when layer v runs at precision p.
    func atPrecision(_ v: Int, _ p: Int, scale: Double = 1) -> [LinearExpression.Term] {
        zip(problem.options[v], x[v]).compactMap { option, variable in
            option.precision == p ? .init(variable, scale) : nil
        }
    }

    /// Terms of the compute time of v (`Σ cost · x`, each cost at most `ceiling`), scaled.
    func cost(_ v: Int, scale: Double) -> [LinearExpression.Term] {
        zip(problem.options[v], x[v]).map { .init($1, min($0.cost, ceiling) * scale) }
    }

    /// Terms of the compute time of v if it runs on d (each cost at most `ceiling`), scaled.
    func cost(_ v: Int, on d: Int, scale: Double) -> [LinearExpression.Term] {
        zip(problem.options[v], x[v]).compactMap { option, variable in
            option.device == d ? .init(variable, min(option.cost, ceiling) * scale) : nil
        }
    }

    /// The precisions layer v may run at.
    func precisions(_ v: Int) -> [Int] { Array(Set(problem.options[v].map(\.precision))).sorted() }

    /// The devices layer v may run on.
    func devices(_ v: Int) -> [Int] { Array(Set(problem.options[v].map(\.device))).sorted() }

    private func addMemoryRows(_ model: inout Model) {
        // Scaled by the largest finite capacity so coefficients stay O(1), but never by more
        // than a thousand times a row's own capacity: a 1 kB device beside 1 GB ones had
        // coefficients near 1e-6, within the solvers' feasibility tolerance, and GLPK and CBC
        // put 2% too much on it (the evaluator then rejected the plan). Each row in units of its
        // own capacity would do too, but on an oracle instance (capacities 700, 700 and 300) CBC
        // with a warm start then cut off the optimum; this leaves such rows as they were.
        let finite = problem.memory.filter(\.isFinite)
        guard let largest = finite.max(), largest > 0 else { return }
        for d in 0..<problem.deviceCount where problem.memory[d].isFinite {
            let scale = problem.memory[d] > 0 ? min(largest, problem.memory[d] * 1e3) : largest
            var terms: [LinearExpression.Term] = []
            for v in 0..<problem.layerCount {
                for (option, variable) in zip(problem.options[v], x[v]) where option.device == d {
                    let bytes = problem.weightBytes(v, option.precision)
                    if bytes > 0 { terms.append(.init(variable, bytes / scale)) }
                }
            }
            let capacity = problem.memory[d] / scale
            if terms.reduce(0, { $0 + $1.coefficient }) > capacity {
                model.addRow(terms, lower: -.infinity, upper: capacity, name: "memory_\(problem.deviceName(d))")
            }
        }
    }

    private func addBudgetRow(_ model: inout Model) {
        guard let budget = problem.instance.accuracyBudget else { return }
        var terms: [LinearExpression.Term] = []
        for v in 0..<problem.layerCount {
            for (option, variable) in zip(problem.options[v], x[v]) {
                let penalty = problem.sensitivity(v, option.precision)
                if penalty > 0 { terms.append(.init(variable, penalty)) }
            }
        }
        if !terms.isEmpty { model.addRow(terms, lower: -.infinity, upper: budget, name: "accuracy_budget") }
    }

    private func addGroupRows(_ model: inout Model) {
        for group in problem.groups {
            let first = group[0]
            for v in group.dropFirst() {
                for d in devices(first) {
                    model.addRow(onDevice(v, d) + onDevice(first, d, scale: -1), lower: 0, upper: 0,
                                 name: "group_\(problem.layerName(v))_\(problem.deviceName(d))")
                }
            }
        }
    }

    /// Within a class of interchangeable devices d₀ < d₁ < …, device d_k may host layer v only
    /// if d_{k−1} hosts a layer before v. Every plan can be relabelled to satisfy this (order the
    /// class's devices by their first layer), so no optimum is cut off.
    private func addSymmetryRows(_ model: inout Model) {
        for devices in problem.deviceClasses where devices.count > 1 {
            for (previous, device) in zip(devices, devices.dropFirst()) {
                var earlier: [LinearExpression.Term] = []
                for v in 0..<problem.layerCount {
                    let here = onDevice(v, device)
                    if !here.isEmpty {
                        model.addRow(here + earlier.map { .init($0.variable, -$0.coefficient) }, lower: -.infinity, upper: 0,
                                     name: "symmetry_\(problem.deviceName(device))_\(problem.layerName(v))")
                    }
                    earlier += onDevice(v, previous)
                }
            }
        }
    }

    /// Column values with the plan's choices set, for a model of `columnCount` columns, and the
    /// plan they set: relabelled by `canonical`, as the symmetry rows admit. Nil when the plan
    /// picks an option the model does not have.
    func values(choosing assignment: Assignment, columnCount: Int) -> (plan: Assignment, values: [Double])? {
        let plan = canonical(assignment)
        var values = [Double](repeating: 0, count: columnCount)
        for v in 0..<problem.layerCount {
            guard let i = problem.options[v].firstIndex(where: { $0.device == plan.device[v] && $0.precision == plan.precision[v] })
            else { return nil }
            values[x[v][i].index] = 1
        }
        return (plan, values)
    }

    /// The same plan with each class's devices relabelled in order of first use, so that it
    /// satisfies the symmetry rows (used for warm starts).
    private func canonical(_ assignment: Assignment) -> Assignment {
        var result = assignment
        for devices in problem.deviceClasses where devices.count > 1 {
            let firstUse = devices.map { d in assignment.device.firstIndex(of: d) ?? Int.max }
            let byFirstUse = devices.indices.sorted { (firstUse[$0], $0) < (firstUse[$1], $1) }
            var relabel: [Int: Int] = [:]
            for (slot, index) in byFirstUse.enumerated() { relabel[devices[index]] = devices[slot] }
            for v in 0..<problem.layerCount { result.device[v] = relabel[assignment.device[v]] ?? assignment.device[v] }
        }
        return result
    }

    /// The plan a solution chooses (the largest `x` per layer, robust to 0.99999).
    func assignment(from values: [Double]) -> Assignment {
        var device = [Int](repeating: 0, count: problem.layerCount)
        var precision = [Int](repeating: 0, count: problem.layerCount)
        for v in 0..<problem.layerCount {
            let i = x[v].indices.max { values[x[v][$0].index] < values[x[v][$1].index] }!
            device[v] = problem.options[v][i].device
            precision[v] = problem.options[v][i].precision
        }
        return Assignment(device: device, precision: precision)
    }
}
