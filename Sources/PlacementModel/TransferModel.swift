/// How long a tensor takes from one device to another, and which link resources it loads
/// (SPEC §2). In both modes the time is affine in the bytes: `τ = latency(a,b) + bytes·perByte(a,b)`,
/// so one pair of matrices serves latency; throughput needs the stages, below.
public struct TransferModel: Sendable {
    public let mode: TransferMode
    public let deviceCount: Int
    /// Seconds before the first byte arrives, per ordered pair `a·m + b`; 0 on the diagonal.
    public let latency: [Double]
    /// Seconds per byte, per ordered pair `a·m + b`; 0 on the diagonal.
    public let secondsPerByte: [Double]
    /// Host-staged mode: devices that work in host memory, each device's link to host memory,
    /// servers, and the network between hosts.
    public let hostMemory: [Bool]
    public let hostLink: [Link?]
    public let server: [Int]
    public let network: Link?

    init(
        mode: TransferMode, server: [Int], hostMemory: [Bool], hostLink: [Link?], network: Link?,
        pairLink: (Int, Int) -> Link?
    ) {
        let m = server.count
        self.mode = mode
        self.deviceCount = m
        self.server = server
        self.hostMemory = hostMemory
        self.hostLink = hostLink
        self.network = network
        var latency = [Double](repeating: 0, count: m * m)
        var perByte = [Double](repeating: 0, count: m * m)
        for a in 0..<m {
            for b in 0..<m where a != b {
                let stages: [Link?] =
                    switch mode {
                    case .direct: [pairLink(a, b)]
                    case .hostStaged:
                        [hostMemory[a] ? nil : hostLink[a], server[a] == server[b] ? nil : network,
                         hostMemory[b] ? nil : hostLink[b]]
                    }
                for case let link? in stages {
                    latency[a * m + b] += link.latency
                    perByte[a * m + b] += 1 / link.bandwidth
                }
            }
        }
        self.latency = latency
        self.secondsPerByte = perByte
    }

    /// τ: seconds to move `bytes` from device `a` to device `b` (0 when `a == b`).
    @inlinable
    public func time(from a: Int, to b: Int, bytes: Double) -> Double {
        let pair = a * deviceCount + b
        return a == b ? 0 : latency[pair] + bytes * secondsPerByte[pair]
    }
}

/// A link that carries transfers in the throughput model (SPEC §3): each is loaded by the
/// bandwidth time of everything it carries per input.
public enum LinkResource: Hashable, Sendable, Comparable {
    /// Direct mode: the link from device `a` to device `b`.
    case pair(Int, Int)
    /// Host-staged: a device's copy into its host's memory.
    case toHost(Int)
    /// Host-staged: a copy from host memory into a device.
    case fromHost(Int)
    /// Host-staged: the network from one server's host to another's.
    case network(Int, Int)
}
