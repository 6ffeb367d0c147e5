import ArgumentParser
import Foundation
import Ingest
import LLMPlanner
import PlacementModel
import Reports

/// Llama-2-70B layouts on the bundled clusters: planning time, and the planned layout against
/// the hand-written ones (memory-proportional and uniform), every figure from the evaluator.
struct LLMBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llm",
        abstract: "Plan Llama-2-70B on 4 to 16 mixed servers and on 16 x 8 A100; compare with hand-written layouts.",
        discussion: "Writes results/llm.md. Example: swift run -c release dnnplace-benchmarks llm")

    @Option(help: "Folder to write llm.md into.")
    var out = "results"

    func run() throws {
        let model = try LanguageModel.load(path: "instances/llm/llama-2-70b.json")
        let clusters = ["mixed-4", "mixed-8", "mixed-12", "mixed-16", "a100-16x8"]
        let scenarios: [(objective: LayoutObjective, batch: Int, context: Int, weights: [String])] = [
            (.throughput, 8, 2048, ["fp16"]), (.throughput, 32, 4096, ["fp16"]), (.throughput, 32, 4096, ["fp16", "int8", "int4"]),
            (.latency, 1, 4096, ["fp16"]), (.latency, 8, 4096, ["fp16", "int8", "int4"]),
        ]
        var table = TextTable(
            [
                "cluster", "GPUs", "objective", "batch", "context", "weights", "plan (s)", "status", "planned", "memory-prop.", "uniform",
                "vs best naive", "fullest GPU",
            ], rightAligned: [1, 3, 4, 6, 8, 9, 10, 11, 12])
        var slowest = 0.0
        var worstRatio = Double.infinity
        var overCapacity = 0
        for name in clusters {
            let cluster = try Cluster.load(path: "instances/llm/\(name).json")
            for scenario in scenarios {
                let workload = Workload(batch: scenario.batch, context: scenario.context, objective: scenario.objective)
                let costModel = ServingCostModel(model: model, catalog: cluster.catalog, workload: workload)
                let planner = LayoutPlanner(costModel: costModel, cluster: cluster, precisions: scenario.weights)
                let plan = try planner.plan()
                let naive = [planner.memoryProportionalLayout(), planner.uniformLayout()].map { costModel.evaluate($0, on: cluster) }
                func figure(_ evaluation: LayoutEvaluation) -> String {
                    let text =
                        scenario.objective == .throughput
                        ? "\(formatSignificant(evaluation.throughput, digits: 4)) tok/s" : formatSeconds(evaluation.timePerToken)
                    return evaluation.isValid ? text : "\(text) (over)"
                }
                let fits = naive.filter(\.isValid)
                let ratio = fits.map { $0.value(scenario.objective) / plan.evaluation.value(scenario.objective) }.min()
                let fullest = plan.evaluation.stages.map { $0.memoryPerGPU / $0.capacityPerGPU }.max() ?? 0
                slowest = max(slowest, plan.seconds)
                if let ratio { worstRatio = min(worstRatio, ratio) }
                if !plan.evaluation.isValid { overCapacity += 1 }
                table.append([
                    name, "\(cluster.gpuCount)", scenario.objective.rawValue, "\(scenario.batch)", "\(scenario.context)",
                    scenario.weights.joined(separator: ","), formatSignificant(plan.seconds, digits: 3), plan.proven ? "optimal" : "feasible",
                    figure(plan.evaluation), figure(naive[0]), figure(naive[1]), ratio.map { "\(formatSignificant($0, digits: 3))x" } ?? "-",
                    "\(Int((fullest * 100).rounded()))%",
                ])
            }
        }
        let report = """
            # LLM layouts: Llama-2-70B on mixed and identical clusters

            `dnnplace llm` (exact DP over server classes, `Sources/LLMPlanner`) against the layouts
            people write by hand: memory-proportional (every GPU a stage, layers in proportion to
            its memory, as llama.cpp splits them) and uniform (tensor parallelism inside each
            server, the same number of layers per server). Prompt 512 tokens, 90% of each GPU's
            memory usable, fp16 KV cache; "over" marks a hand-written layout that does not fit.
            "vs best naive" is the planned figure over the best hand-written one that fits
            (throughput ratio, or time-per-token speed-up). With several allowed weight precisions
            the hand-written layouts take the first that fits (fp16 here) while the planner
            quantizes where it pays, so those rows include the gain from quantization. Release
            build, one run each.

            Produced by: `swift run -c release dnnplace-benchmarks llm`

            ```
            \(table.render())
            ```

            Goals (issue 8): planned in under 10 s — slowest \(formatSeconds(slowest)); throughput ≥ every
            hand-written layout — worst ratio \(formatSignificant(worstRatio, digits: 3))x; memory never over
            capacity — \(overCapacity) planned layouts over.
            """
        try publish(report, as: "llm", in: out)
    }
}
