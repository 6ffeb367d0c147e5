/// A placement instance as SPEC §1 and §7 define it: names and physical units, as in the file.
/// `Problem` is the index-based form that the evaluator and the solvers work on.
public struct Instance: Sendable, Equatable {
    public var name: String
    public var precisions: [Precision]
    public var devices: [Device]
    public var links: Links
    public var layers: [Layer]
    public var edges: [Edge]
    public var objective: Objective
    public var accuracyBudget: Double?
    public var commOverlap: Bool

    public init(
        name: String, precisions: [Precision] = [.fp32], devices: [Device], links: Links, layers: [Layer],
        edges: [Edge], objective: Objective = .latency, accuracyBudget: Double? = nil, commOverlap: Bool = true
    ) {
        self.name = name
        self.precisions = precisions
        self.devices = devices
        self.links = links
        self.layers = layers
        self.edges = edges
        self.objective = objective
        self.accuracyBudget = accuracyBudget
        self.commOverlap = commOverlap
    }

    public static let format = "dnnplace-instance/1"
}

public enum Objective: String, Sendable, CaseIterable {
    case latency, throughput
}

/// A numeric format: weights and outputs at this precision take `bits / 8` bytes per element.
public struct Precision: Sendable, Equatable {
    public var name: String
    public var bits: Int
    public init(name: String, bits: Int) {
        self.name = name
        self.bits = bits
    }
    public static let fp32 = Precision(name: "fp32", bits: 32)
}

public struct Device: Sendable, Equatable {
    public var name: String
    public var kind: String
    public var server: String
    /// Capacity in bytes; infinity for unbounded memory.
    public var memory: Double
    /// Names of the precisions it supports; nil means all.
    public var precisions: [String]?
    /// Works in its server's host memory (a CPU core): host-staged transfers among such devices are free.
    public var hostMemory: Bool
    /// Its link to host memory in host-staged mode; nil means `links.intraServer`.
    public var hostLink: Link?

    public init(
        name: String, kind: String, server: String = Device.defaultServer, memory: Double,
        precisions: [String]? = nil, hostMemory: Bool = false, hostLink: Link? = nil
    ) {
        self.name = name
        self.kind = kind
        self.server = server
        self.memory = memory
        self.precisions = precisions
        self.hostMemory = hostMemory
        self.hostLink = hostLink
    }

    public static let defaultServer = "server0"
}

public struct Link: Sendable, Equatable, Hashable {
    /// Bytes per second, > 0.
    public var bandwidth: Double
    /// Seconds, ≥ 0.
    public var latency: Double
    public init(bandwidth: Double, latency: Double) {
        self.bandwidth = bandwidth
        self.latency = latency
    }
}

public enum TransferMode: String, Sendable {
    /// Peer-to-peer copies: one link per ordered device pair.
    case direct
    /// Copies go through the server's host memory (SPEC §2); the NeurIPS'20 model.
    case hostStaged
}

public struct Links: Sendable, Equatable {
    public var mode: TransferMode
    public var intraServer: Link?
    public var interServer: Link?
    public var pairs: [LinkPair]

    public init(mode: TransferMode = .direct, intraServer: Link?, interServer: Link? = nil, pairs: [LinkPair] = []) {
        self.mode = mode
        self.intraServer = intraServer
        self.interServer = interServer
        self.pairs = pairs
    }
}

/// An override for the ordered pair `from → to` (both directions with `bidirectional`).
public struct LinkPair: Sendable, Equatable {
    public var from: String
    public var to: String
    public var link: Link
    public var bidirectional: Bool
    public init(from: String, to: String, link: Link, bidirectional: Bool = false) {
        self.from = from
        self.to = to
        self.link = link
        self.bidirectional = bidirectional
    }
}

public struct Layer: Sendable, Equatable {
    public var name: String
    public var op: String?
    /// Weight elements: `weightBytes(v, p) = params · bits(p) / 8`.
    public var params: Double
    /// Output elements: `outBytes(v, p) = outputElements · bits(p) / 8`.
    public var outputElements: Double
    /// Seconds per device kind and precision; a missing entry means "cannot run there".
    public var costs: [String: [String: Double]]
    /// Accuracy penalty per precision (0 where absent).
    public var sensitivity: [String: Double]
    public var pin: String?
    public var group: String?

    public init(
        name: String, op: String? = nil, params: Double = 0, outputElements: Double = 0,
        costs: [String: [String: Double]], sensitivity: [String: Double] = [:], pin: String? = nil, group: String? = nil
    ) {
        self.name = name
        self.op = op
        self.params = params
        self.outputElements = outputElements
        self.costs = costs
        self.sensitivity = sensitivity
        self.pin = pin
        self.group = group
    }
}

public struct Edge: Sendable, Equatable {
    public var from: String
    public var to: String
    /// Elements sent along this edge, overriding the producer's `outputElements`.
    public var elements: Double?
    public init(from: String, to: String, elements: Double? = nil) {
        self.from = from
        self.to = to
        self.elements = elements
    }
}
