import ArgumentParser
import Foundation
import Ingest
import MILP
import Placement
import PlacementModel
import Reports

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark methods over a suite of instances: CSV, Markdown summary, resumable, shardable.",
        discussion: """
            `dnnplace bench SUITE...` is `dnnplace bench run SUITE...`; see `dnnplace bench run --help`.

            Example:
              dnnplace bench instances --methods milp,split,greedy,single --out results/bundled
            """,
        subcommands: [Run.self, Merge.self],
        defaultSubcommand: Run.self)

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run every method on every instance of the suites (the default subcommand).",
            discussion: """
                A SUITE is an instance file, a NeurIPS'20 input, a folder of them (its *.json files), \
                a .txt list of suites (one per line, relative to the list), or a generator spec: \
                random:layers=200,seed=1[,quantized] or randwire:graph=ws,nodes=32,seed=1 (with \
                --devices). Rows already in NAME.csv are skipped, so an interrupted run resumes; \
                --shard i/n runs every n-th item only, and `dnnplace bench merge` joins the shards \
                (a Slurm job array: --shard $((SLURM_ARRAY_TASK_ID+1))/$SLURM_ARRAY_TASK_COUNT).

                Examples:
                  dnnplace bench instances --methods milp,split,greedy --time-limit 30 --out results/bundled
                  dnnplace bench random:layers=100,seed=1,quantized random:layers=100,seed=2,quantized --objective throughput --out /tmp/r
                  dnnplace bench instances --shard 2/4 --out /tmp/part2
                """)

        @Argument(help: "Suites: files, folders, .txt lists or generator specs.")
        var suites: [String]

        @Option(help: "Comma-separated methods.")
        var methods = "milp,split,greedy,heft,single,dp,local"

        @Option(help: "latency, throughput or both.")
        var objective = "both"

        @Option(parsing: .unconditional, help: "Seconds per method and instance.")
        var timeLimit: Double = 60

        @Option(help: "Machine for randwire specs.")
        var devices: String?

        @Option(help: "Output prefix: writes PREFIX.csv and PREFIX.md.")
        var out: String

        @Option(help: "Run shard i of n (1-based), e.g. 2/4.")
        var shard: String?

        func validate() throws {
            if !["latency", "throughput", "both"].contains(objective) { throw ValidationError("--objective must be latency, throughput or both") }
            for name in methods.split(separator: ",") where Method(rawValue: String(name)) == nil {
                throw ValidationError("unknown method '\(name)' (methods: \(Method.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if let shard, Self.parseShard(shard) == nil { throw ValidationError("--shard takes i/n with 1 ≤ i ≤ n") }
            try checkTimeLimit(timeLimit)
        }

        static func parseShard(_ text: String) -> (index: Int, count: Int)? {
            let parts = text.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2, parts[1] >= 1, (1...parts[1]).contains(parts[0]) else { return nil }
            return (parts[0] - 1, parts[1])
        }

        func run() throws {
            try reportingInputErrors {
                try checkWritable(out + ".csv")
                let problems = try BenchSuite.load(suites, devices: devices)
                let objectives: [Objective] = objective == "both" ? [.latency, .throughput] : [Objective(rawValue: objective)!]
                let methodList = methods.split(separator: ",").map { Method(rawValue: String($0))! }
                var items: [(problem: Problem, method: Method, objective: Objective)] = []
                for problem in problems { for o in objectives { for m in methodList { items.append((problem, m, o)) } } }
                if let shard, let (index, count) = Self.parseShard(shard) {
                    items = items.enumerated().filter { $0.offset % count == index }.map(\.element)
                }
                let csvPath = out + ".csv"
                var rows = FileManager.default.fileExists(atPath: csvPath)
                    ? try BenchmarkTable.parse(String(decoding: readFile(path: csvPath), as: UTF8.self), file: csvPath)
                    : []
                let done = Set(rows.map(\.key))
                let todo = items.filter { !done.contains(BenchmarkRow.key(instance: $0.problem.instance.name, method: $0.method.rawValue, objective: $0.objective.rawValue)) }
                if todo.count < items.count { printError("resuming: \(items.count - todo.count) of \(items.count) rows already in \(csvPath)") }
                for (k, item) in todo.enumerated() {
                    let eta = BenchmarkETA.secondsLeft(
                        todo[k...].map { ($0.method.rawValue, $0.objective.rawValue) }, done: rows, timeLimit: timeLimit)
                    printError(
                        "[\(k + 1)/\(todo.count)] ETA \(formatSeconds(eta))  \(item.problem.instance.name) · \(item.method.rawValue) · \(item.objective.rawValue)")
                    var request = SolveRequest(objective: item.objective)
                    request.method = item.method
                    request.timeLimit = timeLimit
                    let result = try Placer.solve(item.problem, request)
                    rows.append(BenchmarkRow(
                        instance: item.problem.instance.name, method: item.method.rawValue, objective: item.objective.rawValue,
                        status: result.status.rawValue, value: result.evaluation?.value(item.objective), lowerBound: result.lowerBound,
                        seconds: result.seconds, layers: item.problem.layerCount, edges: item.problem.graph.edgeCount,
                        devices: item.problem.deviceCount))
                    // Written after every row, so an interrupted run loses at most one.
                    try write(BenchmarkTable.csv(rows), to: csvPath)
                }
                try writeSummary(rows, to: out, command: "dnnplace bench " + CommandLine.arguments.dropFirst(2).joined(separator: " "))
                printError("wrote \(csvPath), \(out).md and its plots (\(counted(rows.count, "row")))")
            }
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Join the CSVs of shards (or earlier runs) and summarise them.",
            discussion: """
                Rows with the same instance, method and objective are kept once (the last file wins).

                Example:
                  dnnplace bench merge /tmp/part1.csv /tmp/part2.csv --out results/bundled
                """)

        @Argument(help: "CSV files written by `dnnplace bench`.")
        var files: [String]

        @Option(help: "Output prefix: writes PREFIX.csv and PREFIX.md.")
        var out: String

        func run() throws {
            try reportingInputErrors {
                var merged: [String: BenchmarkRow] = [:]
                var order: [String] = []
                for file in files {
                    for row in try BenchmarkTable.parse(String(decoding: readFile(path: file), as: UTF8.self), file: file) {
                        if merged.updateValue(row, forKey: row.key) == nil { order.append(row.key) }
                    }
                }
                let rows = order.map { merged[$0]! }
                try write(BenchmarkTable.csv(rows), to: out + ".csv")
                try writeSummary(rows, to: out, command: "dnnplace bench merge " + files.joined(separator: " ") + " --out \(out)")
                printError("wrote \(out).csv, \(out).md and its plots (\(rows.count) rows from \(files.count) files)")
            }
        }
    }
}

