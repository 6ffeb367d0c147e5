import LLMPlanner
import PlacementModel

/// What `dnnplace llm` prints: the planned layout and the hand-written baselines, every figure
/// from the layout evaluator, as text or as JSON.
public struct LayoutReport {
    public var model: LanguageModel
    public var cluster: Cluster
    public var workload: Workload
    public var plan: LayoutPlan
    /// Name (as in the JSON) and layout of each baseline, with its evaluation.
    public var baselines: [(name: String, layout: Layout, evaluation: LayoutEvaluation)]

    public init(
        model: LanguageModel, cluster: Cluster, workload: Workload, plan: LayoutPlan,
        baselines: [(name: String, layout: Layout, evaluation: LayoutEvaluation)]
    ) {
        self.model = model
        self.cluster = cluster
        self.workload = workload
        self.plan = plan
        self.baselines = baselines
    }

    public var status: String { plan.proven ? "optimal" : "feasible" }
    /// Relative gap between the layout's figure and the bound.
    public var gap: Double {
        let value = plan.evaluation.value(workload.objective)
        return value > 0 ? (value - plan.lowerBound) / value : 0
    }

    public var json: JSONValue {
        var figures = Self.figures(plan.evaluation, cluster: cluster)
        figures.insert(("status", .string(status)), at: 0)
        figures.append(contentsOf: [
            ("objective", .string(workload.objective.rawValue)),
            ("lowerBound", .number(plan.lowerBound)),
            ("gap", .number(gap)),
            ("seconds", .number(plan.seconds)),
        ])
        let baselineMembers = baselines.map { baseline -> JSONMember in
            JSONMember(baseline.name, .object(Self.figures(baseline.evaluation, cluster: cluster).map { JSONMember($0.0, $0.1) }))
        }
        figures.append(("baselines", .object(baselineMembers)))
        return .object(figures.map { JSONMember($0.0, $0.1) })
    }

    /// A layout's figures in the JSON's shape; a layout that breaks a limit lists why.
    private static func figures(_ evaluation: LayoutEvaluation, cluster: Cluster) -> [(String, JSONValue)] {
        let stages = evaluation.stages.map { stage -> JSONValue in
            let server = cluster.servers[stage.stage.server].name
            return .record([
                "server": .string(server), "kind": .string(stage.stage.kind),
                "gpus": .array(stage.stage.gpus.map { .string(Layout.gpuName(server: server, kind: stage.stage.kind, index: $0)) }),
                "tensorParallel": .number(Double(stage.stage.tensorParallel)),
                "firstLayer": .number(Double(stage.stage.firstLayer)), "lastLayer": .number(Double(stage.stage.lastLayer)),
                "weights": .string(stage.stage.precision), "memoryPerGpu": .number(stage.memoryPerGPU),
                "capacityPerGpu": .number(stage.capacityPerGPU), "decodeTime": .number(stage.decodeTime),
                "prefillTime": .number(stage.prefillTime),
            ])
        }
        var result: [(String, JSONValue)] = [
            ("throughput", .number(evaluation.throughput)), ("timePerToken", .number(evaluation.timePerToken)),
            ("prefillLatency", .number(evaluation.prefillLatency)), ("microBatchesInFlight", .number(Double(evaluation.inFlight))),
            ("stages", .array(stages)),
        ]
        if !evaluation.isValid {
            result.insert(("violations", .array(evaluation.violations.map { .string($0) })), at: 0)
        }
        return result
    }

    public func text() -> String {
        let evaluation = plan.evaluation
        var lines = [
            "\(model.name) on \(counted(cluster.servers.count, "server")) (\(counted(cluster.gpuCount, "GPU"))): "
                + "\(workload.objective.rawValue), batch \(workload.batch), prompt \(workload.prompt), context \(workload.context)",
            "\(status) in \(formatSeconds(plan.seconds))"
                + (plan.proven ? " (exact search over rings with each server's stages adjacent)" : " (time limit; bound from memory bandwidth)"),
            "",
        ]
        lines.append(Self.stageTable(evaluation, cluster: cluster).render())
        let bound =
            workload.objective == .throughput
            ? "at most \(formatSignificant(Double(workload.batch) / plan.lowerBound)) tokens/s"
            : "time per token at least \(formatSeconds(plan.lowerBound))"
        lines.append(
            "\nthroughput \(formatSignificant(evaluation.throughput)) tokens/s, time per token \(formatSeconds(evaluation.timePerToken)), "
                + "prefill \(formatSeconds(evaluation.prefillLatency)); bound: \(bound) (gap \(formatGap(gap)))")
        var comparison = TextTable(["layout", "throughput", "time/token", "prefill", "memory"], rightAligned: [1, 2, 3])
        for (name, evaluated) in [("planned", evaluation)] + baselines.map({ ($0.name, $0.evaluation) }) {
            let fullest = evaluated.stages.map { $0.memoryPerGPU / $0.capacityPerGPU }.max() ?? 0
            comparison.append([
                name, "\(formatSignificant(evaluated.throughput)) tok/s", formatSeconds(evaluated.timePerToken),
                formatSeconds(evaluated.prefillLatency),
                evaluated.isValid ? "fits (fullest GPU \(Int((fullest * 100).rounded()))%)" : "over capacity",
            ])
        }
        lines.append("\n" + comparison.render())
        return lines.joined(separator: "\n")
    }

    private static func stageTable(_ evaluation: LayoutEvaluation, cluster: Cluster) -> TextTable {
        var table = TextTable(["stage", "GPUs", "TP", "layers", "weights", "memory/GPU", "decode", "prefill"], rightAligned: [2, 6, 7])
        for (i, stage) in evaluation.stages.enumerated() {
            let server = cluster.servers[stage.stage.server].name
            let gpus = stage.stage.gpus.map { Layout.gpuName(server: server, kind: stage.stage.kind, index: $0) }
            table.append([
                "\(i)", gpus.count == 1 ? gpus[0] : "\(gpus[0]) +\(gpus.count - 1)", "\(stage.stage.tensorParallel)",
                "\(stage.stage.firstLayer)-\(stage.stage.lastLayer)", stage.stage.precision,
                "\(formatBytes(stage.memoryPerGPU)) of \(formatBytes(stage.capacityPerGPU))", formatSeconds(stage.decodeTime),
                formatSeconds(stage.prefillTime),
            ])
        }
        return table
    }
}
