import Ingest
import PlacementModel

/// What the layout serves: `batch` sequences per micro-batch, prompts of `prompt` tokens, and a
/// KV cache of `context` tokens per sequence during decode.
public struct Workload: Sendable, Equatable {
    public var batch: Int
    public var prompt: Int
    public var context: Int
    /// Bytes per cached key or value element (2 for fp16, 1 for int8).
    public var kvBytes: Double
    /// The share of each GPU's memory the layout may fill: the rest is the runtime's (CUDA
    /// context, allocator slack), as vLLM's `gpu_memory_utilization` (default 0.9) reserves it.
    public var memoryFraction: Double
    public var objective: LayoutObjective

    public init(
        batch: Int = 8, prompt: Int = 512, context: Int = 2048, kvBytes: Double = 2, memoryFraction: Double = 0.9,
        objective: LayoutObjective = .throughput
    ) {
        self.batch = batch
        self.prompt = prompt
        self.context = context
        self.kvBytes = kvBytes
        self.memoryFraction = memoryFraction
        self.objective = objective
    }
}

/// Throughput keeps one micro-batch in flight per stage, so every stage works all the time and
/// the slowest stage sets the pace (tokens/s = batch / slowest stage time), at the price of a KV
/// cache for that many micro-batches. Latency sends one micro-batch round the pipeline, so a
/// token takes the sum of the stage times.
public enum LayoutObjective: String, Sendable, CaseIterable {
    case throughput, latency
}

/// Bytes per weight for the precisions a stage may store its layers in. int4 carries one fp16
/// scale per group of 128 weights, as GPTQ and AWQ store it; int8 per-channel scales are
/// negligible.
public enum WeightPrecision {
    public static let bytes: [String: Double] = [
        "fp32": 4, "fp16": 2, "bf16": 2, "fp8": 1, "int8": 1, "int4": 0.5 + 2.0 / 128,
    ]
}

/// A stage's figures as affine functions of how many transformer layers it holds: decode and
/// prefill time and memory per GPU are `fixed + n · perLayer`. The planner searches with these
/// and the evaluator reports with them, so a layout is planned with the figures it is judged by.
public struct StageProfile: Sendable, Equatable {
    public var decodeFixed = 0.0
    public var decodePerLayer = 0.0
    public var prefillFixed = 0.0
    public var prefillPerLayer = 0.0
    public var memoryFixed = 0.0
    public var memoryPerLayer = 0.0
    /// Usable bytes per GPU.
    public var capacity = 0.0

    public func decodeTime(layers n: Int) -> Double { decodeFixed + Double(n) * decodePerLayer }
    public func prefillTime(layers n: Int) -> Double { prefillFixed + Double(n) * prefillPerLayer }
    public func memory(layers n: Int) -> Double { memoryFixed + Double(n) * memoryPerLayer }

    /// The most layers that fit in memory (-1 when not even the fixed part fits).
    public var layersThatFit: Int { Self.layers(budget: capacity - memoryFixed, per: memoryPerLayer) }

    /// The most layers that fit in memory and finish a decode step within `period`.
    public func maxLayers(period: Double) -> Int {
        min(layersThatFit, Self.layers(budget: period - decodeFixed, per: decodePerLayer))
    }

    /// floor(budget / per), robust to the rounding of budgets computed as `fixed + n · per`.
    private static func layers(budget: Double, per: Double) -> Int {
        if budget < 0 { return budget > -1e-9 * abs(per) ? 0 : -1 }
        if per <= 0 { return Int.max / 4 }
        return Int((budget / per * (1 + 1e-12)).rounded(.down))
    }
}

/// Where a stage sits: what it hosts besides its layers and which link its output takes.
public struct StageRole: Sendable, Equatable, Hashable {
    /// The first stage looks the tokens up in the embedding.
    public var embedding: Bool
    /// The last stage applies the final norm and output head and sends the sampled tokens back.
    public var head: Bool
    /// The link to the next stage of the ring; nil when the stage is the whole pipeline.
    public var send: Link?

    public init(embedding: Bool, head: Bool, send: Link?) {
        self.embedding = embedding
        self.head = head
        self.send = send
    }
}

/// Roofline costs of serving a language model (the same law as the DNN cost model: time is the
/// larger of FLOPs over the tensor peak and bytes over memory bandwidth, each derated by the
/// catalog's efficiency, plus per-kernel overhead), with the serving-specific terms:
/// - decode reads every weight and the whole KV cache of the micro-batch once per token, which
///   is why it is memory-bound (Pope et al., "Efficiently Scaling Transformer Inference", 2022);
/// - attention costs 4·hidden·context FLOPs per token in decode and 2·hidden·prompt² (causal)
///   per prompt in prefill;
/// - tensor parallelism splits weights, heads and the MLP width (Megatron-LM, Shoeybi et al.
///   2019) and adds two all-reduces of the activations per layer, timed as a ring all-reduce
///   over the server's link: 2(t−1)/t · bytes / bandwidth + 2(t−1) · latency;
/// - KV heads split across GPUs up to kvHeads of them and are replicated beyond;
/// - activations travel in fp16; the embedding and output head stay at 16 bits whatever the
///   weight precision (as GPTQ and AWQ checkpoints keep them).
public struct ServingCostModel: Sendable {
    public var model: LanguageModel
    public var catalog: DeviceCatalog
    public var workload: Workload

