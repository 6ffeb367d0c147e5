import Ingest
@testable import Placement
import PlacementModel
import Testing

@Suite struct SplitTests {
    static func random(_ layers: Int, seed: UInt64, objective: Objective) throws -> Problem {
        var generator = RandomInstance(layers: layers, seed: seed)
        generator.quantized = true
        generator.objective = objective
        return try Problem(generator.instance())
    }

    /// Split on `problem` for the objective, with a time limit.
    static func split(_ problem: Problem, _ objective: Objective, timeLimit: Double) throws -> PlacementResult {
        var request = SolveRequest(objective: objective)
        request.method = .split
        request.timeLimit = timeLimit
        return try Placer.solve(problem, request)
    }

    /// A 60-layer throughput chain on a `fast` device (memory `fastMemory`) and a `slow` one;
    /// `change` may alter layer i. Each transfer takes 0.25 s of both devices' time, which the
    /// fractional relaxation does not see: its rounding is then no plan at the bound, and split
    /// solves modules.
    static func chain(fastMemory: Double, _ change: (Int, inout Layer) -> Void) throws -> Problem {
        let layers = (0..<60).map { i -> Layer in
            var layer = Layer(name: "L\(i)", params: 1, outputElements: 1, costs: ["f": ["fp32": 1], "s": ["fp32": 1.5 + Double(i % 7) / 10]])
            change(i, &layer)
            return layer
        }
        return try Problem(Instance(
            name: "chain", devices: [Device(name: "fast", kind: "f", memory: fastMemory), Device(name: "slow", kind: "s", memory: 1e9)],
            links: Links(intraServer: Link(bandwidth: 16, latency: 0)), layers: layers,
            edges: zip(layers, layers.dropFirst()).map { Edge(from: $0.name, to: $1.name) }, objective: .throughput,
            commOverlap: false))
    }

    /// Modules see what their layers owe to layers outside them. L0 is cheaper on `slow` but
    /// shares a group with L50, which runs on `fast` only, so the group's device is `fast`; and
    /// L55, pinned to `fast`, needs 40 of its 100 bytes. Split found no plan for the later
    /// module before (L0 put on `slow`; `fast` filled by the first module).
    @Test(arguments: ["group", "pin"])
    func modulesLeaveWhatLaterLayersNeed(constraint: String) throws {
        let problem = try Self.chain(fastMemory: constraint == "pin" ? 100 : 1e9) { i, layer in
            switch (constraint, i) {
            case ("group", 0): layer.costs["s"] = ["fp32": 0.1]; layer.group = "g"
            case ("group", 50): layer.costs["s"] = nil; layer.group = "g"
            case ("pin", 55): layer.params = 10; layer.pin = "fast"
            default: break
            }
        }
        let result = try Self.split(problem, .throughput, timeLimit: 10)
        let plan = try #require(result.assignment, "\(result.message ?? "")")
        #expect(problem.evaluate(plan).isValid)
        #expect(result.message?.contains("modules of at most") == true, "\(result.message ?? "")")
    }

