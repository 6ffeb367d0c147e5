import Foundation
import MILP
import Testing

/// Small MILPs with independently known optima, solved by both backends.
@Suite struct KnownModelsTests {
    static let backends = SolverBackend.allCases

    /// 0/1 knapsack with integer weights: `max Σ v·x, Σ w·x ≤ C`.
    struct Knapsack {
        var values: [Double]
        var weights: [Int]
        var capacity: Int

        init(seed: UInt64, items: Int = 15) {
            var rng = SplitMix(seed)
            values = (0..<items).map { _ in Double(1 + rng.next() % 100) }
            weights = (0..<items).map { _ in Int(1 + rng.next() % 30) }
            capacity = weights.reduce(0, +) / 2
        }

        var model: Model {
            var model = Model(name: "knapsack")
            let x = values.indices.map { model.addBinary("x\($0)") }
            model.add(LinearExpression.sum(zip(x, weights.map(Double.init))) <= Double(capacity))
            model.maximize(.sum(zip(x, values)))
            return model
        }

        /// The optimum by dynamic programming over capacities: the oracle.
        var optimum: Double {
            var best = [Double](repeating: 0, count: capacity + 1)
            for (value, weight) in zip(values, weights) {
                for c in stride(from: capacity, through: weight, by: -1) { best[c] = max(best[c], best[c - weight] + value) }
            }
            return best[capacity]
        }
    }

    @Test(arguments: backends, 0..<10)
    func knapsackMatchesDynamicProgramming(backend: SolverBackend, seed: Int) throws {
        let knapsack = Knapsack(seed: UInt64(seed))
        let result = try backend.solver.solve(knapsack.model)
        #expect(result.status == .optimal)
        #expect(result.objective == knapsack.optimum)
        #expect(result.bound.map { abs($0 - knapsack.optimum) <= 1e-6 * knapsack.optimum } == true)
    }

    /// Stopping at a relative gap is "optimal within the gap": the bound reported must still
    /// be proven (at least the true optimum when maximising), not the objective itself. A start
    /// that fills the knapsack in item order is within the loose gap of the root LP bound, so
    /// the search stops at once with a plan below the optimum.
    @Test(arguments: backends, 0..<5)
    func boundStaysProvenWhenStoppingAtAGap(backend: SolverBackend, seed: Int) throws {
        let knapsack = Knapsack(seed: UInt64(100 + seed), items: 40)
        var room = knapsack.capacity
        let start = knapsack.weights.map { weight -> Double in
            guard weight <= room else { return 0 }
            room -= weight
            return 1
        }
        let gap = 0.5
        let result = try backend.solver.solve(knapsack.model, options: SolveOptions(relativeGap: gap, warmStart: start))
        #expect(result.status == .optimal)
        let objective = try #require(result.objective)
        let bound = try #require(result.bound)
        #expect(objective <= knapsack.optimum)
        #expect(bound >= knapsack.optimum - 1e-6, "bound \(bound) below the optimum \(knapsack.optimum)")
        #expect(bound - objective <= gap * objective * (1 + 1e-9))
    }

    @Test(arguments: backends)
    func assignmentMatchesEnumeration(backend: SolverBackend) throws {
        // 5 workers × 5 jobs; the oracle tries all 120 permutations.
        var rng = SplitMix(42)
        let n = 5
        let cost = (0..<n).map { _ in (0..<n).map { _ in Double(rng.next() % 50) } }
        var model = Model()
        let x = (0..<n).map { i in (0..<n).map { j in model.addBinary("x_\(i)_\(j)") } }
        for i in 0..<n {
            model.add(LinearExpression.sum(x[i]) == 1)
            model.add(LinearExpression.sum((0..<n).map { x[$0][i] }) == 1)
        }
        model.minimize(.sum((0..<n).flatMap { i in (0..<n).map { j in (x[i][j], cost[i][j]) } }))
        func permutations(_ items: [Int]) -> [[Int]] {
            items.isEmpty ? [[]] : items.flatMap { first in permutations(items.filter { $0 != first }).map { [first] + $0 } }
        }
        let best = permutations(Array(0..<n)).map { p in (0..<n).reduce(0.0) { $0 + cost[$1][p[$1]] } }.min()!
        let result = try backend.solver.solve(model)
        #expect(result.status == .optimal)
        #expect(result.objective == best)
    }

    @Test(arguments: backends)
    func infeasibleModelIsReported(backend: SolverBackend) throws {
        var model = Model()
        let x = model.addBinary("x")
        let y = model.addBinary("y")
        model.add(x + y >= 3)
        model.minimize(x + y)
        let result = try backend.solver.solve(model)
        #expect(result.status == .infeasible)
        #expect(result.values == nil)
    }

    @Test(arguments: backends)
    func unboundedModelIsReported(backend: SolverBackend) throws {
        var model = Model()
        let x = model.addVariable("x", kind: .integer)
        let y = model.addVariable("y")
        model.add(x - y <= 1)
        model.maximize(x + y)
        #expect(try backend.solver.solve(model).status == .unbounded)
    }

    @Test(arguments: backends)
    func pureLPHasItsVertexOptimum(backend: SolverBackend) throws {
        // max 3x + 2y, x + y ≤ 4, x + 3y ≤ 6, x ≤ 3: optimum at (3, 1) with 11.
        var model = Model()
        let x = model.addVariable("x", upper: 3)
        let y = model.addVariable("y")
        model.add(x + y <= 4)
        model.add(1.0 * x + 3.0 * y <= 6)
        model.maximize(3.0 * x + 2.0 * y + 5)
        let result = try backend.solver.solve(model)
        #expect(result.status == .optimal)
        #expect(result.objective.map { abs($0 - 16) < 1e-9 } == true)
        #expect(result.values.map { abs($0[0] - 3) < 1e-9 && abs($0[1] - 1) < 1e-9 } == true)
    }

    @Test func duplicateCoefficientsAreMergedAndZerosDropped() {
        var model = Model()
        let x = model.addVariable("x")
        let y = model.addVariable("y")
        model.add(x + x + y - y <= 4)
        #expect(Array(model.row(0).map { $0.0 }) == [0])
        #expect(Array(model.row(0).map { $0.1 }) == [2])
    }

    @Test func invalidModelsAreRejectedBeforeAnySolver() {
        var model = Model()
        let x = model.addVariable("x", lower: 2, upper: 1)
        model.add(Double.nan * x <= 1, name: "bad")
        model.minimize(LinearExpression(x))
        #expect {
            _ = try GLPKSolver().solve(model)
        } throws: { error in
            let problems = (error as? ModelError)?.problems ?? []
            return problems == [
                "variable 0 'x': lower bound 2.0 exceeds upper bound 1.0",
                "constraint 0 'bad': coefficient nan of variable 0 'x' is not finite",
            ]
        }
    }
}

/// SplitMix64 for the tests' random data.
struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
