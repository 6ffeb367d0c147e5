import ArgumentParser
import Foundation
import Ingest
import MILP
import Placement
import PlacementModel
import Reports

/// Time to proven optimality and the gap at the limit of the exact method, on generated
/// CNN-like DAGs (one CPU + two GPUs, fp32/fp16/int8, an accuracy budget), for both solvers,
/// and the effect of the warm start and of symmetry breaking (on a machine with twin GPUs).
struct MILPBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "milp",
        abstract: "Benchmark the exact MILP: time to optimality and gap at the limit.",
        discussion: "Writes results/milp.md and results/milp.csv. Example: swift run -c release dnnplace-benchmarks milp")

    @Option(help: "Folder to write into.")
    var out = "results"

    @Option(help: "Seconds per solve.")
    var timeLimit: Double = 60

    @Option(parsing: .upToNextOption, help: "Layer counts.")
    var sizes: [Int] = [10, 20, 40, 60, 100]

    @Option(parsing: .upToNextOption, help: "Generator seeds: one instance per seed and size.")
    var seeds: [UInt64] = [1]

    @Option(parsing: .upToNextOption, help: "Objectives to run.")
    var objectives: [Objective] = Objective.allCases

    @Flag(help: "Only the first variant (CBC with warm start and symmetry breaking), e.g. over many seeds.")
    var cbcOnly = false

    @Option(help: "Inputs per layer: 1 to ⌊2·degree⌋−1 (`dnnplace generate random --degree`).")
    var degree = 3.0

    @Option(help: "How many layers back a layer may read from (`dnnplace generate random --window`).")
    var window = 16

    @Flag(help: "fp32 only, without an accuracy budget (default: fp32, fp16 and int8 with a budget).")
    var fp32 = false

    struct Variant {
        let name: String
        let solver: SolverBackend
        let twins: Bool
        let symmetry: Bool
        let warmStart: Bool
    }

    static let variants = [
        Variant(name: "cbc", solver: .cbc, twins: false, symmetry: true, warmStart: true),
        Variant(name: "glpk", solver: .glpk, twins: false, symmetry: true, warmStart: true),
        Variant(name: "cbc, no warm start", solver: .cbc, twins: false, symmetry: true, warmStart: false),
        Variant(name: "cbc, twin GPUs", solver: .cbc, twins: true, symmetry: true, warmStart: true),
        Variant(name: "cbc, twin GPUs, no symmetry breaking", solver: .cbc, twins: true, symmetry: false, warmStart: true),
    ]

    func validate() throws {
        guard degree >= 1, window >= 1 else { throw ValidationError("--degree and --window must be at least 1") }
    }

    func run() throws {
        var csv = ["objective,layers,seed,edges,variant,status,value,lowerBound,gap,seconds"]
        var table = TextTable(
            ["objective", "layers", "seed", "variant", "status", "value / bound", "gap", "seconds"], rightAligned: [1, 2, 5, 6, 7])
        let variants = cbcOnly ? [Self.variants[0]] : Self.variants
        let total = objectives.count * sizes.count * seeds.count * variants.count
        var done = 0
        for objective in objectives {
            for layers in sizes {
                for seed in seeds {
                    for variant in variants {
                        var generator = RandomInstance(layers: layers, seed: seed)
                        generator.degree = degree
                        generator.window = window
                        generator.quantized = !fp32
                        generator.objective = objective
                        generator.twinGPUs = variant.twins
                        let problem = try Problem(generator.instance())
                        var request = SolveRequest(objective: objective)
                        request.method = .milp
                        request.solver = variant.solver
                        request.timeLimit = timeLimit
                        request.breakSymmetry = variant.symmetry
                        request.warmStart = variant.warmStart
                        let result = try Placer.solve(problem, request)
                        done += 1
                        let value = result.evaluation?.value(objective)
                        let gap = value.flatMap { value in result.lowerBound.map { (value - $0) / $0 } }
                        FileHandle.standardError.write(Data("[\(done)/\(total)] \(objective) \(layers) seed \(seed) \(variant.name): \(result.status) \(String(format: "%.1f", result.seconds)) s\n".utf8))
                        csv.append([
                            objective.rawValue, "\(layers)", "\(seed)", "\(problem.graph.edgeCount)", "\"\(variant.name)\"", result.status.rawValue,
                            value.map { "\($0)" } ?? "", result.lowerBound.map { "\($0)" } ?? "", gap.map { "\($0)" } ?? "",
                            String(format: "%.2f", result.seconds),
                        ].joined(separator: ","))
                        table.append([
                            objective.rawValue, "\(layers)", "\(seed)", variant.name, result.status.rawValue,
                            value.map { v in formatSignificant(v / (result.lowerBound ?? v), digits: 4) } ?? "-",
                            gap.map(formatGap) ?? "-",
                            String(format: "%.1f", result.seconds),
                        ])
                    }
                }
            }
        }
        let report = """
            # Exact MILP benchmark

            Generated CNN-like DAGs (`RandomInstance`, seeds \(seeds.map(String.init).joined(separator: ", ")), 1 to \(Int(2 * degree) - 1) inputs per layer (\(formatSignificant(Double(Int(2 * degree)) / 2)) on average) within a window of \(window),
            \(fp32 ? "fp32 only" : "fp32/fp16/int8 with an accuracy budget")) on one server with a Xeon, an A100 and a T4 ("twin GPUs":
            a Xeon and two T4s, a symmetry class). `dnnplace solve --method milp`, \(Int(timeLimit)) s wall-clock limit,
            one thread, release build, this 2-core machine. `value / bound` is the evaluated plan over the best
            proven lower bound; `optimal` means proven within 1e-6.

            Produced by: `swift run -c release dnnplace-benchmarks \(CommandLine.arguments.dropFirst().joined(separator: " "))`

            ```
            \(table.render())
            ```
            """
        try publish(report, csv: csv, as: "milp", in: out)
    }
}
