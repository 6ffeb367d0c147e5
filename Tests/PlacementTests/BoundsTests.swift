import Placement
import PlacementModel
import Testing

@Suite struct BoundsTests {
    /// Two identical devices; a 4-layer chain of unit costs plus 4 independent unit layers.
    static let problem: Problem = {
        var layers = (0..<8).map { Layer(name: "L\($0)", costs: ["k": ["fp32": 1]]) }
        layers[7].costs = ["k": ["fp32": 4]]
        return try! Problem(Instance(
            name: "b", devices: [Device(name: "d0", kind: "k", memory: 1), Device(name: "d1", kind: "k", memory: 1)],
            links: Links(intraServer: Link(bandwidth: 1, latency: 0)), layers: layers,
            edges: [Edge(from: "L0", to: "L1"), Edge(from: "L1", to: "L2"), Edge(from: "L2", to: "L3")]))
    }()

    @Test func simpleBoundsMatchHandComputation() {
        // Total work 7 + 4 = 11 on 2 devices: 5.5. Chain L0-L3: 4. Largest layer: 4.
        #expect(LowerBounds.simple(Self.problem, .latency) == [
            LowerBound(name: "criticalPath", value: 4), LowerBound(name: "averageLoad", value: 5.5),
        ])
        #expect(LowerBounds.simple(Self.problem, .throughput) == [
            LowerBound(name: "largestLayer", value: 4), LowerBound(name: "averageLoad", value: 5.5),
        ])
    }

    @Test func fractionalLPIsAtLeastTheLoadBound() throws {
        // The LP splits the work evenly: 5.5 for both objectives (memory does not bind).
        let latency = try #require(FractionalBound.solve(Self.problem, .latency)?.bound)
        let throughput = try #require(FractionalBound.solve(Self.problem, .throughput)?.bound)
        #expect(abs(latency - 5.5) < 1e-6)
        #expect(abs(throughput - 5.5) < 1e-6)
    }

    @Test func fractionalLPSeesMemory() throws {
        // d1 holds 10 bytes: only L7 (8 bytes of weights) fits there, so d0 carries the other 7.
        var instance = Self.problem.instance
        instance.devices[0].memory = 1000
        instance.devices[1].memory = 10
        for v in 0..<7 { instance.layers[v].params = 2 }
        instance.layers[7].params = 2
        let problem = try Problem(instance)
        let bound = try #require(FractionalBound.solve(problem, .throughput)?.bound)
        // Every layer has 8 bytes of weights; fractionally d1 hosts 10 bytes' worth: all of L7
        // (work 4) and a quarter of a unit layer (work 0.25). d0 keeps 7 − 0.25 = 6.75 ≥ 4.25.
        #expect(abs(bound - 6.75) < 1e-6)
    }
}
