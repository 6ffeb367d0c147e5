import MILP
@testable import Placement
import PlacementModel
import Testing

@Suite struct RelaxationGapTests {
    /// On tiny instances, with a greedy assignment x held: M(x) is the enumeration oracle's best
    /// "append" schedule of x over all topological orders, proven; R(x) ≤ M(x); and the
    /// relaxation's bound is R at its own optimum and at most R(x).
    @Test(arguments: [SolverBackend.cbc, .glpk])
    func heldValuesMatchTheOracle(solver: SolverBackend) throws {
        var checked = 0
        for seed in UInt64(1)...40 {
            let problem = TinyInstances.make(seed: seed, objective: .latency)
            guard let greedy = Greedy.place(problem, objective: .latency), problem.evaluate(greedy).isValid else { continue }
            let best = Oracle.topologicalOrders(problem.graph).map { Oracle.appendSchedule(problem, greedy, $0) }.min()!
            var request = SolveRequest(objective: .latency)
            request.solver = solver
            request.timeLimit = 20
            let gap = try RelaxationGap.measure(problem, plan: greedy, request: request)
            let tolerance = 1e-6 * max(best, 1e-9)
            #expect(abs(gap.atPlan.makespan - best) <= tolerance, "seed \(seed): M(x) \(gap.atPlan.makespan), oracle \(best)")
            #expect(abs(gap.atPlan.makespanBound - best) <= tolerance, "seed \(seed): not proven")
            #expect(gap.atPlan.relaxed <= best + tolerance, "seed \(seed)")
            #expect(gap.bound <= gap.atPlan.relaxed + tolerance, "seed \(seed)")
            let atOptimum = try #require(gap.atRelaxationOptimum)
            #expect(abs(atOptimum.relaxed - gap.bound) <= tolerance, "seed \(seed): R(x*) \(atOptimum.relaxed), bound \(gap.bound)")
            #expect(atOptimum.relaxed <= atOptimum.makespanBound + tolerance, "seed \(seed)")
            checked += 1
        }
        #expect(checked >= 20)
    }
}
