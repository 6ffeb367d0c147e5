import Ingest
import PlacementModel

/// Servers of GPUs (`dnnplace-cluster/1`): each server holds counts of catalog kinds joined by
/// its own link (NVLink, PCIe); servers talk over one network. A server entry with `count`
/// stands for that many identical servers, named `name-0`, `name-1`, ... GPU kinds and named
/// links come from a device catalog, which the file names (`catalog`).
public struct Cluster: Sendable {
    public struct Server: Sendable, Equatable {
        public var name: String
        /// (kind, count) in the order the file lists them.
        public var gpus: [GPUCount]
        public var intraLink: Link

        public init(name: String, gpus: [GPUCount], intraLink: Link) {
            self.name = name
            self.gpus = gpus
            self.intraLink = intraLink
        }
    }

    public struct GPUCount: Sendable, Equatable, Hashable {
        public var kind: String
        public var count: Int
        public init(kind: String, count: Int) {
            self.kind = kind
            self.count = count
        }
    }

    /// Servers that are interchangeable: the same GPUs and the same link. A planner works per
    /// class, so the search does not grow with the number of identical machines.
    public struct ServerClass: Sendable {
        public var template: Server
        /// Indices into `servers`, in file order.
        public var members: [Int]
    }

    public var servers: [Server]
    public var network: Link
    public var catalog: DeviceCatalog

    public static let format = "dnnplace-cluster/1"

    public init(servers: [Server], network: Link, catalog: DeviceCatalog) {
        self.servers = servers
        self.network = network
        self.catalog = catalog
    }

    public var classes: [ServerClass] {
        var result: [ServerClass] = []
        for (index, server) in servers.enumerated() {
            let key = server.gpus.sorted { $0.kind < $1.kind }
            if let at = result.firstIndex(where: {
                $0.template.gpus.sorted { $0.kind < $1.kind } == key && $0.template.intraLink == server.intraLink
            }) {
                result[at].members.append(index)
            } else {
                result.append(ServerClass(template: server, members: [index]))
            }
        }
        return result
    }

    public var gpuCount: Int { servers.reduce(0) { $0 + $1.gpus.reduce(0) { $0 + $1.count } } }

    /// Reads a cluster. Its GPU kinds and links come from `catalog` when one is given, else from
    /// the catalog the file names (`catalog`, relative to the cluster file, as a machine's is).
    public static func load(path: String, catalog: DeviceCatalog? = nil) throws(InputError) -> Cluster {
        do {
            let json = try readJSON(path: path)
            let kinds = if let catalog { catalog } else { try namedCatalog(json, path: path) }
            return try Cluster(json: json, catalog: kinds)
        } catch {
            throw error.inFile(path)
        }
    }

    private static let fields: Set = ["format", "notes", "catalog", "servers", "network"]

    private static func namedCatalog(_ json: JSONValue, path: String) throws(InputError) -> DeviceCatalog {
        let log = DiagnosticLog()
        let object = JSONReader(json, log: log).object(fields: fields)
        if let object, !object.has("catalog") {
            object.reader.error("missing field 'catalog': the device catalog (dnnplace-devices/1) of its GPU kinds, relative to this file")
        }
        guard let name = object?.optional("catalog")?.string() else { throw InputError(log.diagnostics) }
        return try DeviceCatalog.load(path: resolvedPath(name, besideFile: path))
    }

    public init(json: JSONValue, catalog: DeviceCatalog) throws(InputError) {
        let log = DiagnosticLog()
        self.catalog = catalog
        servers = []
        network = Link(bandwidth: 1, latency: 0)
        let object = JSONReader(json, log: log).object(fields: Self.fields)
        if let format = object?.required("format"), let text = format.string(), text != Self.format {
            format.error("unsupported format '\(text)', expected '\(Self.format)'")
        }
        network = object?.required("network").flatMap { Self.link($0, catalog: catalog) } ?? network
        var names: Set<String> = []
        for (index, entry) in (object?.required("servers")?.array() ?? []).enumerated() {
            guard let fields = entry.object(fields: ["name", "count", "gpus", "intraLink"]) else { continue }
            let name = fields.optional("name")?.name() ?? "s\(index)"
            let copies = fields.optional("count")?.integer(minimum: 1) ?? 1
            let intraLink = fields.required("intraLink").flatMap { Self.link($0, catalog: catalog) } ?? Link(bandwidth: 1, latency: 0)
            var gpus: [GPUCount] = []
            for gpu in fields.required("gpus")?.array() ?? [] {
                guard let g = gpu.object(fields: ["kind", "count"]), let kind = g.required("kind")?.name() else { continue }
                if catalog.kinds[kind] == nil {
                    g.reader.error("unknown kind '\(kind)' (catalog: \(catalog.kinds.keys.sorted().joined(separator: ", ")))")
                } else if gpus.contains(where: { $0.kind == kind }) {
                    g.reader.error("kind '\(kind)' listed twice in one server; give one count")
                }
                gpus.append(GPUCount(kind: kind, count: g.optional("count")?.integer(minimum: 1) ?? 1))
            }
            if gpus.isEmpty { fields.reader.error("a server needs at least one GPU") }
            for copy in 0..<copies {
                let serverName = copies == 1 ? name : "\(name)-\(copy)"
                if !names.insert(serverName).inserted { fields.reader.error("duplicate server name '\(serverName)'") }
                servers.append(Server(name: serverName, gpus: gpus, intraLink: intraLink))
            }
        }
        if let object, servers.isEmpty, log.isEmpty { object.reader.error("a cluster needs at least one server") }
        try log.throwIfAny()
    }

    /// A link as {bandwidth, latency} or as the name of one of the catalog's links.
    private static func link(_ reader: JSONReader, catalog: DeviceCatalog) -> Link? {
        if case .string(let name) = reader.value {
            guard let link = catalog.links[name] else {
                reader.error("unknown link '\(name)' (catalog: \(catalog.links.keys.sorted().joined(separator: ", ")))")
                return nil
            }
            return link
        }
        guard let fields = reader.object(fields: ["bandwidth", "latency", "source"]),
            let bandwidth = fields.required("bandwidth")?.number(positive: true)
        else { return nil }
        return Link(bandwidth: bandwidth, latency: fields.optional("latency")?.number() ?? 0)
    }
}
