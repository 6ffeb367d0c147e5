/// The layer DAG in compressed sparse row form, with a topological order. Layers are the
/// indices `0..<count` in file order; edges keep their file index so per-edge data
/// (byte overrides) can be looked up from either endpoint.
public struct LayerGraph: Sendable {
    public let count: Int
    public let edgeCount: Int
    /// Successors of `v` are `successors[successorStart[v]..<successorStart[v+1]]`.
    public let successorStart: [Int]
    public let successors: [Int]
    /// File index of the edge behind each entry of `successors`.
    public let successorEdge: [Int]
    public let predecessorStart: [Int]
    public let predecessors: [Int]
    /// Layers in a topological order: among ready layers, the one earliest in the file first.
    public let topologicalOrder: [Int]

    /// Builds the graph, or returns a cycle (layers in order, first repeated implicitly).
    public static func build(count: Int, edges: [(from: Int, to: Int)]) -> Result<LayerGraph, CycleError> {
        let graph = LayerGraph(count: count, edges: edges)
        if graph.topologicalOrder.count == count { return .success(graph) }
        return .failure(CycleError(layers: graph.findCycle()))
    }

    public struct CycleError: Error {
        public let layers: [Int]
    }

    private init(count: Int, edges: [(from: Int, to: Int)]) {
        self.count = count
        edgeCount = edges.count
        var outDegree = [Int](repeating: 0, count: count + 1)
        var inDegree = [Int](repeating: 0, count: count + 1)
        for edge in edges {
            outDegree[edge.from + 1] += 1
            inDegree[edge.to + 1] += 1
        }
        for v in 0..<count {
            outDegree[v + 1] += outDegree[v]
            inDegree[v + 1] += inDegree[v]
        }
        successorStart = outDegree
        predecessorStart = inDegree
        var successors = [Int](repeating: 0, count: edges.count)
        var successorEdge = [Int](repeating: 0, count: edges.count)
        var predecessors = [Int](repeating: 0, count: edges.count)
        var nextOut = outDegree
        var nextIn = inDegree
        for (index, edge) in edges.enumerated() {
            successors[nextOut[edge.from]] = edge.to
            successorEdge[nextOut[edge.from]] = index
            nextOut[edge.from] += 1
            predecessors[nextIn[edge.to]] = edge.from
            nextIn[edge.to] += 1
        }
        self.successors = successors
        self.successorEdge = successorEdge
        self.predecessors = predecessors

        // Kahn's algorithm with a min-heap, so ties go to the layer earliest in the file.
        var remaining = (0..<count).map { inDegree[$0 + 1] - inDegree[$0] }
        var ready = MinHeap<Int>()
        for v in 0..<count where remaining[v] == 0 { ready.push(v) }
        var order: [Int] = []
        order.reserveCapacity(count)
        while let v = ready.pop() {
            order.append(v)
            for i in outDegree[v]..<outDegree[v + 1] {
                let w = successors[i]
                remaining[w] -= 1
                if remaining[w] == 0 { ready.push(w) }
            }
        }
        topologicalOrder = order
    }

    public func successors(of v: Int) -> ArraySlice<Int> { successors[successorStart[v]..<successorStart[v + 1]] }
    public func predecessors(of v: Int) -> ArraySlice<Int> {
        predecessors[predecessorStart[v]..<predecessorStart[v + 1]]
    }

    /// The topological order that always takes the ready layer of highest `priority` (ties: the
    /// lower index): the order in which list scheduling (SPEC §3) places layers.
    public func topologicalOrder(byPriority priority: [Double]) -> [Int] {
        struct Ready: Comparable {
            let priority: Double
            let layer: Int
            static func < (a: Ready, b: Ready) -> Bool {
                a.priority > b.priority || (a.priority == b.priority && a.layer < b.layer)
            }
        }
        var waiting = (0..<count).map { predecessorStart[$0 + 1] - predecessorStart[$0] }
        var ready = MinHeap<Ready>()
        for v in 0..<count where waiting[v] == 0 { ready.push(Ready(priority: priority[v], layer: v)) }
        var order: [Int] = []
        order.reserveCapacity(count)
        while let next = ready.pop() {
            order.append(next.layer)
            for w in successors(of: next.layer) {
                waiting[w] -= 1
                if waiting[w] == 0 { ready.push(Ready(priority: priority[w], layer: w)) }
            }
        }
        return order
    }

    /// A cycle among the layers that the topological sort could not order.
    private func findCycle() -> [Int] {
        var ordered = [Bool](repeating: false, count: count)
        for v in topologicalOrder { ordered[v] = true }
        // Every unordered layer has an unordered predecessor; walk predecessors until one repeats.
        guard var v = (0..<count).first(where: { !ordered[$0] }) else { return [] }
        var visitedAt = [Int: Int]()
        var walk: [Int] = []
        while visitedAt[v] == nil {
            visitedAt[v] = walk.count
            walk.append(v)
            v = predecessors(of: v).first { !ordered[$0] }!
        }
        // Start the cycle at its earliest layer in the file, for a stable message.
        let cycle = Array(walk[visitedAt[v]!...].reversed())
        let first = cycle.indices.min { cycle[$0] < cycle[$1] }!
        return Array(cycle[first...] + cycle[..<first])
    }
}
