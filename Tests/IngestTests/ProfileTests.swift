import Ingest
import PlacementModel
import Testing

@Suite struct ProfileTests {
    static let instance = Instance(
        name: "p", precisions: [.fp32, Precision(name: "fp16", bits: 16)],
        devices: [Device(name: "g", kind: "t4", memory: 1e9)], links: Links(intraServer: nil),
        layers: [Layer(name: "conv", costs: ["t4": ["fp32": 1]]), Layer(name: "fc", costs: ["t4": ["fp32": 2]])], edges: [])

    @Test func csvOverridesAndAddsCosts() throws {
        let profile = try Profile.csv("layer,deviceKind,precision,seconds\nconv,t4,fp16,0.25\nfc, t4 ,fp32,1.5\n", file: "m.csv")
        let updated = try profile.applied(to: Self.instance, file: "m.csv")
        #expect(updated.layers[0].costs["t4"] == ["fp32": 1, "fp16": 0.25])
        #expect(updated.layers[1].costs["t4"] == ["fp32": 1.5])
    }

    /// Repeated lines are runs of one measurement, averaged as ONNX Runtime's are (the last
    /// one used to win); the order of first appearance is kept.
    @Test func csvRunsOfOneCostAreAveraged() throws {
        let profile = try Profile.csv("fc,t4,fp32,1\nconv,t4,fp16,0.25\nfc,t4,fp32,2\nfc,t4,fp16,4\nfc,t4,fp32,6\n", file: "m.csv")
        #expect(profile.entries == [
            Profile.Entry(layer: "fc", kind: "t4", precision: "fp32", seconds: 3),
            Profile.Entry(layer: "conv", kind: "t4", precision: "fp16", seconds: 0.25),
            Profile.Entry(layer: "fc", kind: "t4", precision: "fp16", seconds: 4),
        ])
    }

    @Test func csvErrorsNameTheLine() {
        #expect {
            try Profile.csv("conv,t4,fp16\nfc,t4,fp32,-1\n", file: "m.csv")
        } throws: { error in
            (error as? InputError)?.diagnostics.map(\.path) == ["line 1", "line 2"]
        }
        #expect {
            try Profile.csv("nope,t4,fp32,1\nconv,v100,fp32,1\n", file: "m.csv").applied(to: Self.instance, file: "m.csv")
        } throws: { error in
            (error as? InputError)?.diagnostics.map(\.message) == ["unknown layer 'nope'", "unknown device kind 'v100' (kinds: t4)"]
        }
    }

    @Test func onnxRuntimeKernelTimesAreAveraged() throws {
        let json = try JSONParser.parse("""
            [{"cat": "Session", "name": "model_run", "dur": 900},
             {"cat": "Node", "name": "conv_kernel_time", "dur": 100, "args": {"op_name": "Conv"}},
             {"cat": "Node", "name": "conv_fence_before", "dur": 1},
             {"cat": "Node", "name": "conv_kernel_time", "dur": 300}]
            """)
        let profile = try Profile.onnxRuntime(json, kind: "t4", precision: "fp16", file: "ort.json")
        #expect(profile.entries == [Profile.Entry(layer: "conv", kind: "t4", precision: "fp16", seconds: 200e-6)])
    }
}
