/// The layers that can run on one device only, and the least weight every layer needs: what a
/// heuristic that places one layer at a time keeps free on a device, so that the layers after
/// it still fit. A layer is held to one device by its pin, by its group, by a weight that fits
/// no other device's memory, or because every other device it fits is already filled by the
/// layers held there (a fuzzed instance's 50 KB layer also fit at fp16 on a 100 KB device that
/// its pinned neighbour needed whole; greedy put a 40-byte layer where the 50 KB one had to go).
/// The last rule repeats until nothing changes; every pass holds one more layer or ends, and in
/// practice two or three passes do.
public struct MemoryReservation: Sendable {
    /// Per layer, the one device it can run on, or nil when it has a choice (or none).
    public let onlyDevice: [Int?]
    /// Per layer, the least weight of its options that can still fit (0 for a layer with none).
    public let leastWeight: [Double]

    public init(_ problem: Problem) {
        let n = problem.layerCount
        var usable = (0..<n).map { v in problem.options[v].filter { problem.fits(v, $0) } }
        var onlyDevice = [Int?](repeating: nil, count: n)
        var leastWeight = [Double](repeating: 0, count: n)
        // Per device, the least weight of the layers held there.
        var held = [Double](repeating: 0, count: problem.deviceCount)
        var changed = true
        while changed {
            changed = false
            for v in 0..<n where onlyDevice[v] == nil {
                let kept = usable[v].filter {
                    problem.weightBytes(v, $0.precision) + held[$0.device] <= problem.memory[$0.device] * (1 + 1e-12)
                }
                // With nothing left the instance is infeasible; the options stay as they were.
                guard !kept.isEmpty else { continue }
                usable[v] = kept
                leastWeight[v] = kept.map { problem.weightBytes(v, $0.precision) }.min()!
                if case let d = kept[0].device, kept.allSatisfy({ $0.device == d }) {
                    onlyDevice[v] = d
                    held[d] += leastWeight[v]
                    changed = true
                }
            }
        }
        self.onlyDevice = onlyDevice
        self.leastWeight = leastWeight
    }
}
