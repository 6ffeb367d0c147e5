import PlacementModel

/// The memory a heuristic that places one layer at a time must keep free, as it goes: per
/// device, the least weight of the layers not yet placed that are held to it. It starts from
/// `MemoryReservation`, and holds more layers on the way: a layer whose devices, all but one,
/// have filled past its least weight there is held to the last one, before another layer takes
/// that too. (Fuzz seed 1595: a 100 KB layer needed one of three empty 100 KB devices, and
/// greedy put a 40-byte layer on each of them first.) Layers of a group are left to the
/// group's own rules. O(options · log options) in all.
struct MemoryRoom {
    private(set) var memoryLeft: [Double]
    /// Per device, the least weight of the layers not yet placed that are held to it.
    private(set) var reserved: [Double]
    /// Per layer, the one device it can still run on, or nil.
    private(set) var onlyDevice: [Int?]
    /// Per layer, its least weight (on its device, once held).
    private(set) var leastWeight: [Double]
    /// Per device, the layers that may still be held, by their least weight there, ascending;
    /// `unchecked[d]` of them still have room on d.
    private var needs: [[(weight: Double, layer: Int)]]
    private var unchecked: [Int]
    /// Per layer that may still be held, how many devices have room for its least weight there.
    private var roomyDevices: [Int]
    private var placed: [Bool]
    private let problem: Problem

    init(_ problem: Problem) {
        self.problem = problem
        let n = problem.layerCount
        let reservation = MemoryReservation(problem)
        memoryLeft = problem.memory
        onlyDevice = reservation.onlyDevice
        leastWeight = reservation.leastWeight
        reserved = [Double](repeating: 0, count: problem.deviceCount)
        for v in 0..<n { if let d = onlyDevice[v] { reserved[d] += leastWeight[v] } }
        needs = [[(weight: Double, layer: Int)]](repeating: [], count: problem.deviceCount)
        roomyDevices = [Int](repeating: 0, count: n)
        placed = [Bool](repeating: false, count: n)
        for v in 0..<n where onlyDevice[v] == nil && problem.instance.layers[v].group == nil {
            for (d, weight) in Self.leastWeights(problem, v) {
                needs[d].append((weight, v))
                roomyDevices[v] += 1
            }
        }
        for d in needs.indices { needs[d].sort { ($0.weight, $0.layer) < ($1.weight, $1.layer) } }
        unchecked = needs.map(\.count)
        for d in 0..<problem.deviceCount { settle(d) }
    }

    /// Per device, the least weight of v's options there that fit the device's whole memory.
    private static func leastWeights(_ problem: Problem, _ v: Int) -> [Int: Double] {
        var least: [Int: Double] = [:]
        for option in problem.options[v] where problem.fits(v, option) {
            least[option.device] = min(least[option.device] ?? .infinity, problem.weightBytes(v, option.precision))
        }
        return least
    }

    func room(_ d: Int) -> Double { memoryLeft[d] - reserved[d] }

    mutating func place(_ v: Int, on d: Int, weight: Double) {
        placed[v] = true
        memoryLeft[d] -= weight
        if let held = onlyDevice[v] { reserved[held] -= leastWeight[v] }
        settle(d)
    }

    /// Counts off device d for the layers it no longer has room for; a layer left with one
    /// device is held there, which takes room there in turn.
    private mutating func settle(_ first: Int) {
        var pending = [first]
        while let d = pending.popLast() {
            while unchecked[d] > 0, case let (weight, w) = needs[d][unchecked[d] - 1],
                weight > room(d) * (1 + 1e-12)
            {
                unchecked[d] -= 1
                guard !placed[w], onlyDevice[w] == nil else { continue }
                roomyDevices[w] -= 1
                guard roomyDevices[w] == 1,
                    let (last, lastWeight) = Self.leastWeights(problem, w).first(where: { $0.value <= room($0.key) * (1 + 1e-12) })
                else { continue }
                onlyDevice[w] = last
                leastWeight[w] = lastWeight
                reserved[last] += lastWeight
                pending.append(last)
            }
        }
    }
}
