import MILP
import PlacementModel

/// The LP relaxation of placement (SPEC §4 "fractional load balance", strengthened): each
/// layer spreads over its options with fractions f ≥ 0 summing to 1, under the memory and
/// accuracy-budget rows, and T bounds
/// - every device's fractional load Σ cost·f (both objectives);
/// - for latency, every path: earliest finishes e_v ≥ e_u + Σ cost_v·f_v along edges, T ≥ e_v,
///   with the same fractions (so one fractional plan must serve the path and the loads);
/// - for throughput, every layer's own cost Σ cost_v·f_v.
/// Proof: any plan is a 0/1 choice of f. Its latency is at least each device's busy time and,
/// ignoring transfers and device contention, at least each chain's compute; its period is at
/// least every device load, which includes each layer's cost. So min T ≤ OPT.
public enum FractionalBound {
    /// The LP's optimum, as a bound, and its solution. A simplex optimum is a vertex, where few
    /// layers are split between options.
    public static func solve(_ problem: Problem, _ objective: Objective, solver: SolverBackend = .cbc) -> FractionalSolution? {
        var model = Model(name: "\(problem.instance.name)-fractional")
        let choice = ChoiceVariables(problem, model: &model, breakSymmetry: false, relaxed: true)
        // Times scaled so that the average layer costs 1.
        let average = problem.options.reduce(0) { $0 + ($1.map(\.cost).min() ?? 0) } / Double(max(problem.layerCount, 1))
        let scale = average > 0 ? 1 / average : 1
        let period = model.addVariable("T")
        for d in 0..<problem.deviceCount {
            let load = (0..<problem.layerCount).flatMap { choice.cost($0, on: d, scale: scale) }
            if !load.isEmpty { model.addRow(load + [.init(period, -1)], lower: -.infinity, upper: 0) }
        }
        switch objective {
        case .latency:
            let finish = (0..<problem.layerCount).map { model.addVariable("e_\($0)") }
            for v in 0..<problem.layerCount {
                let cost = choice.cost(v, scale: -scale)
                model.addRow([.init(finish[v], 1)] + cost, lower: 0, upper: .infinity)
                for u in problem.graph.predecessors(of: v) {
                    model.addRow([.init(finish[v], 1), .init(finish[u], -1)] + cost, lower: 0, upper: .infinity)
                }
                if problem.graph.successors(of: v).isEmpty {
                    model.addRow([.init(period, 1), .init(finish[v], -1)], lower: 0, upper: .infinity)
                }
            }
        case .throughput:
            for v in 0..<problem.layerCount {
                model.addRow([.init(period, 1)] + choice.cost(v, scale: -scale), lower: 0, upper: .infinity)
            }
        }
        model.minimize(LinearExpression(period))
        guard let result = try? solver.solver.solve(model), result.status == .optimal, let value = result.objective,
            let values = result.values
        else {
            return nil
        }
        // The LP optimum is exact up to the solver's tolerance: give that back.
        return FractionalSolution(bound: max(0, value / scale * (1 - 1e-9)), fractions: choice.x.map { $0.map { values[$0.index] } })
    }
}
