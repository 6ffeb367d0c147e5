import Foundation
import Ingest
@testable import Placement
import PlacementModel
import Testing

@Suite struct LatencyPhasesTests {
    /// The progress lines of a solve, collected from whichever thread reports them.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    static let bert24 = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/instances/neurips20/bert24_inference.latency.json").path

    /// The NeurIPS'20 BERT input's heuristic plan is optimal (100.2185), so the neighbourhood
    /// search cannot improve it, and its relaxation needs about 13 s here. A search that
    /// improves nothing hands the rest of its time to the full model, which proved the plan in
    /// 24 s of a 30 s limit where the widening search had used the time up without a proof.
    /// The test runs GLPK, which takes no process-wide lock: with CBC, whose lock the solves
    /// of the tests running beside it share, the first sweep's windows (0.2 s alone) twice
    /// waited past the search's end, at limits of 5 and 20 s, and the full model rightly had
    /// no time left. The limit, 20 s, leaves the sweep ample time.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: bert24)))
    func aSearchThatImprovesNothingHandsItsTimeToTheFullModel() throws {
        let problem = try Problem(NeurIPS20.load(path: Self.bert24))
        var request = SolveRequest(objective: .latency)
        request.method = .milp
        request.solver = .glpk
        request.timeLimit = 20
        let lines = Lines()
        request.progress = { lines.append($0) }
        let result = try Placer.solve(problem, request)
        #expect(abs(try #require(result.evaluation?.latency) - 100.2185) < 1e-9)
        let phases = lines.all
        let relaxation = try #require(phases.firstIndex { $0.hasPrefix("assignment relaxation, stopped") }, "\(phases)")
        #expect(phases[(relaxation + 1)...].contains { $0.hasPrefix("MILP: ") && $0.contains(" rows, ") }, "\(phases)")
    }

    /// From `kicksFirstLayers` layers local search with kicks runs between the relaxation and
    /// the neighbourhood search (it improved 60 and 100 layers by 0.3 to 2.9% in 60 s); below,
    /// the windows come right after the relaxation, so that the plans the full model proves
    /// reach it early. Either way the plan is valid and not below the bound.
    @Test(arguments: [(40, false), (60, true)])
    func kicksComeBeforeTheWindowsOnLargerInstances(layers: Int, kicked: Bool) throws {
        let problem = try SplitTests.random(layers, seed: 2, objective: .latency)
        var request = SolveRequest(objective: .latency)
        request.method = .milp
        request.timeLimit = 6
        let lines = Lines()
        request.progress = { lines.append($0) }
        let result = try Placer.solve(problem, request)
        let evaluation = try #require(result.evaluation)
        #expect(evaluation.isValid)
        let bound = try #require(result.lowerBound)
        #expect(evaluation.latency >= bound * (1 - 1e-9))
        let phases = lines.all
        let relaxation = try #require(phases.firstIndex { $0.hasPrefix("assignment relaxation") }, "\(phases)")
        let kicks = phases.firstIndex { $0.hasPrefix("local search with kicks") }
        if kicked {
            let kicks = try #require(kicks, "\(phases)")
            #expect(relaxation < kicks)
            #expect(!phases[..<kicks].contains { $0.hasPrefix("neighbourhood search") }, "\(phases)")
        } else {
            #expect(kicks == nil, "\(phases)")
        }
    }
}
