@testable import Placement
import PlacementModel
import Testing

@Suite struct LatencyFormulationTests {
    /// A solution with a zero-cost layer Z starting where the busy layer A does (both on `d0`;
    /// Z feeds Q on `d1`) is rebuilt in its own order: Z first, so Q starts at 0 and the
    /// makespan stays 10. Ordered by start alone, A came first (file order) and Q waited until 10.
    @Test func aZeroCostLayerKeepsItsPlaceBeforeABusyOne() throws {
        let problem = try Problem(Instance(
            name: "zero", devices: [Device(name: "d0", kind: "k", memory: 1e9), Device(name: "d1", kind: "k", memory: 1e9)],
            links: Links(intraServer: Link(bandwidth: 1e9, latency: 0)),
            layers: [
                Layer(name: "A", costs: ["k": ["fp32": 10]], pin: "d0"), Layer(name: "Z", costs: ["k": ["fp32": 0]], pin: "d0"),
                Layer(name: "Q", costs: ["k": ["fp32": 5]], pin: "d1"),
            ], edges: [Edge(from: "Z", to: "Q")]))
        let solution = Assignment(device: [0, 0, 1], precision: [0, 0, 0], start: [0, 0, 0])
        let evaluation = problem.evaluate(solution)
        #expect(evaluation.isValid && evaluation.latency == 10)
        let formulation = LatencyFormulation(problem, upperBound: 15, breakSymmetry: false)
        let values = try #require(formulation.startValues(solution, evaluation, value: 10))
        let rebuilt = problem.evaluate(formulation.plan(from: values))
        #expect(rebuilt.isValid)
        #expect(rebuilt.latency == 10)
    }
}
