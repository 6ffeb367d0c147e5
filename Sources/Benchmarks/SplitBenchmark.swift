import ArgumentParser
import Foundation
import Ingest
import MILP
import Placement
import PlacementModel
import Reports

/// The splitting heuristic against the exact MILP and the baselines, and how close the lower
/// bounds come to the best plan found, on generated CNN-like DAGs of 40 to 10,000 layers.
struct SplitBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Benchmark split against the MILP and the baselines; bound quality.",
        discussion: "Writes results/split.md and results/split.csv. Example: swift run -c release dnnplace-benchmarks split")

    @Option(help: "Folder to write into.")
    var out = "results"

    @Option(help: "Seconds for the MILP.")
    var milpTimeLimit: Double = 60

    @Option(help: "Seconds for split and local.")
    var heuristicTimeLimit: Double = 10

    @Option(parsing: .upToNextOption, help: "Layer counts on which the MILP also runs.")
    var exactSizes: [Int] = [40, 100, 200]

    @Option(parsing: .upToNextOption, help: "Larger layer counts, heuristics only.")
    var largeSizes: [Int] = [1_000, 10_000]

    @Option(parsing: .upToNextOption, help: "Objectives to run.")
    var objectives: [Objective] = Objective.allCases

    @Option(parsing: .upToNextOption, help: "Generator seeds: one instance per seed and size.")
    var seeds: [UInt64] = [1]

    static let heuristics: [Method] = [.split, .greedy, .heft, .single, .dp, .local]

    func run() throws {
        var csv = ["objective,layers,seed,method,status,value,lowerBound,seconds"]
        var table = TextTable(
            ["objective", "layers", "seed", "method", "value / best", "gap to bound", "seconds"], rightAligned: [1, 2, 4, 5, 6])
        var boundRatios: [Objective: [Double]] = [:]
        var splitVersusMILP: [String] = []
        for objective in objectives {
            for layers in exactSizes + largeSizes {
                for seed in seeds {
                    var generator = RandomInstance(layers: layers, seed: seed)
                    generator.quantized = true
                    generator.objective = objective
                    let problem = try Problem(generator.instance())
                    let methods = (exactSizes.contains(layers) ? [Method.milp] : []) + Self.heuristics
                    var results: [(Method, PlacementResult)] = []
                    for method in methods {
                        var request = SolveRequest(objective: objective)
                        request.method = method
                        request.timeLimit = method == .milp ? milpTimeLimit : heuristicTimeLimit
                        let result = try Placer.solve(problem, request)
                        FileHandle.standardError.write(Data("\(objective) \(layers) seed \(seed) \(method): \(result.status) \(String(format: "%.2f", result.seconds)) s\n".utf8))
                        results.append((method, result))
                    }
                    let values = results.compactMap { $0.1.evaluation?.value(objective) }
                    let best = values.min() ?? .nan
                    let bound = results.compactMap(\.1.lowerBound).max() ?? 0
                    boundRatios[objective, default: []].append(bound / best)
                    for (method, result) in results {
                        let value = result.evaluation?.value(objective)
                        csv.append([
                            objective.rawValue, "\(layers)", "\(seed)", method.rawValue, result.status.rawValue, value.map { "\($0)" } ?? "",
                            "\(bound)", String(format: "%.3f", result.seconds),
                        ].joined(separator: ","))
                        table.append([
                            objective.rawValue, "\(layers)", "\(seed)", method.rawValue, value.map { formatSignificant($0 / best, digits: 4) } ?? "-",
                            value.map { formatGap(($0 - bound) / bound) } ?? "-", String(format: "%.2f", result.seconds),
                        ])
                    }
                    if let milp = results.first(where: { $0.0 == .milp })?.1, let split = results.first(where: { $0.0 == .split })?.1,
                        let milpValue = milp.evaluation?.value(objective), let splitValue = split.evaluation?.value(objective)
                    {
                        splitVersusMILP.append(
                            "- \(objective.rawValue), \(layers) layers, seed \(seed): split/MILP value \(formatSignificant(splitValue / milpValue, digits: 4)), "
                                + "MILP/split time \(formatSignificant(milp.seconds / split.seconds, digits: 3))x (MILP \(milp.status.rawValue))")
                    }
                }
            }
        }
        let geometricMeans = objectives.map { objective -> String in
            let ratios = boundRatios[objective] ?? []
            let mean = exp(ratios.map(log).reduce(0, +) / Double(max(ratios.count, 1)))
            return "- \(objective.rawValue): geometric mean of best lower bound / best plan = \(formatSignificant(mean, digits: 3)) over \(ratios.count) instances"
        }
        let report = """
            # Split, MILP and baselines

            Generated CNN-like DAGs (`RandomInstance`, seeds \(seeds.map(String.init).joined(separator: ", ")), quantized fp32/fp16/int8 with an accuracy budget)
            on a Xeon, an A100 and a T4. MILP: \(Int(milpTimeLimit)) s limit (sizes \(exactSizes.map(String.init).joined(separator: ", ")) only);
            split and local: \(Int(heuristicTimeLimit)) s. `value / best`: the evaluated plan over the best plan any method
            found on that instance; `gap to bound`: over the best lower bound any method proved. Release build,
            this 2-core machine.

            Produced by: `swift run -c release dnnplace-benchmarks \(CommandLine.arguments.dropFirst().joined(separator: " "))`

            ```
            \(table.render())
            ```

            Split against the MILP:
            \(splitVersusMILP.joined(separator: "\n"))

            Lower bounds:
            \(geometricMeans.joined(separator: "\n"))
            """
        try publish(report, csv: csv, as: "split", in: out)
    }
}

extension Objective: ExpressibleByArgument {}
