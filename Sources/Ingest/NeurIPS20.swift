import PlacementModel

/// The placement input of msr-fiddle/dnn-partitioning ("Efficient Algorithms for Device
/// Placement of DNN Graph Operators", NeurIPS 2020), mapped as SPEC §8 says: `maxFPGAs`
/// accelerators and `maxCPUs` host-memory CPU cores on one server, host-staged transfers at
/// bandwidth 1 and latency 0 without overlap, so that a split's period equals the paper's
/// max-load. A node is a layer named by its id; an edge's `cost` is the bytes its source sends.
public enum NeurIPS20 {
    public static func load(path: String) throws(InputError) -> Instance {
        let json = try readJSON(path: path)
        do {
            return try instance(json: json, name: fileStem(path))
        } catch {
            throw error.inFile(path)
        }
    }

    /// Whether a JSON document is in this format: its `maxFPGAs` field, which no
    /// `dnnplace-instance/1` has.
    public static func recognises(_ json: JSONValue) -> Bool { json["maxFPGAs"] != nil }

    /// Reads an instance file in either format the tools accept: `dnnplace-instance/1`, or this
    /// one, mapped as SPEC §8 says.
    public static func problem(path: String) throws(InputError) -> Problem {
        let json = try readJSON(path: path)
        do {
            return try recognises(json) ? Problem(instance(json: json, name: fileStem(path))) : Problem(json: json)
        } catch {
            throw error.inFile(path)
        }
    }

    public static func instance(json: JSONValue, name: String) throws(InputError) -> Instance {
        let log = DiagnosticLog()
        let root = JSONReader(json, log: log)
        guard let object = root.object(fields: ["maxSizePerFPGA", "maxFPGAs", "maxCPUs", "nodes", "edges"]) else {
            throw InputError(log.diagnostics)
        }
        let memory = object.required("maxSizePerFPGA")?.number() ?? 0
        let accelerators = object.required("maxFPGAs")?.integer() ?? 0
        let cpus = object.required("maxCPUs")?.integer() ?? 0
        var devices = (0..<accelerators).map { Device(name: "accel\($0)", kind: "accel", memory: memory) }
        devices += (0..<cpus).map { Device(name: "cpu\($0)", kind: "cpu", memory: .infinity, hostMemory: true) }
        if devices.isEmpty { object.reader.error("maxFPGAs and maxCPUs are both 0: no device") }

        // Edges first: a node's output bytes are the cost of its out-edges.
        var edges: [Edge] = []
        var outputBytes: [String: Double] = [:]
        let edgeFields: Set = ["sourceId", "destId", "cost", "size"]
        for reader in object.required("edges")?.array() ?? [] {
            guard let edge = reader.object(fields: edgeFields),
                let source = edge.required("sourceId")?.integer(), let destination = edge.required("destId")?.integer(),
                let cost = edge.required("cost")?.number()
            else { continue }
            let from = String(source)
            if let earlier = outputBytes[from], earlier != cost {
                // SPEC §8 expects one cost per source; differing ones become per-edge bytes.
                edges.append(Edge(from: from, to: String(destination), elements: cost * 8 / 32))
                outputBytes[from] = max(earlier, cost)
            } else {
                edges.append(Edge(from: from, to: String(destination)))
                outputBytes[from] = cost
            }
        }
        let nodeFields: Set = [
            "name", "id", "supportedOnFpga", "cpuLatency", "fpgaLatency", "isBackwardNode", "colorClass", "layerId", "size",
        ]
        let layers = (object.required("nodes")?.array() ?? []).compactMap { reader -> Layer? in
            guard let node = reader.object(fields: nodeFields), let id = node.required("id")?.integer(),
                let cpu = node.required("cpuLatency")?.number(), let accel = node.required("fpgaLatency")?.number()
            else { return nil }
            let onAccelerator = node.optional("supportedOnFpga").map(flag) ?? true
            var costs: [String: [String: Double]] = [:]
            if cpus > 0 { costs["cpu"] = ["fp32": cpu] }
            if onAccelerator, accelerators > 0 { costs["accel"] = ["fp32": accel] }
            let size = node.optional("size")?.number() ?? 0
            return Layer(
                name: String(id), op: node.optional("name")?.string(), params: size * 8 / 32,
                outputElements: (outputBytes[String(id)] ?? 0) * 8 / 32, costs: costs,
                group: node.optional("colorClass")?.integer().map { "color\($0)" })
        }
        try log.throwIfAny()
        return Instance(
            name: name, devices: devices,
            links: Links(mode: .hostStaged, intraServer: Link(bandwidth: 1, latency: 0)),
            layers: layers, edges: edges, objective: .throughput, commOverlap: false)
    }

    /// The paper writes booleans as true/false or 1/0.
    private static func flag(_ reader: JSONReader) -> Bool {
        switch reader.value {
        case .bool(let value): return value
        case .number(let value): return value != 0
        default:
            reader.error("expected true, false, 1 or 0")
            return false
        }
    }

    private static func fileStem(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.split(separator: ".").first.map(String.init) ?? file
    }
}
