/// The memory a heuristic that places one layer at a time must keep free, so that the layers
/// after it still fit: per device, the least weight of the layers not yet placed that are held
/// to it. A layer is held to a device when it is the last of its devices with room for the
/// layer's least weight there: from the start by its pin, its group or a weight that fits no
/// other device, and on the way as the other devices fill (including with room kept for layers
/// held there before), or when the heuristic's own choice binds it (`hold`: its group's device).
/// Fuzzed instances that greedy found no plan for: a 50 KB layer also fit at fp16 on a 100 KB
/// device that a pinned layer needed whole (seed 1155), a 100 KB layer could use any of three
/// empty 100 KB devices until a 40-byte layer went on each (seed 1595), and a 50 KB layer took
/// the room a placed group's other members needed (seed 1952). O(options · log options) in all.
public struct MemoryRoom: Sendable {
    public private(set) var memoryLeft: [Double]
    /// Per device, the least weight of the layers not yet placed that are held to it.
    public private(set) var reserved: [Double]
    /// Per layer, the one device it can still run on, or nil while it has a choice (or none).
    public private(set) var onlyDevice: [Int?]
    /// Per layer, its least weight that fits (on its device, once held; 0 with none).
    public private(set) var leastWeight: [Double]
    /// Per device, the layers not yet held that can run there, by their least weight there,
    /// ascending; the first `unchecked[d]` of them had room on d when last looked at.
    private var needs: [[(weight: Double, layer: Int)]]
    private var unchecked: [Int]
    /// Per layer not yet held, how many devices have room for its least weight there.
    private var roomyDevices: [Int]
    private var placed: [Bool]
    private let problem: Problem

    public init(_ problem: Problem) {
        self.problem = problem
        let n = problem.layerCount
        memoryLeft = problem.memory
        reserved = [Double](repeating: 0, count: problem.deviceCount)
        onlyDevice = [Int?](repeating: nil, count: n)
        leastWeight = [Double](repeating: 0, count: n)
        needs = [[(weight: Double, layer: Int)]](repeating: [], count: problem.deviceCount)
        roomyDevices = [Int](repeating: 0, count: n)
        placed = [Bool](repeating: false, count: n)
        unchecked = []
        for v in 0..<n {
            let least = Self.leastWeights(problem, v)
            leastWeight[v] = least.values.min() ?? 0
            if least.count == 1, let (d, weight) = least.first {
                hold(v, on: d, weight: weight)
            } else {
                for (d, weight) in least { needs[d].append((weight, v)) }
                roomyDevices[v] = least.count
            }
        }
        for d in needs.indices { needs[d].sort { ($0.weight, $0.layer) < ($1.weight, $1.layer) } }
        unchecked = needs.map(\.count)
        settle(Array(0..<problem.deviceCount))
    }

    /// Per device, the least weight of v's options there that fit the device's whole memory.
    private static func leastWeights(_ problem: Problem, _ v: Int) -> [Int: Double] {
        var least: [Int: Double] = [:]
        for option in problem.options[v] where problem.fits(v, option) {
            least[option.device] = min(least[option.device] ?? .infinity, problem.weightBytes(v, option.precision))
        }
        return least
    }

    private func room(_ d: Int) -> Double { memoryLeft[d] - reserved[d] }

    private mutating func hold(_ v: Int, on d: Int, weight: Double) {
        onlyDevice[v] = d
        leastWeight[v] = weight
        reserved[d] += weight
    }

    /// Holds v to device d, where a choice made outside memory binds it (its group's device).
    public mutating func hold(_ v: Int, on d: Int) {
        guard !placed[v], onlyDevice[v] == nil, let weight = Self.leastWeights(problem, v)[d] else { return }
        hold(v, on: d, weight: weight)
        settle([d])
    }

    public mutating func place(_ v: Int, on d: Int, weight: Double) {
        placed[v] = true
        memoryLeft[d] -= weight
        if let held = onlyDevice[v] { reserved[held] -= leastWeight[v] }
        settle([d])
    }

    /// Counts off a device whose room shrank for the layers it no longer has room for; a layer
    /// left with one device is held there, which shrinks the room there in turn.
    private mutating func settle(_ shrunk: [Int]) {
        var pending = shrunk
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
                hold(w, on: last, weight: lastWeight)
                pending.append(last)
            }
        }
    }
}
