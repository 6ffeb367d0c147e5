import Ingest
@testable import Placement
import PlacementModel
import Testing

@Suite struct HeuristicsTests {
    /// A problem for the memory and budget tests below: precisions by name (fp32, fp16, int8),
    /// devices on one server joined by a link of `bandwidth` bytes per second.
    static func problem(
        precisions: [String] = ["fp32"], devices: [Device], layers: [Layer], edges: [Edge] = [], bandwidth: Double = 1e9,
        budget: Double? = nil
    ) throws -> Problem {
        let bits = ["fp32": 32, "fp16": 16, "int8": 8]
        return try Problem(Instance(
            name: "heuristics", precisions: precisions.map { Precision(name: $0, bits: bits[$0]!) }, devices: devices,
            links: Links(intraServer: Link(bandwidth: bandwidth, latency: 0)), layers: layers, edges: edges,
            accuracyBudget: budget))
    }

    /// Greedy's plan for each objective; a missing plan fails the test.
    static func greedyPlans(_ problem: Problem, sourceLocation: SourceLocation = #_sourceLocation) throws -> [Assignment] {
        try Objective.allCases.map {
            try #require(Greedy.place(problem, objective: $0), "no plan for \($0)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [10, 40, 200])
    func precisionAllocationSpendsAtMostTheBudget(layers: Int) throws {
        var generator = RandomInstance(layers: layers, seed: 3)
        generator.quantized = true
        let problem = try Problem(generator.instance())
        let caps = try #require(PrecisionAllocation.caps(problem))
        #expect(caps.reduce(0, +) <= problem.instance.accuracyBudget! * (1 + 1e-12))
        // Some budget is used: fp16 is nearly free and saves 45% of the time.
        #expect(caps.contains { $0 > 0 })
        let plan = try #require(Greedy.place(problem, rule: .earliestFinish, caps: caps))
        #expect(problem.evaluate(plan).isValid)
    }

    /// HEFT on one device with a layer of zero cost: A (10) at 0, Z (0) at 0, then Z's successor
    /// Q (5) must wait for A. It was put over A (the plan failed evaluation, so HEFT found none).
    @Test func heftKeepsLayersApartAroundZeroCostLayers() throws {
        let problem = try Self.problem(
            devices: [Device(name: "d", kind: "k", memory: 1e9)],
            layers: [
                Layer(name: "A", costs: ["k": ["fp32": 10]]), Layer(name: "Z", costs: ["k": ["fp32": 0]]),
                Layer(name: "Q", costs: ["k": ["fp32": 5]]),
            ], edges: [Edge(from: "Z", to: "Q")])
        let plan = try #require(Greedy.place(problem, objective: .latency, rule: .earliestFinish, order: .upwardRank, insertion: true))
        let evaluation = problem.evaluate(plan)
        #expect(evaluation.isValid, "\(evaluation.violations)")
        #expect(plan.start == [0, 0, 10])
        #expect(evaluation.latency == 15)
    }

    /// A layer that can run on one device only keeps room there: the fast, small GPU holds 100
    /// bytes, `a` (80 bytes) prefers it, but `b` (40 bytes) is pinned to it. Greedy put `a` there
    /// first and then found no plan.
    @Test func greedyLeavesRoomForPinnedLayers() throws {
        let problem = try Self.problem(
            devices: [Device(name: "cpu", kind: "cpu", memory: 1e9), Device(name: "gpu", kind: "gpu", memory: 100)],
            layers: [
                Layer(name: "a", params: 20, costs: ["cpu": ["fp32": 9], "gpu": ["fp32": 1]]),
                Layer(name: "b", params: 10, costs: ["cpu": ["fp32": 9], "gpu": ["fp32": 1]], pin: "gpu"),
            ])
        for plan in try Self.greedyPlans(problem) {
            #expect(plan.device == [0, 1])
        }
    }

    /// `b` (100 bytes) may run on two GPUs, but fits only the 100-byte one: it keeps room
    /// there as a pinned layer does. Greedy counted the 1-byte GPU as a choice, put `a` on the
    /// 100-byte one, and then found no plan.
    @Test func greedyLeavesRoomForALayerThatFitsOneDeviceOnly() throws {
        let problem = try Self.problem(
            devices: [Device(name: "cpu", kind: "cpu", memory: 1e9), Device(name: "gpu", kind: "gpu", memory: 100),
                      Device(name: "tiny", kind: "gpu", memory: 1)],
            layers: [
                Layer(name: "a", params: 5, costs: ["cpu": ["fp32": 9], "gpu": ["fp32": 1]]),
                Layer(name: "b", params: 25, costs: ["gpu": ["fp32": 1]]),
            ])
        #expect(MemoryRoom(problem).onlyDevice[1] == 1)
        for plan in try Self.greedyPlans(problem) {
            #expect(plan.device == [0, 1])
        }
    }

    /// `x` fits the 100-byte GPU at fp16, but pinned `p` needs all of it, so `x` can only run
    /// at int8 on the 50-byte NPU and fills it. Greedy saw two devices for `x`, put `t`
    /// (4 bytes, faster on the NPU) there first, and then found no plan (a fuzzed instance).
    @Test func greedyLeavesRoomForALayerWhoseOtherDeviceAPinnedLayerFills() throws {
        let problem = try Self.problem(
            precisions: ["fp32", "fp16", "int8"],
            devices: [Device(name: "cpu", kind: "cpu", memory: 1e9), Device(name: "npu", kind: "npu", memory: 50),
                      Device(name: "gpu", kind: "gpu", memory: 100, precisions: ["fp32", "fp16"])],
            layers: [
                Layer(name: "t", params: 1, costs: ["cpu": ["fp32": 9], "npu": ["fp32": 1]]),
                Layer(name: "x", params: 50, costs: ["npu": ["int8": 1], "gpu": ["fp16": 1]]),
                Layer(name: "p", params: 50, costs: ["gpu": ["fp32": 1, "fp16": 1]], pin: "gpu"),
            ], edges: [Edge(from: "t", to: "x")])
        let room = MemoryRoom(problem)
        #expect(room.onlyDevice == [0, 1, 2])
        #expect(room.leastWeight == [4, 50, 100])
        for plan in try Self.greedyPlans(problem) {
            #expect(plan.device == [0, 1, 2])
        }
    }

    /// `x` (100 bytes at fp16) needs one of the two 100-byte GPUs to itself. `s` and `t`
    /// (4 bytes each, faster on a GPU) come first: once `s` takes one GPU, `x` is held to the
    /// other, and `t` must go beside `s` or to the CPU. Greedy put `t` on the other GPU and
    /// then had no place for `x` (fuzz seed 1595, with three such devices).
    @Test func greedyHoldsALayerToTheLastDeviceWithRoomForIt() throws {
        let problem = try Self.problem(
            precisions: ["fp32", "fp16"],
            devices: [Device(name: "cpu", kind: "cpu", memory: 1e9), Device(name: "gpu0", kind: "gpu", memory: 100),
                      Device(name: "gpu1", kind: "gpu", memory: 100)],
            layers: [
                Layer(name: "s", params: 1, costs: ["cpu": ["fp32": 9], "gpu": ["fp32": 1]]),
                Layer(name: "t", params: 1, costs: ["cpu": ["fp32": 9], "gpu": ["fp32": 1]]),
                Layer(name: "x", params: 50, costs: ["gpu": ["fp16": 1]]),
            ], edges: [Edge(from: "s", to: "x"), Edge(from: "t", to: "x")])
        #expect(MemoryRoom(problem).onlyDevice == [nil, nil, nil])
        for plan in try Self.greedyPlans(problem) {
            #expect(plan.device[2] != 0 && !plan.device[0...1].contains(plan.device[2]), "\(plan.device)")
        }
    }

    /// Once `a` puts the group {a, c} on npu0 (80 of its 100 bytes), `c` (4 bytes) must follow.
    /// `b` (20 bytes) would rather stay beside `a`, whose output is slow to move, but that
    /// leaves `c` no room: greedy filled npu0 with `b` and found no plan (fuzz seed 1952).
    @Test func greedyKeepsRoomForTheRestOfAPlacedGroup() throws {
        let problem = try Self.problem(
            devices: [Device(name: "cpu", kind: "cpu", memory: 1e9), Device(name: "npu0", kind: "npu", memory: 100),
                      Device(name: "npu1", kind: "npu", memory: 100)],
            layers: [
                Layer(name: "a", params: 20, outputElements: 1e6, costs: ["npu": ["fp32": 1]], group: "g"),
                Layer(name: "b", params: 5, costs: ["cpu": ["fp32": 9], "npu": ["fp32": 1]]),
                Layer(name: "c", params: 1, costs: ["npu": ["fp32": 1]], group: "g"),
            ], edges: [Edge(from: "a", to: "b"), Edge(from: "b", to: "c")], bandwidth: 1e3)
        for plan in try Self.greedyPlans(problem) {
            #expect(plan.device[2] == plan.device[0] && plan.device[1] != plan.device[0], "\(plan.device)")
        }
    }

    /// The group {a, b} (40 bytes) prefers the 100-byte device, which `p` (80 bytes, pinned)
    /// needs. Greedy checked the group's weight against the device's free memory without the
    /// room kept for `p`, put `a` there, and then had no place for `b`.
    @Test func greedyPlacesAGroupBesideTheRoomPinnedLayersNeed() throws {
        let problem = try Self.problem(
            devices: [Device(name: "big", kind: "g", memory: 1e9), Device(name: "small", kind: "s", memory: 100)],
            layers: [
                Layer(name: "a", costs: ["g": ["fp32": 9], "s": ["fp32": 1]], group: "pair"),
                Layer(name: "b", params: 10, costs: ["g": ["fp32": 9], "s": ["fp32": 1]], group: "pair"),
                Layer(name: "p", params: 20, costs: ["g": ["fp32": 9], "s": ["fp32": 1]], pin: "small"),
            ], edges: [Edge(from: "a", to: "b")])
        for plan in try Self.greedyPlans(problem) {
            #expect(plan.device == [0, 0, 1])
        }
    }

    /// `b` is pinned to a 10-byte device where only int8 fits (penalty 0.004 of a 0.005 budget),
    /// so `a` must not spend 0.003 on fp16. Greedy counted `b`'s fp32 (which cannot fit) as its
    /// cheapest choice, reserved nothing, and then found no plan.
    @Test func greedyReservesTheBudgetAPinnedLayerCannotAvoid() throws {
        let problem = try Self.problem(
            precisions: ["fp32", "fp16", "int8"],
            devices: [Device(name: "big", kind: "g", memory: 1e9), Device(name: "small", kind: "g", memory: 10)],
            layers: [
                Layer(name: "a", params: 10, costs: ["g": ["fp32": 2, "fp16": 1]], sensitivity: ["fp16": 0.003]),
                Layer(name: "b", params: 10, costs: ["g": ["fp32": 1, "int8": 1]], sensitivity: ["int8": 0.004], pin: "small"),
            ], budget: 0.005)
        for plan in try Self.greedyPlans(problem) {
            #expect(plan.precision == [0, 2])
        }
    }

    /// `a` and `b` form a group; `a` is fastest on a 10-byte device, where only `b`'s int8
    /// (penalty 0.004 of a 0.005 budget) fits. Once `a` is there, `c` must not spend 0.003 on
    /// fp16. Greedy kept reserving `b`'s fp32 (which fits the other device), and then found no
    /// plan.
    @Test func greedyReservesTheBudgetAGroupsDeviceForces() throws {
        let problem = try Self.problem(
            precisions: ["fp32", "fp16", "int8"],
            devices: [Device(name: "big", kind: "g", memory: 1e9), Device(name: "fast", kind: "f", memory: 10)],
            layers: [
                Layer(name: "a", costs: ["g": ["fp32": 5], "f": ["fp32": 1]], group: "pair"),
                Layer(name: "c", costs: ["g": ["fp32": 2, "fp16": 1], "f": ["fp32": 2, "fp16": 1]], sensitivity: ["fp16": 0.003]),
                Layer(name: "b", params: 10, costs: ["g": ["fp32": 1], "f": ["fp32": 1, "int8": 1]], sensitivity: ["int8": 0.004], group: "pair"),
            ], edges: [Edge(from: "a", to: "c"), Edge(from: "c", to: "b")], budget: 0.005)
        for plan in try Self.greedyPlans(problem) {
            #expect(problem.evaluate(plan).isValid)
            #expect(plan.device[0] == plan.device[2])
            if plan.device[0] == 1 { #expect(plan.precision == [0, 0, 2]) }
        }
    }

    /// `b` (10 parameters) fits in 10 bytes only at int8, which the fast device does not run;
    /// its group mate `a` is fastest there. Greedy sent `a` there (the group's least weight, `b`
    /// at int8 elsewhere, fits) and then found no option for `b`.
    @Test func greedyKeepsAGroupOffADeviceAMemberCannotUse() throws {
        let problem = try Self.problem(
            precisions: ["fp32", "int8"],
            devices: [Device(name: "big", kind: "g", memory: 1e9), Device(name: "fast", kind: "f", memory: 10)],
            layers: [
                Layer(name: "a", costs: ["g": ["fp32": 2], "f": ["fp32": 1]], group: "pair"),
                Layer(name: "b", params: 10, costs: ["g": ["fp32": 1, "int8": 1], "f": ["fp32": 1]], group: "pair"),
            ], edges: [Edge(from: "a", to: "b")])
        for plan in try Self.greedyPlans(problem) {
            #expect(plan.device == [0, 0])
        }
    }

    @Test func greedyRespectsMemoryGroupsAndPins() throws {
        // Two GPUs of 100 bytes; the group {a, b} needs 120 bytes together: it must take the
        // 200-byte CPU; c is pinned to gpu1.
        let problem = try Self.problem(
            devices: [Device(name: "cpu", kind: "cpu", memory: 200), Device(name: "gpu0", kind: "gpu", memory: 100),
                      Device(name: "gpu1", kind: "gpu", memory: 100)],
            layers: [
                Layer(name: "a", params: 15, costs: ["cpu": ["fp32": 9], "gpu": ["fp32": 1]], group: "g"),
                Layer(name: "b", params: 15, costs: ["cpu": ["fp32": 9], "gpu": ["fp32": 1]], group: "g"),
                Layer(name: "c", params: 1, costs: ["cpu": ["fp32": 1], "gpu": ["fp32": 1]], pin: "gpu1"),
            ], edges: [Edge(from: "a", to: "b"), Edge(from: "b", to: "c")], bandwidth: 1e6)
        for plan in try Self.greedyPlans(problem) {
            #expect(plan.device == [0, 0, 2])
            #expect(problem.evaluate(plan).isValid)
        }
    }

    /// `big` and `other` are whole (loads 4 and 10, bound 9); `t` (fractional cost 2) is rounded
    /// first, onto d0, the one of its two halves that stays within the bound (6). `s` is split
    /// between int8 on d0 and fp32 on d1 (accuracy cost 0.2): with a budget of 0.5, int8 (0.4)
    /// fits the budget and d0 (7); with 0.3 it does not, fp32 on d1 would exceed the bound (14),
    /// and `s` takes the fastest option that fits, fp32 on d0 (8), which the relaxation did not use.
    @Test(arguments: [(0.5, 1), (0.3, 0)])
    func lpRoundingKeepsWholeChoicesAndRoundsSplitLayersWithinTheBudget(budget: Double, precisionOfS: Int) throws {
        let problem = try Self.problem(
            precisions: ["fp32", "int8"],
            devices: [Device(name: "d0", kind: "g", memory: 1e9), Device(name: "d1", kind: "g", memory: 1e9)],
            layers: [
                Layer(name: "big", costs: ["g": ["fp32": 4]]), Layer(name: "other", costs: ["g": ["fp32": 10]]),
                Layer(name: "s", costs: ["g": ["fp32": 2, "int8": 1]], sensitivity: ["int8": 0.4]),
                Layer(name: "t", costs: ["g": ["fp32": 2]]),
            ], budget: budget)
        func fractions(_ v: Int, _ shares: [(device: Int, precision: Int, share: Double)]) -> [Double] {
            problem.options[v].map { option in
                shares.first { $0.device == option.device && $0.precision == option.precision }?.share ?? 0
            }
        }
        let plan = LPRounding.place(problem, FractionalSolution(bound: 9, fractions: [
            fractions(0, [(0, 0, 1)]), fractions(1, [(1, 0, 1)]), fractions(2, [(0, 1, 0.5), (1, 0, 0.5)]),
            fractions(3, [(0, 0, 0.5), (1, 0, 0.5)]),
        ]), rule: .largestShare)
        #expect(plan.device == [0, 1, 0, 0])
        #expect(plan.precision == [0, 0, precisionOfS, 0])
    }

    /// `a` and `b` are whole (loads 5 on d0 and 2 on d1, bound 10). `u` (cost 4) is split 0.6 on
    /// d0 and 0.4 on d1 and is rounded first: the largest share fits (9), while the least load is
    /// d1's (6). `w` (cost 3, even shares) then fits only on d1 after the first, and goes to d0,
    /// the less loaded, after the second.
    @Test(arguments: [(LPRounding.Rule.largestShare, [0, 1, 0, 1]), (.leastLoad, [0, 1, 1, 0])])
    func lpRoundingRulesPickTheLargestShareOrTheLeastLoad(rule: LPRounding.Rule, devices: [Int]) throws {
        let problem = try Self.problem(
            devices: [Device(name: "d0", kind: "g", memory: 1e9), Device(name: "d1", kind: "g", memory: 1e9)],
            layers: [
                Layer(name: "a", costs: ["g": ["fp32": 5]]), Layer(name: "b", costs: ["g": ["fp32": 2]]),
                Layer(name: "u", costs: ["g": ["fp32": 4]]), Layer(name: "w", costs: ["g": ["fp32": 3]]),
            ])
        let plan = LPRounding.place(problem, FractionalSolution(bound: 10, fractions: [[1, 0], [0, 1], [0.6, 0.4], [0.5, 0.5]]), rule: rule)
        #expect(plan.device == devices)
    }

    /// For throughput the fractional LP is nearly tight on generated DAGs and its vertex splits
    /// few layers, so its rounding is within 1% of the bound where the other heuristics are
    /// several percent above it.
    @Test func theThroughputPortfolioRoundsTheFractionalRelaxation() throws {
        let problem = try SplitTests.random(200, seed: 1, objective: .throughput)
        let fractional = try #require(LowerBounds.withSolution(problem, .throughput).fractional)
        let rounded = problem.evaluate(try #require(Placer.portfolio(problem, .throughput, fractional: fractional)))
        let without = problem.evaluate(try #require(Placer.portfolio(problem, .throughput)))
        #expect(rounded.isValid && rounded.period <= fractional.bound * 1.01, "\(rounded.period) against \(fractional.bound)")
        #expect(without.period > fractional.bound * 1.03, "\(without.period) against \(fractional.bound)")
    }

    /// The contiguous split's DP is skipped only when a rounding is within `dpSkipGap` of the
    /// bound: on a chain whose transfers (charged to the devices) the relaxation does not see,
    /// no rounding is, and the DP's plan is the best of the portfolio.
    @Test func theThroughputPortfolioKeepsTheDPWhileNoRoundingIsNearTheBound() throws {
        let problem = try SplitTests.chain(fastMemory: 1e9) { _, _ in }
        let fractional = try #require(LowerBounds.withSolution(problem, .throughput).fractional)
        let dp = problem.evaluate(try #require(ContiguousSplit.place(problem)))
        let others = LPRounding.Rule.allCases.map { problem.evaluate(LPRounding.place(problem, fractional, rule: $0)) }
            + [problem.evaluate(try #require(Greedy.place(problem, objective: .throughput)))]
        let portfolio = problem.evaluate(try #require(Placer.portfolio(problem, .throughput, fractional: fractional)))
        #expect(others.allSatisfy { $0.period > dp.period }, "\(others.map(\.period)) against \(dp.period)")
        #expect(portfolio.period == dp.period)
    }

    /// Above the LP's size limit the Lagrangian relaxation's choices, averaged, are nearly
    /// balanced, and their rounding is as close to the bound (greedy: over 3% above it).
    @Test func aboveTheLPsLimitTheLagrangianChoicesAreRounded() throws {
        let problem = try SplitTests.random(LowerBounds.lpLayerLimit + 500, seed: 1, objective: .throughput)
        let fractional = try #require(LowerBounds.withSolution(problem, .throughput).fractional)
        let rounded = problem.evaluate(LPRounding.place(problem, fractional, rule: .largestShare))
        let greedy = problem.evaluate(try #require(Greedy.place(problem, objective: .throughput)))
        #expect(rounded.isValid && rounded.period <= fractional.bound * 1.01, "\(rounded.period) against \(fractional.bound)")
        #expect(greedy.period > fractional.bound * 1.03, "\(greedy.period) against \(fractional.bound)")
    }

    @Test func localSearchImprovesALargeGreedyPlan() throws {
        var generator = RandomInstance(layers: 60, seed: 5)
        generator.quantized = true
        let problem = try Problem(generator.instance())
        let greedy = try #require(Greedy.place(problem, objective: .latency))
        let local = LocalSearch.improve(problem, from: greedy, objective: .latency, deadline: .now + .seconds(30))
        #expect(problem.evaluate(local).isValid)
        #expect(problem.evaluate(local).latency < problem.evaluate(greedy).latency)
    }

    /// Kicks take local search past the optimum of single moves, where plain climbing stops,
    /// and a count of them gives one plan whatever the machine's speed.
    @Test(arguments: Objective.allCases)
    func kicksLeaveTheLocalOptimumOfSingleMoves(objective: Objective) throws {
        var generator = RandomInstance(layers: 40, seed: 2)
        generator.quantized = true
        let problem = try Problem(generator.instance())
        let greedy = try #require(Greedy.place(problem, objective: objective))
        let climbed = LocalSearch.improve(problem, from: greedy, objective: objective, deadline: .now + .seconds(600))
        let kicked = LocalSearch.improve(problem, from: greedy, objective: objective, deadline: .now + .seconds(600), kicks: 20)
        let (before, after) = (problem.evaluate(climbed), problem.evaluate(kicked))
        #expect(after.isValid)
        #expect(after.value(objective) < before.value(objective) * (1 - 1e-6), "\(after.value(objective)) against \(before.value(objective))")
        let again = LocalSearch.improve(problem, from: greedy, objective: objective, deadline: .now + .seconds(600), kicks: 20)
        #expect(again.device == kicked.device && again.precision == kicked.precision)
    }

    /// Two layers that each fill a 100 KB device at fp16 need two of the three: a random draw
    /// that first put small layers on two of them had no plan (fuzz seed 1582: seeds 1, 4, 5
    /// and 7 of 8). `random` draws again, from the requested seed on.
    @Test func randomDrawsAgainWhenADrawLeavesALayerNoRoom() throws {
        let problem = try Self.problem(
            precisions: ["fp32", "fp16"],
            devices: [Device(name: "tiny", kind: "k", memory: 1000)] + (1...3).map { Device(name: "d\($0)", kind: "k", memory: 100_000) },
            layers: [
                Layer(name: "a", params: 1000, costs: ["k": ["fp32": 1e-5, "fp16": 0]]),
                Layer(name: "b", params: 10, costs: ["k": ["fp32": 1e-3]]),
                Layer(name: "big1", params: 50_000, costs: ["k": ["fp32": 0, "fp16": 1e-5]]),
                Layer(name: "big2", params: 50_000, costs: ["k": ["fp32": 0, "fp16": 1e-4]]),
                Layer(name: "c", params: 10, costs: ["k": ["fp32": 0, "fp16": 0]]),
            ],
            edges: [Edge(from: "a", to: "b"), Edge(from: "a", to: "big1"), Edge(from: "a", to: "c"), Edge(from: "b", to: "c")])
        for seed: UInt64 in 1...8 {
            var request = SolveRequest(objective: .throughput)
            request.method = .random
            request.seed = seed
            let result = try Placer.solve(problem, request)
            let plan = try #require(result.assignment, "seed \(seed): \(result.message ?? "")")
            #expect(problem.evaluate(plan).isValid)
        }
    }
}
