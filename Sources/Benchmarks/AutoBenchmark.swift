import ArgumentParser
import Foundation
import Ingest
import Placement
import PlacementModel
import Reports

/// Where `--method auto` should switch from the MILP method to split for latency: both under
/// the same wall-clock limit, on the generated instances of the MILP benchmark. Above the sizes
/// the MILP proves, its plan comes from its neighbourhood search, so the question is which
/// method ends with the better plan and bound, not which one closes.
struct AutoBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auto",
        abstract: "Compare the MILP method and split at equal time limits (latency).",
        discussion: "Writes results/auto.md. Example: swift run -c release dnnplace-benchmarks auto --instances instances/randwire-ws32-small.json")

    @Option(help: "Folder to write into.")
    var out = "results"

    @Option(parsing: .upToNextOption, help: "Wall-clock limits in seconds.")
    var timeLimits: [Double] = [10, 60]

    @Option(parsing: .upToNextOption, help: "Layer counts.")
    var sizes: [Int] = [40, 60, 100, 150, 200]

    @Option(parsing: .upToNextOption, help: "Generator seeds: one instance per seed and size.")
    var seeds: [UInt64] = [1, 2]

    @Option(parsing: .upToNextOption, help: "Instance files to compare on as well (their latency), e.g. the bundled ones.")
    var instances: [String] = []

    func run() throws {
        var table = TextTable(
            ["limit s", "instance", "layers", "milp ms", "split ms", "milp bound", "split bound", "split / milp"],
            rightAligned: Set([0] + Array(2..<8)))
        func ms(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1e3) }
        let generated = try sizes.flatMap { layers in
            try seeds.map { seed in
                var generator = RandomInstance(layers: layers, seed: seed)
                generator.quantized = true
                return try Problem(generator.instance())
            }
        }
        let problems = try generated + instances.map { try Instance.load(path: $0) }
        for limit in timeLimits {
            for problem in problems {
                let name = problem.instance.name
                let results = try [Method.milp, .split].map { method in
                    var request = SolveRequest(objective: .latency)
                    request.method = method
                    request.timeLimit = limit
                    let result = try Placer.solve(problem, request)
                    guard let value = result.evaluation?.latency else { throw ValidationError("\(method) found no plan for \(name)") }
                    return (value: value, bound: result.lowerBound)
                }
                FileHandle.standardError.write(Data("\(Int(limit)) s, \(name): done\n".utf8))
                table.append([
                    "\(Int(limit))", name, "\(problem.layerCount)", ms(results[0].value), ms(results[1].value),
                    results[0].bound.map(ms) ?? "-", results[1].bound.map(ms) ?? "-", String(format: "%.4f", results[1].value / results[0].value),
                ])
            }
        }
        let report = """
            # `auto` for latency: the MILP method or split

            Both methods under the same wall-clock limit on the instances of `milp.md`
            (`random-N-sS`: `RandomInstance`, fp32/fp16/int8 with an accuracy budget, a Xeon, an
            A100 and a T4) and on any instance files named; CBC, one thread, release build, this
            2-core machine, one solve at a time. Latency and the best proven lower bound in ms;
            `split / milp` above 1 means the MILP method's plan is better. `auto` takes the MILP
            method up to the size where split stops losing to it.

            Produced by: `swift run -c release dnnplace-benchmarks \(CommandLine.arguments.dropFirst().joined(separator: " "))`

            ```
            \(table.render())
            ```
            """
        try publish(report, as: "auto", in: out)
    }
}
