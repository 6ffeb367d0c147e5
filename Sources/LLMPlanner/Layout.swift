/// One pipeline stage: a contiguous range of transformer layers on a tensor-parallel group of
/// identical GPUs inside one server, stored at one weight precision.
public struct LayoutStage: Sendable, Equatable {
    /// Index into the cluster's servers.
    public var server: Int
    public var kind: String
    /// Which GPUs of that kind in that server (0-based); the tensor-parallel degree is their count.
    public var gpus: [Int]
    /// Layers are numbered from 0; both ends are included.
    public var firstLayer: Int
    public var lastLayer: Int
    public var precision: String

    public init(server: Int, kind: String, gpus: [Int], firstLayer: Int, lastLayer: Int, precision: String) {
        self.server = server
        self.kind = kind
        self.gpus = gpus
        self.firstLayer = firstLayer
        self.lastLayer = lastLayer
        self.precision = precision
    }

    public var tensorParallel: Int { gpus.count }
    public var layers: Int { lastLayer - firstLayer + 1 }
}

/// Stages in pipeline order. A micro-batch enters the first stage (which holds the embedding),
/// passes each stage in turn and leaves the last (which holds the output head), whose sampled
/// tokens go back to the first: the pipeline is a ring.
public struct Layout: Sendable, Equatable {
    public var stages: [LayoutStage]

    public init(stages: [LayoutStage]) { self.stages = stages }

    /// GPU names as `server/kind-i`.
    public static func gpuName(server: String, kind: String, index: Int) -> String { "\(server)/\(kind)-\(index)" }
}
