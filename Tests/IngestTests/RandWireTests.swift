@testable import Ingest
import PlacementModel
import Testing

@Suite struct RandWireTests {
    func edges(_ graph: RandWire.Graph, nodes: Int, seed: UInt64) -> [String] {
        var rng = SeededGenerator(seed: seed)
        return RandWire.graph(graph, nodes: nodes, rng: &rng).map { "(\($0.0), \($0.1))" }
    }

    /// Recorded from this implementation: a change here changes every RandWire instance.
    @Test func goldenGraphs() {
        #expect(edges(.ws, nodes: 10, seed: 7).joined(separator: ", ")
            == "(0, 3), (0, 4), (0, 6), (0, 8), (1, 2), (1, 3), (1, 4), (1, 9), (2, 3), (2, 4), (3, 4), (3, 6), (4, 5), (4, 6), (4, 7), (5, 6), (5, 8), (5, 9), (7, 8), (7, 9)")
        #expect(edges(.er, nodes: 10, seed: 7).joined(separator: ", ")
            == "(1, 2), (1, 3), (1, 5), (3, 6), (4, 6), (5, 7), (5, 9), (8, 9)")
        #expect(edges(.ba, nodes: 10, seed: 7).joined(separator: ", ")
            == "(0, 5), (0, 6), (0, 7), (0, 8), (1, 5), (1, 8), (2, 5), (2, 6), (2, 7), (2, 8), (2, 9), (3, 5), (3, 6), (3, 7), (3, 8), (3, 9), (4, 5), (4, 6), (5, 6), (5, 7), (5, 9), (6, 7), (6, 9), (7, 8), (8, 9)")
    }

    @Test(arguments: 1...20)
    func graphsHaveTheirModelsEdgeCounts(seed: Int) {
        // WS rewiring keeps the lattice's n·k/2 edges; BA adds m edges per node after the first m.
        #expect(edges(.ws, nodes: 32, seed: UInt64(seed)).count == 64)
        #expect(edges(.ba, nodes: 32, seed: UInt64(seed)).count == 5 * 27)
        let er = edges(.er, nodes: 32, seed: UInt64(seed)).count
        #expect((60...140).contains(er), "ER(32, 0.2) expects 99 ± 9 edges, got \(er)")
    }

    @Test func smallRegimeMatchesThePapersSize() {
        // Xie et al., Table 2 (small regime, WS(4, 0.75), C = 78): 5.6 M parameters, 583 M FLOPs
        // (multiply-adds, averaged over random graphs).
        let network = RandWire.network(.ws, nodes: 32, regime: .small, seed: 1)
        let params = network.works.map(\.params).reduce(0, +)
        let macs = network.works.map(\.flops).reduce(0, +) / 2
        #expect(abs(params - 5.6e6) / 5.6e6 < 0.05)
        #expect(abs(macs - 583e6) / 583e6 < 0.2)
        // A DAG with one source (conv1) and one sink (fc).
        #expect(network.edges.allSatisfy { $0.0 < $0.1 })
        let targets = Set(network.edges.map(\.1))
        let sources = Set(network.edges.map(\.0))
        #expect((0..<network.works.count).filter { !targets.contains($0) } == [0])
        #expect((0..<network.works.count).filter { !sources.contains($0) } == [network.works.count - 1])
    }
}

@Suite struct CostModelTests {
    static let a100 = DeviceCatalog.Kind(
        kind: "a100-40g", memory: 40e9, memoryBandwidth: 1555e9, kernelOverhead: 5e-6, computeEfficiency: 0.6,
        memoryEfficiency: 0.8, tensorPeak: ["fp32": 156e12, "fp16": 312e12, "int8": 624e12],
        vectorPeak: ["fp32": 19.5e12, "fp16": 78e12])