    /// Kernels one transformer layer launches in decode: two norms, QKV, rotary, attention, the
    /// output projection, two residual adds, the MLP's up/gate and down projections.
    public static let kernelsPerLayer = 10.0
    static let activationBytes = 2.0

    public init(model: LanguageModel, catalog: DeviceCatalog, workload: Workload) {
        self.model = model
        self.catalog = catalog
        self.workload = workload
    }

    /// Tensor-parallel degrees a group of `count` GPUs can use: powers of two that divide the
    /// attention heads and the MLP width.
    public func tensorParallelDegrees(upTo count: Int) -> [Int] {
        var result: [Int] = []
        var t = 1
        while t <= count {
            if model.heads % t == 0 && model.ffn % t == 0 { result.append(t) }
            t *= 2
        }
        return result
    }

    /// The figures of a stage on `tensorParallel` GPUs of `kind` joined by `intraLink`, storing
    /// its layers at `precision`, with `inFlight` micro-batches' KV caches.
    public func profile(
        kind name: String, tensorParallel: Int, precision: String, role: StageRole, intraLink: Link, inFlight: Int
    ) -> StageProfile {
        let kind = catalog.kinds[name]!
        let t = Double(tensorParallel)
        let weightBytes = WeightPrecision.bytes[precision]!
        let b = Double(workload.batch)
        let p = Double(workload.prompt)
        let context = Double(workload.context)
        let hidden = Double(model.hidden)
        let act = Self.activationBytes
        let kvPerToken = model.kvBytesPerToken(bytesPerValue: workload.kvBytes) / Double(min(tensorParallel, model.kvHeads))
        let peak =
            kind.tensorPeak["fp16"] ?? kind.tensorPeak["bf16"] ?? kind.tensorPeak["fp32"] ?? kind.vectorPeak.values.max()!
        let computeRate = kind.computeEfficiency * peak
        let memoryRate = kind.memoryEfficiency * kind.memoryBandwidth
        func roofline(flops: Double, bytes: Double) -> Double { max(flops / computeRate, bytes / memoryRate) }
        func allReduce(_ bytes: Double) -> Double {
            guard tensorParallel > 1 else { return 0 }
            return 2 * (t - 1) / t * bytes / intraLink.bandwidth + 2 * (t - 1) * intraLink.latency
        }
        /// Activations a layer's matmuls read and write per token: the hidden vector in and out
        /// of attention and MLP, and this GPU's share of the MLP's intermediate vectors.
        let activationsPerToken = (6 * hidden + Double(model.mlpMatrices * model.ffn) / t) * act
        let layerWeights = model.layerParameters * weightBytes / t
        let overhead = Self.kernelsPerLayer * kind.kernelOverhead

        var profile = StageProfile()
        profile.capacity = kind.memory * workload.memoryFraction
        profile.decodePerLayer =
            roofline(
                flops: (2 * b * model.layerParameters + 4 * b * context * hidden) / t,
                bytes: layerWeights + b * context * kvPerToken + b * activationsPerToken)
            + overhead + 2 * allReduce(b * hidden * act)
        profile.prefillPerLayer =
            roofline(
                flops: (2 * p * model.layerParameters + 2 * p * p * hidden) / t,
                bytes: layerWeights + p * kvPerToken + p * activationsPerToken)
            + overhead + 2 * allReduce(p * hidden * act)
        profile.memoryPerLayer = layerWeights + Double(inFlight) * b * context * kvPerToken

        // Prefill activations of one prompt, twice for double buffering, and its attention
        // scores (unfused attention, the worst case a runtime may pick).
        profile.memoryFixed =
            2 * p * (hidden + Double(model.mlpMatrices * model.ffn) / t) * act + p * p * Double(model.heads) / t * act
        let matrix = Double(model.vocab * model.hidden) * 2 / t
        if role.embedding {
            profile.memoryFixed += matrix
            profile.decodeFixed += kind.kernelOverhead + allReduce(b * hidden * act)
            profile.prefillFixed += kind.kernelOverhead + allReduce(p * hidden * act)
        }
        if role.head {
            // A tied head shares the embedding's matrix when both are on this stage.
            let shared = model.tiedEmbeddings && role.embedding
            profile.memoryFixed += (shared ? 0 : matrix) + Double(inFlight) * b * Double(model.vocab) * 4 / t
            profile.decodeFixed += roofline(flops: 2 * b * Double(model.vocab) * hidden / t, bytes: matrix) + 2 * kind.kernelOverhead
            profile.prefillFixed += roofline(flops: 2 * Double(model.vocab) * hidden / t, bytes: matrix) + 2 * kind.kernelOverhead
        }
        if let link = role.send {
            // The head stage sends the sampled token ids (4 bytes each) back to the first stage.
            let decodeBytes = role.head ? b * 4 : b * hidden * act
            let prefillBytes = role.head ? 4 : p * hidden * act
            profile.decodeFixed += link.latency + decodeBytes / link.bandwidth
            profile.prefillFixed += link.latency + prefillBytes / link.bandwidth
        }
        return profile
    }
}
