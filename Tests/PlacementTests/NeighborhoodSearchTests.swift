import MILP
@testable import Placement
import PlacementModel
import Testing

@Suite struct NeighborhoodSearchTests {
    /// From the greedy plan of a 40-layer instance the search finds a valid plan 3% better
    /// (measured: 7.88 → 6.65 ms in 8 s; here it stops at 3%, so that a clock slowed by other
    /// tests' solves does not decide), never below the assignment relaxation's bound; a plan
    /// that reaches the search's target is not searched from.
    @Test func improvesTheGreedyPlanAndStaysAboveTheBound() throws {
        let problem = try SplitTests.random(40, seed: 1, objective: .latency)
        let greedy = try #require(Greedy.place(problem, objective: .latency))
        let start = (greedy, problem.evaluate(greedy))
        let request = SolveRequest(objective: .latency)
        let (plan, evaluation) = try NeighborhoodSearch.improve(problem, request, from: start, timeLimit: 600, target: start.1.latency * 0.97)
        #expect(evaluation.isValid)
        #expect(problem.evaluate(plan).latency == evaluation.latency)
        #expect(evaluation.latency <= start.1.latency * 0.97, "greedy \(start.1.latency), search \(evaluation.latency)")
        let relaxation = try AssignmentRelaxation.solve(problem, request, upperBound: start.1.latency, warmStart: start, timeLimit: 20)
        #expect(relaxation.bound > 0)
        #expect(evaluation.latency >= relaxation.bound * (1 - 1e-9))
        // A plan that already reaches the target comes back as given.
        let (kept, _) = try NeighborhoodSearch.improve(problem, request, from: start, timeLimit: 8, target: start.1.latency)
        #expect(kept.device == greedy.device && kept.precision == greedy.precision)
    }

    /// A loose requested gap is about the final proof: the windows still search for a better
    /// plan instead of stopping at their warm starts (which they did with `--gap 0.25`). Without
    /// widening the search runs to its first sweep that improves nothing, not to a clock that
    /// other tests' solves slow down (or to 3% below greedy): with the bug that is the first
    /// sweep, and the plan stays the greedy one.
    @Test func looseRequestedGapStillImproves() throws {
        let problem = try SplitTests.random(40, seed: 1, objective: .latency)
        let greedy = try #require(Greedy.place(problem, objective: .latency))
        let start = (greedy, problem.evaluate(greedy))
        var request = SolveRequest(objective: .latency)
        request.gap = 0.25
        let (_, evaluation) = try NeighborhoodSearch.improve(problem, request, from: start, timeLimit: 600, target: start.1.latency * 0.97, widen: false)
        #expect(evaluation.latency <= start.1.latency * 0.97, "greedy \(start.1.latency), search \(evaluation.latency)")
    }

    /// Without widening the search ends at the first sweep that improves nothing, long before
    /// its time limit (from its own local optimum: 2.5 s in a debug build); widening windows
    /// from the same plan ran for the whole limit here (58.5 s of 60). One sweep of 40 layers is
    /// 10 windows of at most 1 s each, but the clock also runs while other tests' solves hold
    /// CBC's lock (18.7 s once, under a 20 s limit): 45 s separates that from a search that runs
    /// to its 60 s limit.
    @Test func withoutWideningStopsAtALocalOptimum() throws {
        let problem = try SplitTests.random(40, seed: 1, objective: .latency)
        let greedy = try #require(Greedy.place(problem, objective: .latency))
        let request = SolveRequest(objective: .latency)
        let local = try NeighborhoodSearch.improve(problem, request, from: (greedy, problem.evaluate(greedy)), timeLimit: 60, widen: false)
        let clock = ContinuousClock.now
        let (_, evaluation) = try NeighborhoodSearch.improve(problem, request, from: local, timeLimit: 60, widen: false)
        #expect(elapsed(since: clock) < 45)
        #expect(evaluation.latency <= local.1.latency)
    }

    /// Below `minimumLayers` the full MILP is left to do the work: the plan comes back as given.
    @Test func leavesSmallInstancesToTheMILP() throws {
        let problem = try SplitTests.random(NeighborhoodSearch.minimumLayers - 1, seed: 1, objective: .latency)
        let greedy = try #require(Greedy.place(problem, objective: .latency))
        let start = (greedy, problem.evaluate(greedy))
        let (plan, _) = try NeighborhoodSearch.improve(problem, SolveRequest(objective: .latency), from: start, timeLimit: 5)
        #expect(plan.device == greedy.device && plan.precision == greedy.precision)
    }
}
