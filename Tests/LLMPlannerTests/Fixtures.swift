import Foundation
import Ingest
import PlacementModel

@testable import LLMPlanner

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func bundled(_ relative: String) -> String { packageRoot.appendingPathComponent(relative).path }

func bundledCatalog() throws -> DeviceCatalog { try DeviceCatalog.load(path: bundled("instances/devices/catalog.json")) }

/// Two made-up kinds with round figures, so costs can be computed by hand: no overheads, full
/// efficiency; `big` has twice the memory and bandwidth of `small`.
func testCatalog(smallMemory: Double = 60e6, bigMemory: Double = 120e6, smallBandwidth: Double = 1e11, bigBandwidth: Double = 2e11)
    throws -> DeviceCatalog
{
    let text = """
        {"format": "dnnplace-devices/1", "kinds": [
          {"kind": "small", "memory": \(smallMemory), "memoryBandwidth": \(smallBandwidth), "peak": {"tensor": {"fp16": 1e13}, "vector": {"fp16": 1e12}}},
          {"kind": "big", "memory": \(bigMemory), "memoryBandwidth": \(bigBandwidth), "peak": {"tensor": {"fp16": 2e13}, "vector": {"fp16": 2e12}}}
        ]}
        """
    return try DeviceCatalog(json: JSONParser.parse(text))
}

/// A five-layer model of about 10.5 M parameters per layer (21 MB at fp16).
let tinyModel = LanguageModel(name: "tiny", layers: 5, hidden: 1024, ffn: 2048, heads: 8, kvHeads: 4, vocab: 1000, gatedMLP: true)

func cluster(_ servers: [(name: String, gpus: [(String, Int)])], catalog: DeviceCatalog, intra: Double = 50e9, network: Double = 5e9)
    -> Cluster
{
    Cluster(
        servers: servers.map {
            Cluster.Server(
                name: $0.name, gpus: $0.gpus.map { Cluster.GPUCount(kind: $0.0, count: $0.1) },
                intraLink: Link(bandwidth: intra, latency: 1e-6))
        }, network: Link(bandwidth: network, latency: 1e-5), catalog: catalog)
}
