import Foundation
@testable import MILP
import Testing

/// Fixed columns are substituted out before a solve of a large model: the answers must be the
/// full model's.
@Suite struct FixedColumnReductionTests {
    /// `model` with enough rows that `solve` reduces it: copies of rows its bounds imply, which
    /// the reduction drops.
    static func large(_ model: Model) -> Model {
        var large = model
        for i in 0..<FixedColumnReduction.minimumRows {
            let x = Variable(index: i % model.columnCount)
            large.add(LinearExpression(x) <= 1 + Double(i))
        }
        return large
    }

    /// A knapsack with its first items fixed in or out is the knapsack of the other items with
    /// the capacity the fixed-in items leave, plus their value: the dynamic programme's optimum.
    @Test(arguments: SolverBackend.allCases, 0..<6)
    func fixedItemsLeaveTheSmallerKnapsack(backend: SolverBackend, seed: Int) throws {
        let knapsack = KnownModelsTests.Knapsack(seed: UInt64(300 + seed), items: 20)
        var model = Self.large(knapsack.model)
        var rest = knapsack
        rest.values.removeFirst(4)
        rest.weights.removeFirst(4)
        var fixedValue = 0.0
        for item in 0..<4 {
            let chosen = (seed + item) % 2 == 0
            model.tighten(Variable(index: item), lower: chosen ? 1 : 0, upper: chosen ? 1 : 0)
            if chosen {
                fixedValue += knapsack.values[item]
                rest.capacity -= knapsack.weights[item]
            }
        }
        #expect(rest.capacity >= 0)
        #expect(FixedColumnReduction(model)?.model.columnCount == 16)
        let optimum = fixedValue + rest.optimum
        // With a warm start (the fixed items, nothing else) and without one.
        let start = (0..<20).map { $0 < 4 && ($0 + seed) % 2 == 0 ? 1.0 : 0 }
        for warmStart in [nil, start] {
            let result = try backend.solver.solve(model, options: SolveOptions(warmStart: warmStart))
            #expect(result.status == .optimal)
            #expect(result.objective == optimum, "\(backend) seed \(seed), warm start \(warmStart != nil)")
            #expect(result.bound.map { abs($0 - optimum) <= 1e-6 * optimum } == true)
            let values = try #require(result.values)
            #expect(values.count == 20 && (0..<4).allSatisfy { values[$0] == start[$0] })
        }
    }

    /// Fixed items heavier than the capacity: no solver sees a row, the model is infeasible.
    @Test(arguments: SolverBackend.allCases)
    func fixedColumnsThatBreakARowAreInfeasible(backend: SolverBackend) throws {
        let knapsack = KnownModelsTests.Knapsack(seed: 7, items: 10)
        var model = Self.large(knapsack.model)
        #expect(FixedColumnReduction(model) == nil)
        for item in 0..<10 { model.tighten(Variable(index: item), lower: 1) }
        #expect(FixedColumnReduction(model)?.contradiction == true)
        #expect(try backend.solver.solve(model).status == .infeasible)
    }

    /// Every column fixed and feasible: the answer is those values, with nothing left to search.
    @Test(arguments: SolverBackend.allCases)
    func aModelWithEveryColumnFixedIsItsOwnOptimum(backend: SolverBackend) throws {
        let knapsack = KnownModelsTests.Knapsack(seed: 7, items: 10)
        var model = Self.large(knapsack.model)
        for item in 0..<10 { model.tighten(Variable(index: item), lower: item == 0 ? 1 : 0, upper: item == 0 ? 1 : 0) }
        let result = try backend.solver.solve(model)
        #expect(result.status == .optimal)
        #expect(result.objective == knapsack.values[0])
        #expect(result.values == [1] + Array(repeating: 0, count: 9))
    }

    /// What is removed: fixed columns, rows left empty, and rows the free columns' bounds imply;
    /// what stays: rows that still bind, moved by the fixed columns' share, and the objective's
    /// constant.
    @Test func removesFixedColumnsAndTheRowsTheyDecide() throws {
        var model = Model()
        let x = model.addVariable("x", lower: 2, upper: 2)
        let y = model.addVariable("y", upper: 3)
        let z = model.addBinary("z")
        model.add(LinearExpression(x) + LinearExpression(y) <= 4, name: "binds")  // y ≤ 2
        model.add(LinearExpression(x) + LinearExpression(z) <= 3, name: "implied")  // z ≤ 1 anyway
        model.add(LinearExpression(x) >= 1, name: "empty")
        model.minimize(3 * LinearExpression(x) - LinearExpression(y) + 1)
        #expect(FixedColumnReduction(model) == nil)  // too small to be worth it
        let reduction = try #require(FixedColumnReduction(model, minimumRows: 0))
        #expect(!reduction.contradiction)
        #expect(reduction.model.columnNames == ["y", "z"])
        #expect(reduction.model.rowNames == ["binds"])
        #expect(reduction.model.rowUpper == [2])
        #expect(reduction.model.objectiveConstant == 7)
        #expect(reduction.restrict([2, 1.5, 1]) == [1.5, 1])
        #expect(reduction.expand([1.5, 1]) == [2, 1.5, 1])
        #expect(FixedColumnReduction(Model(), minimumRows: 0) == nil)
    }
}
