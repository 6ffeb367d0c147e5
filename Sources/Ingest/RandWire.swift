import PlacementModel

/// RandWire networks (Xie et al., "Exploring Randomly Wired Neural Networks for Image
/// Recognition", 2019): each stage is a random undirected graph made a DAG by node index; a node
/// is ReLU-SepConv3×3-BN over the sum of its inputs; nodes without inputs read the stage's input
/// (stride 2), nodes without outputs are averaged into the stage's output. Graphs: WS (k = 4,
/// p = 0.75), ER (p = 0.2), BA (m = 5), drawn from a seeded generator, so a seed is a network.
public enum RandWire {
    public enum Graph: String, Sendable, CaseIterable { case ws, er, ba }
    public enum Regime: String, Sendable, CaseIterable { case small, regular }

    /// Undirected edges (i < j) of one random graph on `nodes` nodes.
    public static func graph(_ kind: Graph, nodes n: Int, rng: inout SeededGenerator) -> [(Int, Int)] {
        var edges = Set<Pair>()
        switch kind {
        case .ws:
            // Ring lattice, each node joined to its k/2 = 2 neighbours on each side; each edge's far
            // end rewired with probability 0.75 to a node it does not already join.
            let half = 2
            var neighbours = [Set<Int>](repeating: [], count: n)
            for i in 0..<n {
                for j in 1...half where j < n {
                    let k = (i + j) % n
                    if k != i {
                        neighbours[i].insert(k)
                        neighbours[k].insert(i)
                    }
                }
            }
            for j in 1...half {
                for i in 0..<n {
                    let k = (i + j) % n
                    guard neighbours[i].contains(k), Double.random(in: 0..<1, using: &rng) < 0.75 else { continue }
                    let free = (0..<n).filter { $0 != i && !neighbours[i].contains($0) }
                    guard let target = free.randomElement(using: &rng) else { continue }
                    neighbours[i].remove(k)
                    neighbours[k].remove(i)
                    neighbours[i].insert(target)
                    neighbours[target].insert(i)
                }
            }
            for i in 0..<n { for k in neighbours[i] where i < k { edges.insert(Pair(i, k)) } }
        case .er:
            for i in 0..<n { for j in (i + 1)..<max(i + 1, n) where Double.random(in: 0..<1, using: &rng) < 0.2 { edges.insert(Pair(i, j)) } }
        case .ba:
            // Preferential attachment from m = 5 unconnected seed nodes (as networkx does).
            let m = min(5, max(1, n - 1))
            var targets = Array(0..<m)
            var repeated: [Int] = []
            for source in m..<max(m, n) {
                for t in targets { edges.insert(Pair(min(source, t), max(source, t))) }
                repeated += targets + [Int](repeating: source, count: m)
                var chosen = Set<Int>()
                while chosen.count < m { chosen.insert(repeated.randomElement(using: &rng)!) }
                targets = chosen.sorted()
            }
        }
        return edges.sorted().map { ($0.low, $0.high) }
    }

    private struct Pair: Hashable, Comparable {
        let low: Int
        let high: Int
        init(_ low: Int, _ high: Int) {
            self.low = low
            self.high = high
        }
        static func < (a: Pair, b: Pair) -> Bool { (a.low, a.high) < (b.low, b.high) }
    }

    /// The whole network's layers and edges for 224×224 inputs.
    /// Small regime (C = 78): conv1 3×3/2 C/2, conv2 3×3/2 C, then random stages of N/2, N, N
    /// nodes at C, 2C, 4C. Regular regime (C = 109): conv1 3×3/2 C/2, then random stages of
    /// N/2, N, N, N nodes at C, 2C, 4C, 8C. Both end with a 1×1 conv to 1280, pooling and fc.
    public static func network(
        _ kind: Graph, nodes: Int, regime: Regime, seed: UInt64
    ) -> (works: [LayerWork], edges: [(Int, Int)]) {
        var rng = SeededGenerator(seed: seed)
        var works: [LayerWork] = []
        var edges: [(Int, Int)] = []
        var size = 224.0
        var channels = 3.0
        var previous = -1
        func add(_ work: LayerWork, after inputs: [Int]) -> Int {
            works.append(work)
            edges += inputs.map { ($0, works.count - 1) }
            return works.count - 1
        }
        func conv(_ name: String, to outChannels: Double, kernel: Double, stride: Double) {
            let outSize = size / stride
            let macs = outSize * outSize * outChannels * channels * kernel * kernel
            previous = add(LayerWork(
                name: name, op: "Conv", units: .tensor, flops: 2 * macs, inputElements: size * size * channels,
                params: kernel * kernel * channels * outChannels, outputElements: outSize * outSize * outChannels),
                after: previous >= 0 ? [previous] : [])
            size = outSize
            channels = outChannels
        }
        let base: Double = regime == .small ? 78 : 109
        conv("conv1", to: base / 2, kernel: 3, stride: 2)
        let stages: [(nodes: Int, channels: Double)] =
            regime == .small
            ? [(nodes / 2, base), (nodes, 2 * base), (nodes, 4 * base)]
            : [(nodes / 2, base), (nodes, 2 * base), (nodes, 4 * base), (nodes, 8 * base)]
        if regime == .small { conv("conv2", to: base, kernel: 3, stride: 2) }
        for (s, stage) in stages.enumerated() {
            let n = max(stage.nodes, 2)
            let graph = graph(kind, nodes: n, rng: &rng)
            let outSize = size / 2
            var index = [Int](repeating: -1, count: n)
            var hasInput = [Bool](repeating: false, count: n)
            var hasOutput = [Bool](repeating: false, count: n)
            for (i, j) in graph {
                hasInput[j] = true
                hasOutput[i] = true
            }
            for v in 0..<n {
                // Nodes fed by the stage input downsample from the previous stage's channels.
                let inChannels = hasInput[v] ? stage.channels : channels
                let inSize = hasInput[v] ? outSize : size
                let pixels = outSize * outSize
                let macs = pixels * inChannels * 9 + pixels * inChannels * stage.channels
                let inputs = graph.filter { $0.1 == v }.map { index[$0.0] } + (hasInput[v] ? [] : [previous])
                index[v] = add(LayerWork(
                    name: "stage\(s + 1)_node\(v)", op: "SepConv", units: .tensor, flops: 2 * macs,
                    inputElements: inSize * inSize * inChannels * Double(max(1, inputs.count)),
                    params: 9 * inChannels + inChannels * stage.channels + 2 * stage.channels,
                    outputElements: pixels * stage.channels), after: inputs)
            }
            let sinks = (0..<n).filter { !hasOutput[$0] }.map { index[$0] }
            let elements = outSize * outSize * stage.channels
            previous = add(LayerWork(
                name: "stage\(s + 1)_out", op: "Mean", units: .vector, flops: elements * Double(sinks.count),
                inputElements: elements * Double(sinks.count), params: 0, outputElements: elements), after: sinks)
            size = outSize
            channels = stage.channels
        }
        conv("classifier_conv", to: 1280, kernel: 1, stride: 1)
        previous = add(LayerWork(
            name: "pool", op: "GlobalAveragePool", units: .vector, flops: size * size * channels,
            inputElements: size * size * channels, params: 0, outputElements: channels), after: [previous])
        _ = add(LayerWork(
            name: "fc", op: "Gemm", units: .tensor, flops: 2 * channels * 1000, inputElements: channels,
            params: channels * 1000 + 1000, outputElements: 1000), after: [previous])
        return (works, edges)
    }
}