/// PREFIX.md (the summary) and its plots, PREFIX-quality.svg and PREFIX-speedup.svg.
private func writeSummary(_ rows: [BenchmarkRow], to out: String, command: String) throws {
    let name = out.split(separator: "/").last.map(String.init) ?? out
    let markdown = BenchmarkTable.markdown(rows, title: "Benchmark", command: command)
        + "\nPlots: [quality against time](\(name)-quality.svg), [speed-up over the best single device](\(name)-speedup.svg).\n"
    try write(markdown, to: out + ".md")
    try write(BenchmarkPlots.qualityVersusTime(rows), to: out + "-quality.svg")
    try write(BenchmarkPlots.speedUpOverSingleDevice(rows), to: out + "-speedup.svg")
}

/// Resolves suites to problems, in a fixed order (so shards partition the same list).
enum BenchSuite {
    static func load(_ suites: [String], devices: String?) throws(InputError) -> [Problem] {
        var problems: [Problem] = []
        for suite in suites { problems += try resolve(suite, devices: devices) }
        return problems
    }

    private static func resolve(_ suite: String, devices: String?) throws(InputError) -> [Problem] {
        if let colon = suite.firstIndex(of: ":"), !FileManager.default.fileExists(atPath: suite) {
            return [try generated(String(suite[..<colon]), String(suite[suite.index(after: colon)...]), devices: devices)]
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: suite, isDirectory: &isFolder) else {
            throw InputError(file: suite, "no such file, folder or generator spec (random:..., randwire:...)")
        }
        if isFolder.boolValue {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: suite)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
            var problems: [Problem] = []
            for name in names { problems += try resolve(suite + "/" + name, devices: devices) }
            return problems
        }
        if suite.hasSuffix(".txt") {
            let text = String(decoding: try readFile(path: suite), as: UTF8.self)
            var problems: [Problem] = []
            for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let entry = line.trimmingCharacters(in: .whitespaces)
                problems += try resolve(entry.contains(":") ? entry : resolvedPath(entry, besideFile: suite), devices: devices)
            }
            return problems
        }
        return [try NeurIPS20.problem(path: suite)]
    }

    /// `random:layers=100,seed=1,quantized` and `randwire:graph=ws,nodes=32,seed=1,regime=small`.
    private static func generated(_ kind: String, _ spec: String, devices: String?) throws(InputError) -> Problem {
        var options: [String: String] = [:]
        for part in spec.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            options[pair[0]] = pair.count > 1 ? pair[1] : "true"
        }
        let seed = UInt64(options["seed"] ?? "1") ?? 1
        switch kind {
        case "random":
            var generator = RandomInstance(layers: Int(options["layers"] ?? "100") ?? 100, seed: seed)
            generator.quantized = options["quantized"] == "true"
            return try Problem(generator.instance())
        case "randwire":
            guard let devices else { throw InputError("randwire suites need --devices MACHINE") }
            let graph = RandWire.Graph(rawValue: options["graph"] ?? "ws") ?? .ws
            let regime = RandWire.Regime(rawValue: options["regime"] ?? "small") ?? .small
            let nodes = Int(options["nodes"] ?? "32") ?? 32
            let network = RandWire.network(graph, nodes: nodes, regime: regime, seed: seed)
            var instance = try CostModel.instance(
                name: "randwire-\(graph.rawValue)-\(nodes)-s\(seed)", works: network.works, edges: network.edges,
                machine: try Machine.load(path: devices), precisions: (options["precisions"] ?? "fp32").split(separator: "+").map(String.init))
            instance.accuracyBudget = options["budget"].flatMap(Double.init)
            return try Problem(instance)
        default:
            throw InputError("unknown generator '\(kind)' (random, randwire)")
        }
    }
}
