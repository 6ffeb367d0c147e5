@testable import Placement
import PlacementModel
import Testing

@Suite struct PlacerTests {
    /// A chain of `layers` layers, each 1 ms on the GPU and 3 ms on the CPU: every layer on the
    /// GPU is optimal, and its latency equals the critical path at cheapest costs (a proven bound).
    static func gpuChain(_ layers: Int) throws -> Problem {
        let names = (0..<layers).map { "L\($0)" }
        return try Problem(Instance(
            name: "chain",
            devices: [Device(name: "cpu", kind: "cpu", memory: 1e9), Device(name: "gpu", kind: "gpu", memory: 1e9)],
            links: Links(intraServer: Link(bandwidth: 1e9, latency: 1e-5)),
            layers: names.map { Layer(name: $0, params: 10, outputElements: 1000, costs: ["cpu": ["fp32": 3e-3], "gpu": ["fp32": 1e-3]]) },
            edges: zip(names, names.dropFirst()).map { Edge(from: $0, to: $1) }))
    }

    static func solve(_ problem: Problem, _ method: Method, _ objective: Objective = .latency) throws -> PlacementResult {
        var request = SolveRequest(objective: objective)
        request.method = method
        request.timeLimit = 30
        return try Placer.solve(problem, request)
    }

    @Test(arguments: [Method.greedy, .heft, .single, .local])
    func aHeuristicPlanAtAProvenBoundIsReportedOptimal(method: Method) throws {
        let result = try Self.solve(Self.gpuChain(5), method)
        #expect(abs(try #require(result.evaluation?.latency) - 5e-3) < 1e-15)
        #expect(abs(try #require(result.lowerBound) - 5e-3) < 1e-15)
        #expect(result.status == .optimal)
    }

    @Test func aHeuristicPlanAboveItsBoundStaysFeasible() throws {
        // Throughput: the chain's best period splits it between the devices (3:1 layers, 3 ms),
        // while the single-device plan takes 8 ms.
        let result = try Self.solve(Self.gpuChain(8), .single, .throughput)
        #expect(abs(try #require(result.evaluation?.period) - 8e-3) < 1e-15)
        #expect(try #require(result.lowerBound) < 8e-3)
        #expect(result.status == .feasible)
    }

    /// Above one module, split returns the heuristic plan at once when it meets the bound,
    /// instead of solving modules and searching until the time limit.
    @Test func splitStopsWhenTheHeuristicPlanMeetsTheBound() throws {
        let result = try Self.solve(Self.gpuChain(60), .split)
        #expect(result.status == .optimal)
        #expect(abs(try #require(result.evaluation?.latency) - 60e-3) < 1e-15)
        #expect(result.message == "the heuristic plan meets the lower bound, so no module was solved")
    }

    /// `auto` runs the MILP method for latency up to 300 layers (where it measured ahead of
    /// split, `results/auto.md`), else split. On these chains both return the heuristic plan at
    /// its bound at once.
    @Test(arguments: [(300, "auto (milp)"), (301, "auto (split)")])
    func autoPicksTheMILPMethodForLatencyUpTo300Layers(layers: Int, method: String) throws {
        let result = try Self.solve(Self.gpuChain(layers), .auto)
        #expect(result.status == .optimal)
        #expect(result.method == method)
    }
}
