import Foundation
import MILP
import Testing

/// Behaviour at limits on a model neither backend can close in a second: a market-split
/// instance (Cornuéjols and Dawande), notoriously hard for branch and bound.
@Suite struct LimitsAndWarmStartTests {
    /// `min Σ slack` subject to `Σ a·x + s⁺ − s⁻ = ⌊Σ a / 2⌋` for each of `rows` rows.
    static func marketSplit(rows: Int = 6, columns: Int = 50, seed: UInt64 = 3) -> (Model, zeroSolution: [Double]) {
        var rng = SplitMix(seed)
        var model = Model(name: "market-split")
        let x = (0..<columns).map { model.addBinary("x\($0)") }
        var slacks: [Variable] = []
        var zero = [Double](repeating: 0, count: columns)
        for i in 0..<rows {
            let a = (0..<columns).map { _ in Double(rng.next() % 100) }
            let target = (a.reduce(0, +) / 2).rounded(.down)
            let plus = model.addVariable("sp\(i)")
            let minus = model.addVariable("sm\(i)")
            slacks += [plus, minus]
            model.add(LinearExpression.sum(zip(x, a)) + plus - minus == target)
            zero += [target, 0]  // x = 0 is feasible with s⁺ = target
        }
        model.minimize(.sum(slacks))
        return (model, zero)
    }

    @Test(arguments: SolverBackend.allCases)
    func timeLimitIsHonouredAndTheBoundIsBelowTheObjective(backend: SolverBackend) throws {
        let (model, zero) = Self.marketSplit()
        let limit = 1.5
        let result = try backend.solver.solve(model, options: SolveOptions(timeLimit: limit, warmStart: zero))
        #expect(result.status == .feasible)
        #expect(result.seconds <= limit * 1.2, "took \(result.seconds) s for a \(limit) s limit")
        #expect(result.seconds >= limit * 0.8)
        let objective = try #require(result.objective)
        let bound = try #require(result.bound)
        #expect(bound <= objective + 1e-9)
        #expect(bound >= 0)
        #expect(model.violation(result.values!) <= 1e-6)
    }

    @Test(arguments: SolverBackend.allCases)
    func warmStartIsReturnedWhenNothingBetterIsFound(backend: SolverBackend) throws {
        let (model, zero) = Self.marketSplit()
        let zeroObjective = model.objectiveValue(zero)
        let result = try backend.solver.solve(model, options: SolveOptions(timeLimit: 0.2, warmStart: zero))
        #expect(result.status == .feasible)
        let objective = try #require(result.objective)
        #expect(objective <= zeroObjective)
    }

    @Test(arguments: SolverBackend.allCases)
    func warmStartOfTheOptimumIsRecognised(backend: SolverBackend) throws {
        let knapsack = KnownModelsTests.Knapsack(seed: 5, items: 25)
        let optimal = try CBCSolver().solve(knapsack.model)
        let result = try backend.solver.solve(knapsack.model, options: SolveOptions(warmStart: optimal.values))
        #expect(result.status == .optimal)
        #expect(result.objective == knapsack.optimum)
    }

    /// A start whose integer part is optimal but whose continuous part is not: CBC completes the
    /// continuous part itself and may then prune everything. The answer is the true optimum,
    /// never the start's worse objective presented as optimal.
    @Test(arguments: SolverBackend.allCases)
    func startWithSlackContinuousPartIsNotTakenAsOptimal(backend: SolverBackend) throws {
        var model = Model(name: "slack-start")
        let y = (0..<3).map { model.addBinary("y\($0)") }
        let c = model.addVariable("c", upper: 100)
        // c ≥ 1 + 2·y0 + 3·y1 + y2, at least one y: the optimum is y2 = 1, c = 2.
        model.add(LinearExpression(c) - 2 * y[0] - 3 * y[1] - y[2] >= 1)
        model.add(LinearExpression.sum(y) >= 1)
        model.minimize(LinearExpression(c))
        let start = [0, 0, 1, 7.5]
        let result = try backend.solver.solve(model, options: SolveOptions(warmStart: start))
        #expect(result.status == .optimal)
        #expect(abs((result.objective ?? .nan) - 2) < 1e-9)
        #expect(abs((result.bound ?? .nan) - 2) < 1e-5)
    }

    @Test func warmStartOfWrongLengthIsAnError() {
        let knapsack = KnownModelsTests.Knapsack(seed: 1)
        #expect(throws: ModelError.self) {
            try GLPKSolver().solve(knapsack.model, options: SolveOptions(warmStart: [1, 0]))
        }
    }

    @Test func infeasibleWarmStartIsIgnored() throws {
        let knapsack = KnownModelsTests.Knapsack(seed: 2)
        let overfull = [Double](repeating: 1, count: knapsack.values.count)
        for backend in SolverBackend.allCases {
            let result = try backend.solver.solve(knapsack.model, options: SolveOptions(warmStart: overfull))
            #expect(result.status == .optimal)
            #expect(result.objective == knapsack.optimum)
        }
    }
}
