import PlacementModel

/// Device kinds and links with their public figures (`dnnplace-devices/1`), and machines built
/// from them (`dnnplace-machine/1`: servers holding counts of kinds, which links join them).
public struct DeviceCatalog: Sendable {
    public struct Kind: Sendable, Equatable {
        public var kind: String
        public var memory: Double
        public var memoryBandwidth: Double
        public var kernelOverhead: Double
        public var computeEfficiency: Double
        public var memoryEfficiency: Double
        /// FLOP/s per precision on the matrix units (Conv, Gemm, MatMul) and the general units.
        public var tensorPeak: [String: Double]
        public var vectorPeak: [String: Double]

        /// The precisions the kind can run anything at.
        public var precisions: Set<String> { Set(tensorPeak.keys).union(vectorPeak.keys) }
    }

    public var kinds: [String: Kind]
    public var links: [String: Link]

    public static let format = "dnnplace-devices/1"

    public static func load(path: String) throws(InputError) -> DeviceCatalog {
        do {
            return try DeviceCatalog(json: readJSON(path: path))
        } catch {
            throw error.inFile(path)
        }
    }

    public init(json: JSONValue) throws(InputError) {
        let log = DiagnosticLog()
        kinds = [:]
        links = [:]
        if let object = JSONReader(json, log: log).object(fields: ["format", "notes", "kinds", "links"]) {
            if let format = object.optional("format"), let text = format.string(), text != Self.format {
                format.error("unsupported format '\(text)', expected '\(Self.format)'")
            }
            for reader in object.required("kinds")?.array() ?? [] {
                if let kind = Self.kind(reader) {
                    if kinds[kind.kind] != nil { reader.error("duplicate kind '\(kind.kind)'") }
                    kinds[kind.kind] = kind
                }
            }
            for (name, reader) in object.optional("links")?.members() ?? [] {
                guard let link = reader.object(fields: ["bandwidth", "latency", "source"]),
                    let bandwidth = link.required("bandwidth")?.number(positive: true),
                    let latency = link.required("latency")?.number()
                else { continue }
                links[name] = Link(bandwidth: bandwidth, latency: latency)
            }
        }
        try log.throwIfAny()
    }

    private static func kind(_ reader: JSONReader) -> Kind? {
        let fields: Set = ["kind", "memory", "memoryBandwidth", "kernelOverhead", "efficiency", "peak", "source"]
        guard let object = reader.object(fields: fields) else { return nil }
        let name = object.required("kind")?.name()
        let memory = object.required("memory")?.number(positive: true)
        let bandwidth = object.required("memoryBandwidth")?.number(positive: true)
        let overhead = object.optional("kernelOverhead")?.number() ?? 0
        let efficiency = object.optional("efficiency")?.object(fields: ["compute", "memory"])
        let compute = efficiency?.optional("compute")?.number(positive: true) ?? 1
        let memoryEfficiency = efficiency?.optional("memory")?.number(positive: true) ?? 1
        var tensor: [String: Double] = [:]
        var vector: [String: Double] = [:]
        if let peak = object.required("peak")?.object(fields: ["tensor", "vector"]) {
            for (precision, rate) in peak.optional("tensor")?.members() ?? [] { tensor[precision] = rate.number(positive: true) }
            for (precision, rate) in peak.optional("vector")?.members() ?? [] { vector[precision] = rate.number(positive: true) }
            if vector.isEmpty { peak.reader.error("a kind needs vector peaks (the units every op can use)") }
        }
        guard let name, let memory, let bandwidth else { return nil }
        return Kind(
            kind: name, memory: memory, memoryBandwidth: bandwidth, kernelOverhead: overhead, computeEfficiency: compute,
            memoryEfficiency: memoryEfficiency, tensorPeak: tensor, vectorPeak: vector)
    }
}

/// Servers holding devices of catalog kinds, and the links within and between servers.
public struct Machine: Sendable {
    public var catalog: DeviceCatalog
    /// Per server: its name and (kind, count) pairs.
    public var servers: [(name: String, devices: [(kind: String, count: Int)])]
    public var intraServer: Link
    public var interServer: Link

    public static let format = "dnnplace-machine/1"

    /// Reads a machine; its `catalog` path is relative to the machine file.
    public static func load(path: String) throws(InputError) -> Machine {
        let json = try readJSON(path: path)
        let log = DiagnosticLog()
        let fields: Set = ["format", "notes", "catalog", "servers", "intraServer", "interServer"]
        guard let object = JSONReader(json, log: log).object(fields: fields) else { throw InputError(log.diagnostics).inFile(path) }
        if let format = object.optional("format"), let text = format.string(), text != Machine.format {
            if text == DeviceCatalog.format {
                format.error("this is a device catalog; --devices takes a machine (\(Machine.format)) that names one")
            } else {
                format.error("unsupported format '\(text)', expected '\(Machine.format)'")
            }
        }
        let catalogPath = resolvedPath(object.required("catalog")?.string() ?? "catalog.json", besideFile: path)
        try log.throwIfAny()
        let catalog = try DeviceCatalog.load(path: catalogPath)
        var servers: [(name: String, devices: [(kind: String, count: Int)])] = []
        for (index, server) in (object.required("servers")?.array() ?? []).enumerated() {
            guard let fields = server.object(fields: ["name", "devices"]) else { continue }
            var devices: [(kind: String, count: Int)] = []
            for entry in fields.required("devices")?.array() ?? [] {
                guard let device = entry.object(fields: ["kind", "count"]), let kind = device.required("kind")?.name() else { continue }
                if catalog.kinds[kind] == nil {
                    device.reader.error("unknown kind '\(kind)' (catalog: \(catalog.kinds.keys.sorted().joined(separator: ", ")))")
                }
                devices.append((kind, device.optional("count")?.integer(minimum: 1) ?? 1))
            }
            servers.append((fields.optional("name")?.name() ?? "server\(index)", devices))
        }
        func link(_ key: String) -> Link {
            guard let reader = object.required(key), let name = reader.string() else { return Link(bandwidth: 1, latency: 0) }
            guard let link = catalog.links[name] else {
                reader.error("unknown link '\(name)' (catalog: \(catalog.links.keys.sorted().joined(separator: ", ")))")
                return Link(bandwidth: 1, latency: 0)
            }
            return link
        }
        let machine = Machine(catalog: catalog, servers: servers, intraServer: link("intraServer"), interServer: link("interServer"))
        do {
            try log.throwIfAny()
        } catch {
            throw error.inFile(path)
        }
        return machine
    }

    /// The devices, named `kind-i` (prefixed `server/` when there are several servers).
    public func devices(precisions: [String]) -> [Device] {
        servers.flatMap { server in
            server.devices.flatMap { entry in
                (0..<entry.count).map { i -> Device in
                    let kind = catalog.kinds[entry.kind]!
                    let prefix = servers.count > 1 ? "\(server.name)/" : ""
                    return Device(
                        name: "\(prefix)\(entry.kind)-\(i)", kind: entry.kind, server: server.name, memory: kind.memory,
                        precisions: precisions.filter(kind.precisions.contains))
                }
            }
        }
    }
}
