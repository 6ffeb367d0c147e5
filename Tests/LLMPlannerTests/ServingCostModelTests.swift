import PlacementModel
import Testing

@testable import LLMPlanner

struct ServingCostModelTests {
    let workload = Workload(batch: 4, prompt: 64, context: 256, kvBytes: 2, memoryFraction: 0.9, objective: .throughput)

    @Test func stageMemoryAndDecodeTimeMatchHandComputation() throws {
        let costModel = ServingCostModel(model: tinyModel, catalog: try testCatalog(), workload: workload)
        // 2·1024² (Q, O) + 2·1024·512 (K, V: 4 KV heads of 128) + 3·1024·2048 (gated MLP) + 2·1024.
        #expect(tinyModel.layerParameters == 9_439_232)
        let link = Link(bandwidth: 50e9, latency: 1e-6)
        let profile = costModel.profile(
            kind: "small", tensorParallel: 2, precision: "fp16", role: StageRole(embedding: false, head: false, send: nil),
            intraLink: link, inFlight: 3)
        // Weights halved by tensor parallelism; KV: 3 micro-batches × 4 sequences × 256 tokens ×
        // (2 × 4 heads × 128 × 2 bytes) / 2 GPUs.
        let perLayer: Double = 9_439_232 + 3 * 4 * 256 * 1024
        #expect(profile.memoryPerLayer == perLayer)
        // Prefill workspace: 2 × 64 tokens × (1024 + 3 × 2048 / 2) × 2 bytes, plus 64² scores × 4 heads × 2 bytes.
        let workspace: Double = 2 * 64 * (1024 + 3072) * 2 + 64 * 64 * 4 * 2
        #expect(profile.memoryFixed == workspace)
        #expect(profile.capacity == 54e6)
        #expect(profile.layersThatFit == 4)  // (54e6 − 1,081,344) / 12,584,960 = 4.2
        // Decode is memory-bound: weights 9,439,232 + KV 4·256·1024 + activations 4·(6·1024 + 3·2048/2)·2
        // bytes at 1e11 B/s; two ring all-reduces of 4·1024·2 bytes over 2 GPUs: 8192/50e9 + 2e-6 each.
        let memoryTime = (9_439_232.0 + 1_048_576 + 73_728) / 1e11
        let allReduces = 2 * (8192 / 50e9 + 2e-6)
        #expect(abs(profile.decodePerLayer - (memoryTime + allReduces)) < 1e-15)
        #expect(profile.decodeFixed == 0)
    }

    @Test func headEmbeddingAndSendAreFixedCosts() throws {
        let costModel = ServingCostModel(model: tinyModel, catalog: try testCatalog(), workload: workload)
        let link = Link(bandwidth: 50e9, latency: 1e-6)
        let plain = costModel.profile(
            kind: "big", tensorParallel: 1, precision: "int8", role: StageRole(embedding: false, head: false, send: nil),
            intraLink: link, inFlight: 1)
        let network = Link(bandwidth: 5e9, latency: 1e-5)
        let last = costModel.profile(
            kind: "big", tensorParallel: 1, precision: "int8", role: StageRole(embedding: false, head: true, send: network),
            intraLink: link, inFlight: 1)
        // The head: 1000 × 1024 at 2 bytes read at 2e11 B/s (memory-bound), logits of 4 × 1000 fp32;
        // the sampled tokens (4 × 4 bytes) go back over the network.
        let headBytes: Double = 1000 * 1024 * 2 + 4 * 1000 * 4
        #expect(last.memoryFixed - plain.memoryFixed == headBytes)
        #expect(abs(last.decodeFixed - (2_048_000 / 2e11 + 1e-5 + 16 / 5e9)) < 1e-15)
        #expect(last.decodePerLayer == plain.decodePerLayer)
        // int8 halves the weight bytes of fp16.
        let int8Layer: Double = 9_439_232 + 4 * 256 * 2048
        #expect(plain.memoryPerLayer == int8Layer)
    }

    @Test func tensorParallelDegreesArePowersOfTwoDividingHeadsAndWidth() throws {
        let costModel = ServingCostModel(model: tinyModel, catalog: try testCatalog(), workload: workload)
        #expect(costModel.tensorParallelDegrees(upTo: 8) == [1, 2, 4, 8])
        #expect(costModel.tensorParallelDegrees(upTo: 6) == [1, 2, 4])
        var odd = tinyModel
        odd.heads = 12
        odd.hidden = 1200
        odd.kvHeads = 12
        #expect(ServingCostModel(model: odd, catalog: try testCatalog(), workload: workload).tensorParallelDegrees(upTo: 8) == [1, 2, 4])
    }
}
