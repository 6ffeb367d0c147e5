/// The tensors an assignment moves between devices (SPEC §2): a layer's output goes at most
/// once to each other device that hosts one of its consumers, with `bytes(u, b)` the largest
/// of its edges into `b` (an edge's byte override, else the layer's output), at `p(u)`.
/// Stored flat: destinations of `u` are `destination[start[u]..<start[u+1]]`.
public struct TransferSet: Sendable {
    public let start: [Int]
    public let destination: [Int]
    public let bytes: [Double]

    public init(_ problem: Problem, _ assignment: Assignment) {
        let graph = problem.graph
        var start = [Int](repeating: 0, count: problem.layerCount + 1)
        var destination: [Int] = []
        var bytes: [Double] = []
        // slot[b] is the index in `destination` of b for the current producer, if any.
        var slot = [Int](repeating: -1, count: problem.deviceCount)
        for u in 0..<problem.layerCount {
            let a = assignment.device[u]
            let first = destination.count
            for i in graph.successorStart[u]..<graph.successorStart[u + 1] {
                let b = assignment.device[graph.successors[i]]
                if b == a { continue }
                let size = problem.edgeBytes(successorEntry: i, from: u, precision: assignment.precision[u])
                if slot[b] >= first, slot[b] < destination.count, destination[slot[b]] == b {
                    bytes[slot[b]] = max(bytes[slot[b]], size)
                } else {
                    slot[b] = destination.count
                    destination.append(b)
                    bytes.append(size)
                }
            }
            start[u + 1] = destination.count
        }
        self.start = start
        self.destination = destination
        self.bytes = bytes
    }

    /// Indices into `destination`/`bytes` of the transfers of layer `u`.
    public func range(of u: Int) -> Range<Int> { start[u]..<start[u + 1] }

    /// `bytes(u, b)`, or nil when `u` sends nothing to `b`.
    public func bytes(from u: Int, to b: Int) -> Double? {
        range(of: u).first { destination[$0] == b }.map { bytes[$0] }
    }
}
