import Foundation
import MILP
import Testing

@Suite struct ModelFileTests {
    @Test(arguments: ["model.lp", "model.mps"])
    func exportedModelReadsBackWithTheSameOptimum(fileName: String) throws {
        let knapsack = KnownModelsTests.Knapsack(seed: 9)
        var model = knapsack.model
        // A range row and a free variable exercise every bound type in the writers.
        let free = model.addVariable("free var", lower: -.infinity)
        model.add(LinearConstraint(LinearExpression(free), lower: -3, upper: 2), name: "range")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(fileName).path
        try model.write(to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("x0"))
        let readBack = try Model.read(from: path)
        #expect(readBack.rowCount == model.rowCount)
        // MPS has no objective sense: the maximisation comes back as minimising its negation.
        let expected = fileName.hasSuffix(".mps") ? -knapsack.optimum : knapsack.optimum
        for backend in SolverBackend.allCases {
            let result = try backend.solver.solve(readBack)
            #expect(result.status == .optimal)
            #expect(result.objective.map { abs($0 - expected) < 1e-6 } == true, "\(backend) \(fileName)")
        }
    }

    @Test func unknownExtensionAndGarbageFilesAreErrors() throws {
        #expect(throws: ModelFileError.self) { try Model().write(to: "/tmp/model.txt") }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).lp").path
        try "this is not a model ::: ;;".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ModelFileError.self) { try Model.read(from: path) }
    }
}

@Suite struct ConcurrencyTests {
    /// 200 solves at once across both backends: CBC is serialised behind its lock, GLPK keeps
    /// each problem on its thread; every answer must still equal the DP optimum.
    @Test func twoHundredConcurrentSolvesAreAllCorrect() async throws {
        let wrong = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<200 {
                group.addTask {
                    let knapsack = KnownModelsTests.Knapsack(seed: UInt64(100 + i / 2))
                    let backend = SolverBackend.allCases[i % 2]
                    let result = try? backend.solver.solve(knapsack.model)
                    return result?.objective != knapsack.optimum || result?.status != .optimal
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wrong == 0)
    }
}
