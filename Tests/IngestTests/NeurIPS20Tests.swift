import Foundation
import Ingest
import Placement
import PlacementModel
import Testing

@Suite struct NeurIPS20Tests {
    /// Two accelerators, one CPU core; node 3 cannot run on an accelerator.
    static let tiny = """
        {"maxSizePerFPGA": 100, "maxFPGAs": 2, "maxCPUs": 1,
         "nodes": [{"id": 1, "supportedOnFpga": 1, "cpuLatency": 10, "fpgaLatency": 2, "colorClass": 1, "size": 10},
                   {"id": 2, "supportedOnFpga": true, "cpuLatency": 20, "fpgaLatency": 3, "colorClass": 2, "size": 10},
                   {"id": 3, "supportedOnFpga": 0, "cpuLatency": 8, "fpgaLatency": 4, "colorClass": 3, "size": 10}],
         "edges": [{"sourceId": 1, "destId": 2, "cost": 5}, {"sourceId": 2, "destId": 3, "cost": 7},
                   {"sourceId": 1, "destId": 3, "cost": 5}]}
        """

    @Test func periodOfASplitEqualsThePapersMaxLoad() throws {
        let problem = try Problem(NeurIPS20.instance(json: JSONParser.parse(Self.tiny), name: "tiny"))
        let device = ["1": "accel0", "2": "accel1", "3": "cpu0"]
        let plan = Assignment(
            device: (0..<3).map { problem.deviceIndex[device[problem.layerName($0)]!]! }, precision: [0, 0, 0])
        let evaluation = problem.evaluate(plan)
        #expect(evaluation.isValid)
        // The paper: accel0 pays fpga(1) + cost(1) leaving = 2 + 5; accel1 pays fpga(2) + cost(1)
        // entering + cost(2) leaving = 3 + 5 + 7 = 15; the CPU core pays cpuLatency(3) = 8.
        #expect(evaluation.deviceLoad == [7, 15, 8])
        #expect(evaluation.period == 15)
        // Node 3 has no accelerator cost.
        #expect(problem.options[problem.layerIndex["3"]!].map(\.device) == [problem.deviceIndex["cpu0"]!])
    }

    @Test func badInputNamesThePath() {
        #expect {
            try NeurIPS20.instance(json: JSONParser.parse(#"{"maxSizePerFPGA": 1, "maxFPGAs": 1, "maxCPUs": 0, "nodes": [{"id": "x"}], "edges": []}"#), name: "bad")
        } throws: { error in
            (error as? InputError)?.diagnostics.contains { $0.path == "nodes[0].id" } == true
        }
    }

    static let resnet = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/instances/neurips20/resnet50_inference.throughput.json").path

    @Test(.enabled(if: FileManager.default.fileExists(atPath: resnet)))
    func resnet50ReproducesThePapersDPAndNoPlanBeatsItInvalidly() throws {
        let problem = try Problem(NeurIPS20.load(path: Self.resnet))
        #expect(problem.layerCount == 177)
        #expect(problem.deviceCount == 7)
        // The shared README: that repository's DP (optimal among contiguous splits) reaches 33.7747.
        var request = SolveRequest(objective: .throughput)
        request.method = .dp
        let dp = try Placer.solve(problem, request)
        let period = try #require(dp.evaluation?.period)
        #expect(abs(period - 33.7747) < 1e-4)
        // Anything better must be a valid plan (non-contiguous splits may beat the DP) and stay
        // above every proven bound.
        request.method = .local
        request.timeLimit = 3
        let local = try Placer.solve(problem, request)
        let evaluation = try #require(local.evaluation)
        #expect(evaluation.isValid)
        #expect(evaluation.period <= period)
        #expect(try #require(local.lowerBound) <= evaluation.period)
    }
}
