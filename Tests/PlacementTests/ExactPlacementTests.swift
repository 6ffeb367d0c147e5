import MILP
import Placement
import PlacementModel
import Testing

/// Both MILP backends against the SPEC §6 enumeration oracle on seeded random tiny instances.
@Suite struct ExactPlacementTests {
    static let seeds = 0..<200

    func check(seed: Int, objective: Objective) throws {
        let problem = TinyInstances.make(seed: UInt64(seed), objective: objective)
        let optimum = Oracle.optimum(problem, objective)
        for backend in SolverBackend.allCases {
            var request = SolveRequest(objective: objective)
            request.method = .milp
            request.solver = backend
            request.timeLimit = 20
            let result = try Placer.solve(problem, request)
            guard let optimum else {
                #expect(result.status == .infeasible, "seed \(seed) \(backend): oracle says infeasible, got \(result.status)")
                continue
            }
            #expect(result.status == .optimal, "seed \(seed) \(backend): \(result.status) \(result.message ?? "")")
            let value = try #require(result.evaluation?.value(objective))
            #expect(abs(value - optimum) <= 1e-9 * max(1, optimum), "seed \(seed) \(backend): \(value) vs optimum \(optimum)")
            let bound = try #require(result.lowerBound)
            #expect(bound <= optimum * (1 + 1e-9), "seed \(seed) \(backend): bound \(bound) above optimum \(optimum)")
            // Heuristics are never better than the optimum; local search never worsens its start.
            if let greedy = Greedy.place(problem, objective: objective) {
                let greedyValue = problem.evaluate(greedy).value(objective)
                let local = LocalSearch.improve(problem, from: greedy, objective: objective, deadline: .now + .seconds(5))
                let localEvaluation = problem.evaluate(local)
                #expect(localEvaluation.isValid)
                #expect(greedyValue >= optimum * (1 - 1e-9))
                #expect(localEvaluation.value(objective) >= optimum * (1 - 1e-9))
                #expect(localEvaluation.value(objective) <= greedyValue * (1 + 1e-12))
            }
        }
    }

    @Test(arguments: seeds) func latencyMatchesTheOracle(seed: Int) throws { try check(seed: seed, objective: .latency) }
    @Test(arguments: seeds) func throughputMatchesTheOracle(seed: Int) throws { try check(seed: seed, objective: .throughput) }

    @Test func infeasibleInstancesGiveTheReason() throws {
        let instance = Instance(
            name: "heavy", devices: [Device(name: "g0", kind: "gpu", memory: 16e9), Device(name: "g1", kind: "gpu", memory: 16e9)],
            links: Links(intraServer: Link(bandwidth: 1e9, latency: 0)),
            layers: (0..<4).map { Layer(name: "L\($0)", params: 2.5e9, costs: ["gpu": ["fp32": 1]]) }, edges: [])
        let result = try Placer.solve(try Problem(instance), SolveRequest(objective: .latency))
        #expect(result.status == .infeasible)
        #expect(result.message == "infeasible: layers need at least 40 GB of weights, devices hold 32 GB")
    }
}
