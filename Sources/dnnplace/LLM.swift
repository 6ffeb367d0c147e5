import ArgumentParser
import Foundation
import Ingest
import LLMPlanner
import PlacementModel
import Reports

struct LLM: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plan how a large language model is served across several GPU servers.",
        discussion: """
            Finds the pipeline of stages (each a contiguous range of transformer layers on a \
            tensor-parallel group of identical GPUs in one server, at one weight precision) \
            with the highest decode throughput (or the least time per output token) such that \
            no GPU runs out of memory: weights, KV cache for batch × context tokens per \
            micro-batch in flight, and prefill workspace. Identical servers are searched as one \
            class; the search is exact for the cost model, so the bound equals the layout's \
            figure when it finishes.

            Throughput keeps one micro-batch in flight per stage; latency sends one round the \
            ring. The layouts people write by hand are evaluated alongside: layers in \
            proportion to GPU memory (llama.cpp's split) and tensor parallelism per server \
            with an even pipeline.

            The bound (JSON lowerBound) is in seconds: the least possible period between two \
            micro-batches (throughput; at most batch / bound tokens/s) or time per token \
            (latency).

            MODEL is dnnplace-llm/1 JSON (instances/llm/llama-2-70b.json), CLUSTER \
            dnnplace-cluster/1 (instances/llm/mixed-4.json); GPU kinds and links come from \
            the device catalog the cluster names (relative to the cluster file), or --devices. \
            Exit status 2 when the model fits at no allowed precision, with the memory \
            shortfall.

            Examples:
              dnnplace llm --model instances/llm/llama-2-70b.json --cluster instances/llm/mixed-4.json
              dnnplace llm --model instances/llm/llama-2-70b.json --cluster instances/llm/a100-16x8.json --batch 32 --json
              dnnplace llm --model instances/llm/llama-2-13b.json --cluster instances/llm/small-mixed.json --weights fp16,int8,int4 --out layout.svg
            """)

    @Option(help: "The model (dnnplace-llm/1 JSON).")
    var model: String

    @Option(help: "The servers (dnnplace-cluster/1 JSON).")
    var cluster: String

    @Option(help: "Device catalog (dnnplace-devices/1) for the cluster's GPU kinds and links, in place of the one the cluster names.")
    var devices: String?

    @Option(help: "throughput (tokens/s over all sequences) or latency (time per output token).")
    var objective: LayoutObjective = .throughput

    @Option(parsing: .unconditional, help: "Sequences per micro-batch.")
    var batch = 8

    @Option(parsing: .unconditional, help: "Prompt length in tokens (prefill latency and workspace).")
    var prompt = 512

    @Option(parsing: .unconditional, help: "Tokens of KV cache per sequence during decode.")
    var context = 2048

    @Option(help: "Allowed weight precisions, most preferred first (fp32, fp16, bf16, fp8, int8, int4).")
    var weights = "fp16"

    @Option(help: "KV-cache precision: fp16, bf16, fp8 or int8.")
    var kv = "fp16"

    @Option(parsing: .unconditional, help: "Share of each GPU's memory the layout may use (the rest is the runtime's).")
    var memoryFraction = 0.9

    @Option(parsing: .unconditional, help: "Seconds the search may take; a cut-short search reports a bandwidth bound.")
    var timeLimit = 60.0

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Option(help: "Write the layout as an SVG chart to this file.")
    var out: String?

    func validate() throws {
        for (name, value) in [("batch", batch), ("prompt", prompt), ("context", context)] where value < 1 {
            throw ValidationError("--\(name) must be at least 1")
        }
        for precision in precisionList where WeightPrecision.bytes[precision] == nil {
            throw ValidationError("--weights: unknown precision '\(precision)' (known: \(WeightPrecision.bytes.keys.sorted().joined(separator: ", ")))")
        }
        if precisionList.isEmpty { throw ValidationError("--weights needs at least one precision") }
        if !["fp16", "bf16", "fp8", "int8"].contains(kv) { throw ValidationError("--kv must be fp16, bf16, fp8 or int8") }
        if !(memoryFraction > 0 && memoryFraction <= 1) { throw ValidationError("--memory-fraction must be in (0, 1]") }
        try checkTimeLimit(timeLimit)
    }

    private var precisionList: [String] { weights.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

    func run() throws {
        try reportingInputErrors {
            try checkWritable(out)
            let language = try LanguageModel.load(path: model)
            let servers = try Cluster.load(path: cluster, catalog: devices.map(DeviceCatalog.load))
            let workload = Workload(
                batch: batch, prompt: prompt, context: context, kvBytes: WeightPrecision.bytes[kv]!,
                memoryFraction: memoryFraction, objective: objective)
            let costModel = ServingCostModel(model: language, catalog: servers.catalog, workload: workload)
            let planner = LayoutPlanner(costModel: costModel, cluster: servers, precisions: precisionList, timeLimit: timeLimit)
            let plan: LayoutPlan
            do throws(InfeasibleLayout) {
                plan = try planner.plan()
            } catch {
                if json {
                    print(
                        JSONValue.record([
                            "status": .string("infeasible"), "reason": .string(error.description),
                            "needed": .number(error.needed), "available": .number(error.available), "shortfall": .number(error.shortfall),
                        ]).serialized(pretty: true))
                } else {
                    printError("infeasible: \(error.description)")
                }
                throw ExitCode(2)
            }
            let baselines = [("memoryProportional", planner.memoryProportionalLayout()), ("uniform", planner.uniformLayout())]
                .map { (name: $0.0, layout: $0.1, evaluation: costModel.evaluate($0.1, on: servers)) }
            let report = LayoutReport(model: language, cluster: servers, workload: workload, plan: plan, baselines: baselines)
            if let out { try write(LayoutChart(report: report).svg(), to: out) }
            print(json ? report.json.serialized(pretty: true) : report.text())
        }
    }
}

extension LayoutObjective: ExpressibleByArgument {}