    @Test func rooflineTakesTheSlowerOfComputeAndMemory() throws {
        // Compute-bound Gemm: 2 GFLOP at 0.6 · 312 TFLOP/s = 10.68 µs, plus 5 µs launch.
        let gemm = LayerWork(name: "g", op: "Gemm", units: .tensor, flops: 2e9, inputElements: 1e6, params: 1e6, outputElements: 1e6)
        let fp16 = try #require(CostModel.seconds(gemm, on: Self.a100, precision: "fp16", bits: 16))
        #expect(abs(fp16 - (2e9 / (0.6 * 312e12) + 5e-6)) < 1e-15)
        // int8 doubles the tensor peak: 5.34 µs of compute; its 3 MB at 0.8 · 1555 GB/s take 2.41 µs.
        let int8 = try #require(CostModel.seconds(gemm, on: Self.a100, precision: "int8", bits: 8))
        #expect(abs(int8 - (2e9 / (0.6 * 624e12) + 5e-6)) < 1e-15)
        // Memory-bound element-wise op: 3e8 elements · 2 bytes at 0.8 · 1555 GB/s.
        let add = LayerWork(name: "a", op: "Add", units: .vector, flops: 1e8, inputElements: 2e8, params: 0, outputElements: 1e8)
        let seconds = try #require(CostModel.seconds(add, on: Self.a100, precision: "fp16", bits: 16))
        #expect(abs(seconds - (6e8 / (0.8 * 1555e9) + 5e-6)) < 1e-15)
        // A precision the kind lacks cannot be costed.
        #expect(CostModel.seconds(gemm, on: Self.a100, precision: "int4", bits: 4) == nil)
    }

    @Test func sensitivityGrowsWithFewerParametersAndFewerBits() {
        let small = CostModel.sensitivity(params: 1e3, bits: 8, referenceBits: 32)
        let large = CostModel.sensitivity(params: 1e7, bits: 8, referenceBits: 32)
        let four = CostModel.sensitivity(params: 1e7, bits: 4, referenceBits: 32)
        #expect(small > large && four > large)
        #expect(CostModel.sensitivity(params: 1e3, bits: 32, referenceBits: 32) == 0)
    }
}

@Suite struct TransformerStackTests {
    @Test func bertBaseHasItsPublishedSize() {
        // BERT-base: about 110 M parameters (Devlin et al. 2019), of which the blocks hold
        // 12 · (4h² + 2hf) = 84.9 M and the token embedding 30522 · 768 = 23.4 M; position and
        // segment embeddings and biases (1.5 M) are left out here.
        let network = TransformerStack.network(TransformerStack.Shape(blocks: 12, hidden: 768, ffn: 3072, heads: 12, sequence: 128))
        let params = network.works.map(\.params).reduce(0, +)
        #expect(abs(params - 108.3e6) / 108.3e6 < 0.01)
        #expect(abs(params - 110e6) / 110e6 < 0.03)
        // 1 + 8 layers per block; 10 edges per block: 8 along the block, 2 residual.
        #expect(network.works.count == 1 + 12 * 8)
        #expect(network.edges.count == 12 * 10)
        // Forward FLOPs ≈ 2 · tokens · block parameters plus attention: 2 · 128 · 84.9 M = 21.7 G.
        let flops = network.works.map(\.flops).reduce(0, +)
        #expect(flops > 21.7e9 && flops < 21.7e9 * 1.15)
    }
}

@Suite struct ResNetTests {
    @Test func resnet50HasItsPublishedSize() {
        // torchvision ResNet-50: 25.56 M parameters, 4.09 G multiply-adds at 224×224 (batch norm
        // parameters, 53 k, are folded away here).
        let network = ResNet.resnet50()
        let params = network.works.map(\.params).reduce(0, +)
        let flops = network.works.map(\.flops).reduce(0, +)
        let convMACs = network.works.filter { $0.units == .tensor }.map(\.flops).reduce(0, +) / 2
        #expect(abs(params - 25.56e6) / 25.56e6 < 0.01)
        #expect(abs(convMACs - 4.09e9) / 4.09e9 < 0.01)
        #expect(flops > 2 * convMACs)
        // 53 convolutions, 16 additions, max pool, average pool, fc.
        #expect(network.works.count == 53 + 16 + 3)
    }
}
