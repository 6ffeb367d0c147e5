import PlacementModel

/// A stage's figures within its layout.
public struct StageEvaluation: Sendable {
    public var stage: LayoutStage
    public var role: StageRole
    public var decodeTime: Double
    public var prefillTime: Double
    public var memoryPerGPU: Double
    public var capacityPerGPU: Double
}

/// The figures of a layout: the only source of what `dnnplace llm` prints.
public struct LayoutEvaluation: Sendable {
    public var stages: [StageEvaluation]
    /// Everything that makes the layout unusable (memory over capacity, a GPU used twice, ...).
    public var violations: [String]
    /// Micro-batches in the pipeline at once: one per stage for throughput, one for latency.
    public var inFlight: Int
    /// Seconds between two micro-batches leaving the pipeline.
    public var period: Double
    /// Seconds between two tokens of one sequence.
    public var timePerToken: Double
    /// Generated tokens per second over all sequences.
    public var throughput: Double
    /// Seconds from a prompt's arrival to its first token, on an idle pipeline.
    public var prefillLatency: Double

    public var isValid: Bool { violations.isEmpty }
    /// The objective's figure in seconds (smaller is better): the period for throughput, the
    /// time per token for latency.
    public func value(_ objective: LayoutObjective) -> Double { objective == .throughput ? period : timePerToken }
}

extension ServingCostModel {
    /// Evaluates a layout on a cluster. With S stages the ring holds S micro-batches for
    /// throughput, so each comes round every S × (slowest stage) seconds and tokens/s is batch
    /// over the slowest stage; for latency one micro-batch goes round in the sum of the stage
    /// times. Each stage's time includes sending its output to the next stage over the
    /// server's link, or the network when the next stage is on another server.
    public func evaluate(_ layout: Layout, on cluster: Cluster) -> LayoutEvaluation {
        var violations: [String] = []
        let stages = layout.stages
        let count = stages.count
        let inFlight = workload.objective == .throughput ? max(count, 1) : 1
        if stages.isEmpty { violations.append("the layout has no stages") }
        var nextLayer = 0
        var used: Set<String> = []
        var evaluations: [StageEvaluation] = []
        for (i, stage) in stages.enumerated() {
            let label = "stage \(i)"
            if stage.firstLayer != nextLayer || stage.lastLayer < stage.firstLayer {
                violations.append("\(label) holds layers \(stage.firstLayer)-\(stage.lastLayer); expected to start at layer \(nextLayer) and hold at least one")
            }
            nextLayer = stage.lastLayer + 1
            guard cluster.servers.indices.contains(stage.server) else {
                violations.append("\(label) names server \(stage.server); the cluster has \(cluster.servers.count)")
                continue
            }
            let server = cluster.servers[stage.server]
            guard let available = server.gpus.first(where: { $0.kind == stage.kind })?.count else {
                violations.append("\(label): server \(server.name) has no \(stage.kind)")
                continue
            }
            guard WeightPrecision.bytes[stage.precision] != nil else {
                violations.append("\(label): unknown precision '\(stage.precision)'")
                continue
            }
            for gpu in stage.gpus {
                let name = Layout.gpuName(server: server.name, kind: stage.kind, index: gpu)
                if gpu < 0 || gpu >= available { violations.append("\(label): \(name) does not exist") }
                if !used.insert(name).inserted { violations.append("\(label): \(name) is used by two stages") }
            }
            if !tensorParallelDegrees(upTo: available).contains(stage.tensorParallel) {
                violations.append("\(label): tensor-parallel degree \(stage.tensorParallel) is not a power of two dividing heads and ffn")
                continue
            }
            let next = stages[(i + 1) % count]
            let send: Link? = count == 1 ? nil : next.server == stage.server ? server.intraLink : cluster.network
            let role = StageRole(embedding: i == 0, head: i == count - 1, send: send)
            let profile = profile(
                kind: stage.kind, tensorParallel: stage.tensorParallel, precision: stage.precision, role: role,
                intraLink: server.intraLink, inFlight: inFlight)
            let n = max(stage.layers, 0)
            let memory = profile.memory(layers: n)
            if memory > profile.capacity {
                violations.append("\(label) needs \(formatBytes(memory)) per GPU; \(stage.kind) offers \(formatBytes(profile.capacity))")
            }
            evaluations.append(
                StageEvaluation(
                    stage: stage, role: role, decodeTime: profile.decodeTime(layers: n), prefillTime: profile.prefillTime(layers: n),
                    memoryPerGPU: memory, capacityPerGPU: profile.capacity))
        }
        if !stages.isEmpty && nextLayer != model.layers {
            violations.append("the stages end at layer \(nextLayer - 1); the model has layers 0-\(model.layers - 1)")
        }
        let slowest = evaluations.map(\.decodeTime).max() ?? .infinity
        let total = evaluations.reduce(0) { $0 + $1.decodeTime }
        let timePerToken = workload.objective == .throughput ? Double(inFlight) * slowest : total
        let period = workload.objective == .throughput ? slowest : total
        return LayoutEvaluation(
            stages: evaluations, violations: violations, inFlight: inFlight, period: period, timePerToken: timePerToken,
            throughput: Double(workload.batch) / period, prefillLatency: evaluations.reduce(0) { $0 + $1.prefillTime })
    }
}
