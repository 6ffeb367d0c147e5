import ArgumentParser
import Foundation
import Ingest
import Placement
import PlacementModel
import Reports

/// Why the exact latency method's bound stops below its best plan: the assignment relaxation
/// compared with the best schedule at the relaxation's own optimum and at the best plan found
/// (`RelaxationGap`), on the generated instances of the MILP benchmark.
struct RelaxationBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relaxation",
        abstract: "Measure where the latency relaxation's bound is lost.",
        discussion: "Writes results/relaxation.md. Example: swift run -c release dnnplace-benchmarks relaxation")

    @Option(help: "Folder to write into.")
    var out = "results"

    @Option(help: "Seconds for the MILP that finds the best plan, and for each held solve.")
    var timeLimit: Double = 60

    @Option(parsing: .upToNextOption, help: "Layer counts.")
    var sizes: [Int] = [40, 60]

    @Option(parsing: .upToNextOption, help: "Generator seeds: one instance per seed and size.")
    var seeds: [UInt64] = [1, 2, 3]

    func run() throws {
        var table = TextTable(
            ["layers", "seed", "best plan P", "relaxation bound", "R(x*)", "M(x*)", "R(x_P)", "M(x_P)"],
            rightAligned: Set(0..<8))
        func ms(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1e3) }
        /// A best schedule and its proven bound, one figure when they meet.
        func range(_ held: RelaxationGap.Held) -> String {
            held.makespanBound >= held.makespan * (1 - 1e-6) ? ms(held.makespan) : "\(ms(held.makespanBound))–\(ms(held.makespan))"
        }
        for layers in sizes {
            for seed in seeds {
                var generator = RandomInstance(layers: layers, seed: seed)
                generator.quantized = true
                let problem = try Problem(generator.instance())
                var request = SolveRequest(objective: .latency)
                request.method = .milp
                request.timeLimit = timeLimit
                let best = try Placer.solve(problem, request)
                guard let plan = best.assignment, let value = best.evaluation?.latency else {
                    throw ValidationError("no plan for \(layers) layers, seed \(seed)")
                }
                let gap = try RelaxationGap.measure(problem, plan: plan, request: request)
                FileHandle.standardError.write(Data("\(layers) layers, seed \(seed): done\n".utf8))
                table.append([
                    "\(layers)", "\(seed)", ms(value), "\(ms(gap.bound)) (\(String(format: "%.1f", gap.seconds)) s)",
                    gap.atRelaxationOptimum.map { ms($0.relaxed) } ?? "-", gap.atRelaxationOptimum.map(range) ?? "-",
                    ms(gap.atPlan.relaxed), range(gap.atPlan),
                ])
            }
        }
        let report = """
            # Where the latency relaxation's bound is lost

            The exact latency method's bound is the assignment relaxation's (the latency MILP without
            its one-at-a-time rows, `AssignmentRelaxation`). For an assignment x, R(x) is the
            relaxation with every layer held at x's device and precision, and M(x) the best makespan
            of x (the full latency MILP, so held; "a–b" when it was not proven within the limit).
            x* is the relaxation's optimum, P the best plan `dnnplace solve --method milp` finds.
            The bound is the least R over all assignments; it reaches P only when every assignment
            with R(x) below P's latency has M(x) above it and is ruled out.

            Instances as in `milp.md` (`RandomInstance`, fp32/fp16/int8 with an accuracy budget, a
            Xeon, an A100 and a T4); CBC, one thread, \(Int(timeLimit)) s per solve, release build, this
            2-core machine. Times in ms.

            Produced by: `swift run -c release dnnplace-benchmarks relaxation`

            ```
            \(table.render())
            ```
            """
        try publish(report, as: "relaxation", in: out)
    }
}