    @Test func modulesAreContiguousBoundedAndKeepTheQuotientAcyclic() throws {
        let problem = try Self.random(300, seed: 2, objective: .latency)
        let modules = ModularSegmentation.modules(problem, maxSize: 20)
        #expect(modules.flatMap { $0 } == problem.graph.topologicalOrder)
        #expect(modules.allSatisfy { $0.count <= 20 && !$0.isEmpty })
        var moduleOf = [Int](repeating: 0, count: problem.layerCount)
        for (k, module) in modules.enumerated() { for v in module { moduleOf[v] = k } }
        for u in 0..<problem.layerCount {
            for w in problem.graph.successors(of: u) { #expect(moduleOf[u] <= moduleOf[w]) }
        }
    }

    @Test func modularityCutsBetweenDenseBlocks() throws {
        // Two 5-layer cliques joined by one light edge: the best cut is between them.
        var layers: [Layer] = []
        var edges: [Edge] = []
        for block in 0..<2 {
            for i in 0..<5 {
                layers.append(Layer(name: "b\(block)_\(i)", outputElements: 1000, costs: ["k": ["fp32": 1]]))
                for j in 0..<i { edges.append(Edge(from: "b\(block)_\(j)", to: "b\(block)_\(i)")) }
            }
        }
        edges.append(Edge(from: "b0_4", to: "b1_0", elements: 1))
        let problem = try Problem(Instance(
            name: "blocks", devices: [Device(name: "d", kind: "k", memory: 1e9)], links: Links(intraServer: nil),
            layers: layers, edges: edges))
        let modules = ModularSegmentation.modules(problem, maxSize: 6)
        #expect(modules.map { $0.map(problem.layerName) } == [
            ["b0_0", "b0_1", "b0_2", "b0_3", "b0_4"], ["b1_0", "b1_1", "b1_2", "b1_3", "b1_4"],
        ])
    }

    @Test func contiguousSplitOfAChainIsBalanced() throws {
        // A chain of 6 unit layers on two equal devices with free links: 3 + 3 is optimal.
        let layers = (0..<6).map { Layer(name: "L\($0)", costs: ["k": ["fp32": 1]]) }
        let edges = (1..<6).map { Edge(from: "L\($0 - 1)", to: "L\($0)") }
        let problem = try Problem(Instance(
            name: "chain", devices: [Device(name: "d0", kind: "k", memory: 1e9), Device(name: "d1", kind: "k", memory: 1e9)],
            links: Links(intraServer: Link(bandwidth: 1e12, latency: 0)), layers: layers, edges: edges, objective: .throughput))
        let plan = try #require(ContiguousSplit.place(problem))
        #expect(problem.evaluate(plan).period == 3)
        #expect(Set(plan.device[0..<3]).count == 1 && Set(plan.device[3..<6]).count == 1)
        // A known period prunes only segments no better plan has: at 3 the same split remains,
        // below it (every split puts 3 units on one device) none does.
        #expect(ContiguousSplit.place(problem, below: 3).map { problem.evaluate($0).period } == 3)
        #expect(ContiguousSplit.place(problem, below: 2.9) == nil)
    }

    @Test(arguments: Objective.allCases)
    func splitOnTwoHundredLayersIsValidAndBeatsGreedy(objective: Objective) throws {
        let problem = try Self.random(200, seed: 4, objective: objective)
        let result = try Self.split(problem, objective, timeLimit: 4)
        let evaluation = try #require(result.evaluation)
        #expect(evaluation.isValid)
        let greedy = problem.evaluate(try #require(Greedy.place(problem, objective: objective)))
        #expect(evaluation.value(objective) <= greedy.value(objective))
        #expect(try #require(result.lowerBound) <= evaluation.value(objective))
    }

    /// Modules that time runs out for are placed without their MILP; the reference plan's slice
    /// is kept only if it fits what the modules solved before left. Kept regardless, it
    /// overspent the budget here (0.0409 of 0.04) at 0.3 s in a release build and 1.1 to 1.6 s in
    /// a debug build, where some modules were solved and the rest not: the limits span both.
    @Test(arguments: [0.3, 0.7, 1.1, 1.3, 1.6, 2.0])
    func modulesThatTimeRunsOutForKeepTheBudget(timeLimit: Double) throws {
        let problem = try Self.random(200, seed: 4, objective: .throughput)
        let result = try Self.split(problem, .throughput, timeLimit: timeLimit)
        #expect(result.evaluation?.isValid == true, "\(result.message ?? "")")
    }

    /// Twin devices 1 and 2 stay interchangeable for a module only while what is placed treats
    /// them alike; else symmetry rows would cut off the module's best plans.
    @Test func placedLayersCanTellTwinDevicesApart() {
        let classes = [[0], [1, 2]]
        typealias Base = ThroughputFormulation.BaseLoad
        #expect(SplitPlacement.classesStayInterchangeable(classes, release: [[0, 5, 5], [1, 2, 2]], base: nil))
        #expect(!SplitPlacement.classesStayInterchangeable(classes, release: [[0, 5, 5], [1, 2, 3]], base: nil))
        #expect(SplitPlacement.classesStayInterchangeable(classes, release: nil, base: Base(device: [7, 2, 2], link: [.pair(0, 3): 1])))
        #expect(!SplitPlacement.classesStayInterchangeable(classes, release: nil, base: Base(device: [7, 2, 3], link: [:])))
        #expect(!SplitPlacement.classesStayInterchangeable(classes, release: nil, base: Base(device: [7, 2, 2], link: [.pair(0, 2): 1])))
        #expect(!SplitPlacement.classesStayInterchangeable(classes, release: nil, base: Base(device: [7, 2, 2], link: [.toHost(1): 1])))
        #expect(SplitPlacement.classesStayInterchangeable(classes, release: nil, base: Base(device: [7, 2, 2], link: [.network(0, 1): 1])))
    }

    /// Measured on this instance: 1.56% above the LP bound after the module pass alone, 0.88% once
    /// the border windows are re-solved (the MILP's proven optimum is 0.07% above that bound).
    @Test func borderWindowsBringThroughputWithinOnePercentOfTheBound() throws {
        let problem = try Self.random(150, seed: 1, objective: .throughput)
        let result = try Self.split(problem, .throughput, timeLimit: 20)
        let evaluation = try #require(result.evaluation)
        #expect(evaluation.isValid)
        #expect(result.message?.contains("border windows improved") == true, "\(result.message ?? "")")
        let bound = try #require(result.lowerBound)
        #expect(evaluation.period <= bound * 1.01)
    }

    /// Measured on this instance: the cheap bounds give 5.59 ms, the relaxation 6.00 ms in 2 s.
    @Test func latencySplitReportsTheAssignmentRelaxationsBound() throws {
        let problem = try Self.random(40, seed: 1, objective: .latency)
        let result = try Self.split(problem, .latency, timeLimit: 10)
        let value = try #require(result.evaluation).latency
        let bound = try #require(result.lowerBound)
        let cheap = LowerBounds.best(LowerBounds.all(problem, .latency))
        #expect(bound > cheap * 1.05)
        #expect(bound <= value)
    }

    @Test(arguments: [Method.greedy, .heft, .single, .dp, .random])
    func methodsAreDeterministicForASeed(method: Method) throws {
        let problem = try Self.random(120, seed: 6, objective: .throughput)
        var request = SolveRequest(objective: .throughput)
        request.method = method
        request.seed = 42
        let first = try Placer.solve(problem, request).assignment
        let second = try Placer.solve(problem, request).assignment
        #expect(first != nil && first == second)
        if method == .random {
            request.seed = 43
            #expect(try Placer.solve(problem, request).assignment != first)
        }
    }

    /// Memory forces one of the first two layers to int8 and the budget allows neither; 23 light
    /// layers follow, so split works in modules, and the first has no plan. The exact method then
    /// proves the instance infeasible from its assignment relaxation; split said "unknown" (fuzz
    /// seed 1670).
    @Test func modulesWithoutAPlanLeaveTheRestToTheExactMethod() throws {
        let layers = (0..<25).map { i in
            Layer(name: "L\(i)", params: i < 2 ? 20 : 0, costs: ["gpu": ["fp32": 2, "int8": 1]], sensitivity: ["int8": 0.004])
        }
        let problem = try Problem(Instance(
            name: "squeeze", precisions: [Precision(name: "fp32", bits: 32), Precision(name: "int8", bits: 8)],
            devices: [Device(name: "g", kind: "gpu", memory: 100)], links: Links(intraServer: Link(bandwidth: 1e9, latency: 0)),
            layers: layers, edges: zip(layers, layers.dropFirst()).map { Edge(from: $0.name, to: $1.name) }, accuracyBudget: 0.003))
        #expect(Feasibility.infeasibilityReason(problem) == nil)
        #expect(problem.layerCount > SplitPlacement.moduleSize[.latency]!)
        let result = try Self.split(problem, .latency, timeLimit: 10)
        #expect(result.status == .infeasible)
        #expect(result.message?.hasSuffix("then the MILP method: infeasible (proved by the solver on the assignment relaxation)") == true, "\(result.message ?? "")")
    }
}
