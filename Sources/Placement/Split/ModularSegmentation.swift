import PlacementModel

/// Modules for the splitting heuristic (SPEC §5): contiguous segments of a topological order,
/// at most `maxSize` layers each, chosen by dynamic programming to maximise Newman modularity
/// Q = Σ_modules [ w_in / W − (deg / 2W)² ] of the undirected DAG weighted by transfer bytes.
/// Segments of a topological order keep the quotient graph acyclic: every edge goes forward.
/// O(n · maxSize · degree).
enum ModularSegmentation {
    static func modules(_ problem: Problem, maxSize: Int) -> [[Int]] {
        let graph = problem.graph
        let n = problem.layerCount
        guard n > maxSize else { return [graph.topologicalOrder] }
        let order = graph.topologicalOrder
        var position = [Int](repeating: 0, count: n)
        for (i, v) in order.enumerated() { position[v] = i }
        // Edge weights: bytes at the reference precision (1 each if every tensor is empty).
        var weight = [Double](repeating: 0, count: graph.successors.count)
        for u in 0..<n {
            for i in graph.successorStart[u]..<graph.successorStart[u + 1] {
                weight[i] = problem.edgeBytes(successorEntry: i, from: u, precision: 0)
            }
        }
        if !weight.contains(where: { $0 > 0 }) { weight = weight.map { _ in 1 } }
        let total = weight.reduce(0, +)
        guard total > 0 else { return stride(from: 0, to: n, by: maxSize).map { Array(order[$0..<min(n, $0 + maxSize)]) } }
        var degree = [Double](repeating: 0, count: n)
        for u in 0..<n {
            for i in graph.successorStart[u]..<graph.successorStart[u + 1] {
                degree[u] += weight[i]
                degree[graph.successors[i]] += weight[i]
            }
        }
        // best[e]: best modularity of the first e layers of the order; cut[e]: where its last segment starts.
        var best = [Double](repeating: -.infinity, count: n + 1)
        var cut = [Int](repeating: 0, count: n + 1)
        best[0] = 0
        for e in 1...n {
            var inside = 0.0
            var segmentDegree = 0.0
            for s in stride(from: e - 1, through: max(0, e - maxSize), by: -1) {
                let u = order[s]
                segmentDegree += degree[u]
                for i in graph.successorStart[u]..<graph.successorStart[u + 1] where position[graph.successors[i]] < e {
                    inside += weight[i]
                }
                let q = inside / total - (segmentDegree / (2 * total)) * (segmentDegree / (2 * total))
                if best[s] + q > best[e] {
                    best[e] = best[s] + q
                    cut[e] = s
                }
            }
        }
        var modules: [[Int]] = []
        var e = n
        while e > 0 {
            modules.append(Array(order[cut[e]..<e]))
            e = cut[e]
        }
        return modules.reversed()
    }
}
