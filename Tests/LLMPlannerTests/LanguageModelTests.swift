import Foundation
import PlacementModel
import Testing

@testable import LLMPlanner

struct LanguageModelTests {
    @Test func llama2_70bHasAbout69BillionParametersAnd138GBAtFP16() throws {
        let model = try LanguageModel.load(path: bundled("instances/llm/llama-2-70b.json"))
        // Per layer: Q and O 8192², K and V 8192 × 1024 (8 KV heads of 128), gated MLP
        // 3 × 8192 × 28672, two norms of 8192.
        let layer: Double = 2 * 8192 * 8192 + 2 * 8192 * 1024 + 3 * 8192 * 28672 + 2 * 8192
        #expect(model.layerParameters == layer)
        #expect(layer == 855_654_400)
        // 80 layers, embedding and untied head of 32000 × 8192, final norm.
        let outside: Double = 2 * 32000 * 8192 + 8192
        #expect(model.parameters == 80 * layer + outside)
        #expect(abs(model.parameters - 68.98e9) < 0.01e9)
        #expect(abs(model.parameters * 2 - 137.95e9) < 0.01e9)
        // KV cache per token and layer: 2 × kvHeads × headDim × bytes = 2 × 8 × 128 × 2.
        #expect(model.kvBytesPerToken(bytesPerValue: 2) == 4096)
    }

    @Test func theOtherBundledModelsHaveTheirPublishedSizes() throws {
        let sizes = ["llama-2-7b": 6.74e9, "llama-2-13b": 13.02e9, "mistral-7b": 7.24e9]
        for (name, published) in sizes {
            let model = try LanguageModel.load(path: bundled("instances/llm/\(name).json"))
            #expect(abs(model.parameters - published) / published < 0.005, "\(name): \(model.parameters)")
        }
        let mistral = try LanguageModel.load(path: bundled("instances/llm/mistral-7b.json"))
        #expect(mistral.kvBytesPerToken(bytesPerValue: 1) == 2 * 8 * 128)
    }

    @Test func badShapesAreNamed() {
        let text = """
            {"format": "dnnplace-llm/1", "name": "x", "layers": 2, "hidden": 100, "ffn": 10, "heads": 3, "vocab": 5, "extra": 1}
            """
        #expect(throws: InputError.self) { try LanguageModel(json: JSONParser.parse(text)) }
        do {
            _ = try LanguageModel(json: JSONParser.parse(text))
        } catch let error as InputError {
            let messages = error.diagnostics.map(\.description)
            #expect(messages.contains { $0.contains("extra") && $0.contains("unknown field") })
        } catch {
            Issue.record("unexpected \(error)")
        }
        let uneven = """
            {"format": "dnnplace-llm/1", "name": "x", "layers": 2, "hidden": 100, "ffn": 10, "heads": 3, "vocab": 5}
            """
        #expect(throws: InputError.self) { try LanguageModel(json: JSONParser.parse(uneven)) }
    }

    @Test func clustersExpandCountsAndGroupIdenticalServers() throws {
        let cluster = try Cluster.load(path: bundled("instances/llm/a100-16x8.json"))
        #expect(cluster.servers.count == 16)
        #expect(cluster.gpuCount == 128)
        #expect(cluster.servers[3].name == "dgx-3")
        #expect(cluster.classes.count == 1)
        #expect(cluster.network.bandwidth == 25e9)
        let mixed = try Cluster.load(path: bundled("instances/llm/mixed-16.json"))
        #expect(mixed.classes.map(\.members.count) == [4, 2, 4, 3, 3])
    }

    /// A cluster's catalog is found beside the cluster file, wherever the tool runs from; one
    /// given to `load` (the command's --devices) takes its place; a cluster naming none is told so.
    @Test func clustersReadTheCatalogTheyName() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dnnplace-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("devices"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let custom = """
            {"format": "dnnplace-devices/1", "kinds": [{"kind": "npu", "memory": 1e9, "memoryBandwidth": 1e11, "peak": {"tensor": {"fp16": 1e13}, "vector": {"fp16": 1e12}}}],
             "links": {"bus": {"bandwidth": 1e9, "latency": 0}}}
            """
        try custom.write(to: folder.appendingPathComponent("devices/npus.json"), atomically: true, encoding: .utf8)
        func write(_ catalogField: String) throws -> String {
            let path = folder.appendingPathComponent("cluster.json").path
            try """
                {"format": "dnnplace-cluster/1", \(catalogField) "servers": [{"gpus": [{"kind": "npu", "count": 2}], "intraLink": "bus"}], "network": "bus"}
                """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let path = try write(#""catalog": "devices/npus.json","#)
        #expect(try Cluster.load(path: path).catalog.kinds.keys.sorted() == ["npu"])
        #expect(throws: InputError.self) { try Cluster.load(path: path, catalog: bundledCatalog()) }
        do {
            _ = try Cluster.load(path: write(""))
            Issue.record("accepted a cluster without a catalog")
        } catch let error as InputError {
            #expect(error.description.contains("cluster.json"))
            #expect(error.description.contains("missing field 'catalog'"))
        }
    }

    @Test func unknownKindsAndLinksAreReportedWithTheirPath() throws {
        let catalog = try bundledCatalog()
        let text = """
            {"format": "dnnplace-cluster/1", "servers": [{"gpus": [{"kind": "v100", "count": 2}], "intraLink": "nvlink9"}], "network": "net100g"}
            """
        do {
            _ = try Cluster(json: JSONParser.parse(text), catalog: catalog)
            Issue.record("accepted an unknown kind")
        } catch let error as InputError {
            let messages = error.diagnostics.map(\.description)
            #expect(messages.contains { $0.contains("servers[0].gpus[0]") && $0.contains("unknown kind 'v100'") })
            #expect(messages.contains { $0.contains("servers[0].intraLink") && $0.contains("unknown link 'nvlink9'") })
        }
    }
}
