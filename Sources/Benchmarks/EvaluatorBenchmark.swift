import ArgumentParser
import Foundation
import Ingest
import PlacementModel
import Reports

/// Load (parse + decode + validate) and list-schedule evaluation of large generated instances.
struct EvaluatorBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluator",
        abstract: "Time loading and evaluating generated instances of 1,000 to 10,000 layers.",
        discussion: "Writes results/evaluator.md. Example: swift run -c release dnnplace-benchmarks evaluator")

    @Option(help: "Folder to write evaluator.md into.")
    var out = "results"

    @Option(help: "Repetitions per size; the median is reported.")
    var repetitions = 5

    func run() throws {
        var table = TextTable(
            ["layers", "edges", "file", "load (ms)", "evaluate (ms)", "total (ms)"], rightAligned: [0, 1, 2, 3, 4, 5])
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dnnplace-bench-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for layers in [1_000, 10_000] {
            let instance = RandomInstance(layers: layers, seed: 1).instance()
            try instance.json.serialized().write(toFile: scratch, atomically: true, encoding: .utf8)
            let size = (try FileManager.default.attributesOfItem(atPath: scratch)[.size] as? Int) ?? 0
            var loads: [Double] = []
            var evaluations: [Double] = []
            var edges = 0
            for _ in 0..<repetitions {
                let clock = ContinuousClock()
                var problem: Problem?
                loads.append(milliseconds(clock.measure { problem = try? Instance.load(path: scratch) }))
                guard let problem else { throw ValidationError("the generated instance did not load") }
                edges = problem.graph.edgeCount
                // Each layer on its fastest fp32 device, then list scheduled and loaded.
                let assignment = Assignment(
                    device: problem.options.map { $0.min { $0.cost < $1.cost }!.device },
                    precision: [Int](repeating: 0, count: problem.layerCount))
                var evaluation: Evaluation?
                evaluations.append(milliseconds(clock.measure { evaluation = problem.evaluate(assignment) }))
                guard evaluation?.isValid == true else { throw ValidationError("the evaluator rejected the plan") }
            }
            let load = median(loads)
            let evaluate = median(evaluations)
            table.append([
                "\(layers)", "\(edges)", formatBytes(Double(size)), formatSignificant(load, digits: 3),
                formatSignificant(evaluate, digits: 3), formatSignificant(load + evaluate, digits: 3),
            ])
        }
        let report = """
            # Evaluator benchmark

            Load (read, parse, decode, validate, build the compact graph) and evaluate (list-schedule
            latency, throughput loads, memory) of generated CNN-like instances (`RandomInstance`, seed 1,
            ~3 inputs per layer, one CPU + two GPUs), median of \(repetitions) runs, release build.

            Produced by: `swift run -c release dnnplace-benchmarks evaluator`

            ```
            \(table.render())
            ```
            """
        try publish(report, as: "evaluator", in: out)
    }

    private func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
    }

    private func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
