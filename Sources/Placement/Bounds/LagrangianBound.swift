import PlacementModel

/// The load-balance bound by Lagrangian relaxation, for graphs where the LP is too slow.
/// Proof: for any plan x with period or latency T, every device load L_d(x) ≤ T, memory
/// W_d(x) ≤ M_d and accuracy cost S(x) ≤ B. For weights λ_d ≥ 0 with Σλ = 1 and multipliers
/// ν_d, μ ≥ 0:  T ≥ Σ λ_d L_d(x) + Σ ν_d (W_d(x) − M_d) + μ (S(x) − B)
///            ≥ Σ_v min over v's options of (λ_d·cost + ν_d·weight + μ·sensitivity) − Σ ν_d M_d − μ B,
/// since the sum separates by layer. Every iterate is a valid bound; subgradient ascent on the
/// multipliers moves it towards the LP value. O(iterations × options).
enum LagrangianBound {
    /// The best bound of the iterates, and each layer's choices averaged over the second half of
    /// them: the average of a subgradient method's choices tends to an optimal solution of the
    /// LP whose dual it solves (ergodic primal recovery), so its loads are close to balanced.
    static func solve(_ problem: Problem, iterations: Int = 300) -> FractionalSolution {
        let m = problem.deviceCount
        let budget = problem.instance.accuracyBudget
        let capacity = problem.memory
        var lambda = [Double](repeating: 1 / Double(m), count: m)
        var nu = [Double](repeating: 0, count: m)
        var mu = 0.0
        var best = 0.0
        var fractions = problem.options.map { [Double](repeating: 0, count: $0.count) }
        let averaged = iterations / 2
        let scale = problem.options.reduce(0) { $0 + ($1.map(\.cost).min() ?? 0) }
        let weightScale = max(capacity.filter(\.isFinite).max() ?? 1, 1)
        for iteration in 0..<iterations {
            var load = [Double](repeating: 0, count: m)
            var weight = [Double](repeating: 0, count: m)
            var sensitivity = 0.0
            var value = 0.0
            for v in 0..<problem.layerCount {
                var chosen: Int?
                var cheapest = Double.infinity
                for (i, option) in problem.options[v].enumerated() {
                    let d = option.device
                    let price = lambda[d] * option.cost + nu[d] * problem.weightBytes(v, option.precision)
                        + mu * problem.sensitivity(v, option.precision)
                    if price < cheapest {
                        cheapest = price
                        chosen = i
                    }
                }
                guard let chosen else { continue }
                let option = problem.options[v][chosen]
                if iteration >= averaged { fractions[v][chosen] += 1 / Double(iterations - averaged) }
                value += cheapest
                load[option.device] += option.cost
                weight[option.device] += problem.weightBytes(v, option.precision)
                sensitivity += problem.sensitivity(v, option.precision)
            }
            for d in 0..<m where capacity[d].isFinite { value -= nu[d] * capacity[d] }
            if let budget { value -= mu * budget }
            best = max(best, value)
            // Subgradient step, shrinking; λ projected back onto the simplex.
            let step = 2.0 / Double(iteration + 2)
            lambda = projectOntoSimplex(zip(lambda, load).map { $0 + step * $1 / max(scale, 1e-300) })
            for d in 0..<m where capacity[d].isFinite {
                nu[d] = max(0, nu[d] + step * (weight[d] - capacity[d]) / weightScale * scale / weightScale)
            }
            if let budget, budget > 0 { mu = max(0, mu + step * (sensitivity - budget) / budget * scale / budget) }
        }
        return FractionalSolution(bound: best, fractions: fractions)
    }

    /// Euclidean projection onto {λ ≥ 0, Σλ = 1}.
    private static func projectOntoSimplex(_ x: [Double]) -> [Double] {
        let sorted = x.sorted(by: >)
        var total = 0.0
        var theta = 0.0
        for (i, value) in sorted.enumerated() {
            total += value
            let candidate = (total - 1) / Double(i + 1)
            if value - candidate > 0 { theta = candidate }
        }
        return x.map { max(0, $0 - theta) }
    }
}
