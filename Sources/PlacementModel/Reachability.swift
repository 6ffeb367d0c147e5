/// Answers "does layer u reach layer v?" in O(1) from one descendant bitset per layer, built in
/// O(E · n / 64). At 10,000 layers that is 12.5 MB and a few milliseconds; solvers use it to skip
/// disjunctions between layers the DAG already orders.
public struct Reachability: Sendable {
    private let words: Int
    private let bits: [UInt64]

    public init(_ graph: LayerGraph) {
        let words = (graph.count + 63) / 64
        var bits = [UInt64](repeating: 0, count: words * graph.count)
        for v in graph.topologicalOrder.reversed() {
            let row = v * words
            for w in graph.successors(of: v) {
                bits[row + w / 64] |= 1 << UInt64(w % 64)
                let other = w * words
                for i in 0..<words { bits[row + i] |= bits[other + i] }
            }
        }
        self.words = words
        self.bits = bits
    }

    /// True when there is a path of one or more edges from `u` to `v`.
    public func reaches(_ u: Int, _ v: Int) -> Bool {
        bits[u * words + v / 64] & (1 << UInt64(v % 64)) != 0
    }

    /// True when neither layer reaches the other, so a schedule must order them explicitly.
    public func areIndependent(_ u: Int, _ v: Int) -> Bool { u != v && !reaches(u, v) && !reaches(v, u) }
}
