import PlacementModel

/// A decoder-only transformer described by its shape (`dnnplace-llm/1`), Llama-style: RMSNorm
/// before attention and MLP, grouped-query attention, an optionally gated MLP, an input
/// embedding and an output head. Parameter and byte counts follow from the shape alone, so a
/// user can add a model by copying its `config.json` figures.
public struct LanguageModel: Sendable, Equatable {
    public var name: String
    public var layers: Int
    public var hidden: Int
    public var ffn: Int
    public var heads: Int
    public var kvHeads: Int
    public var vocab: Int
    /// SwiGLU-style MLP: gate, up and down projections (three matrices) instead of two.
    public var gatedMLP: Bool
    /// The output head reuses the embedding matrix (no extra parameters; a pipeline whose last
    /// stage is not its first still holds a copy).
    public var tiedEmbeddings: Bool

    public static let format = "dnnplace-llm/1"

    public init(
        name: String, layers: Int, hidden: Int, ffn: Int, heads: Int, kvHeads: Int, vocab: Int, gatedMLP: Bool,
        tiedEmbeddings: Bool = false
    ) {
        self.name = name
        self.layers = layers
        self.hidden = hidden
        self.ffn = ffn
        self.heads = heads
        self.kvHeads = kvHeads
        self.vocab = vocab
        self.gatedMLP = gatedMLP
        self.tiedEmbeddings = tiedEmbeddings
    }

    public var headDim: Int { hidden / heads }
    /// Width of the key (or value) projection: grouped-query attention shares kvHeads heads.
    public var kvWidth: Int { kvHeads * headDim }
    /// Weight matrices of the MLP: 3 when gated, else 2.
    public var mlpMatrices: Int { gatedMLP ? 3 : 2 }

    /// Q and O projections (hidden × hidden) plus K and V (hidden × kvWidth), no biases.
    public var attentionParameters: Double { Double(2 * hidden * hidden + 2 * hidden * kvWidth) }
    public var mlpParameters: Double { Double(mlpMatrices * hidden * ffn) }
    /// One transformer layer: attention, MLP and its two RMSNorm weight vectors.
    public var layerParameters: Double { attentionParameters + mlpParameters + Double(2 * hidden) }
    public var embeddingParameters: Double { Double(vocab * hidden) }
    /// Output projection plus the final norm.
    public var headParameters: Double { (tiedEmbeddings ? 0 : Double(vocab * hidden)) + Double(hidden) }
    public var parameters: Double { Double(layers) * layerParameters + embeddingParameters + headParameters }

    /// KV-cache bytes one token adds to one layer: a key and a value vector per KV head.
    public func kvBytesPerToken(bytesPerValue: Double) -> Double { 2 * Double(kvHeads * headDim) * bytesPerValue }

    public static func load(path: String) throws(InputError) -> LanguageModel {
        do {
            return try LanguageModel(json: readJSON(path: path))
        } catch {
            throw error.inFile(path)
        }
    }

    public init(json: JSONValue) throws(InputError) {
        let log = DiagnosticLog()
        let fields: Set = [
            "format", "name", "layers", "hidden", "ffn", "heads", "kvHeads", "vocab", "gatedMLP", "tiedEmbeddings", "source",
        ]
        let object = JSONReader(json, log: log).object(fields: fields)
        if let format = object?.required("format"), let text = format.string(), text != Self.format {
            format.error("unsupported format '\(text)', expected '\(Self.format)'")
        }
        func count(_ key: String) -> Int { object?.required(key)?.integer(minimum: 1) ?? 1 }
        name = object?.required("name")?.name() ?? ""
        layers = count("layers")
        hidden = count("hidden")
        ffn = count("ffn")
        heads = count("heads")
        kvHeads = object?.optional("kvHeads")?.integer(minimum: 1) ?? heads
        vocab = count("vocab")
        gatedMLP = object?.optional("gatedMLP")?.bool() ?? false
        tiedEmbeddings = object?.optional("tiedEmbeddings")?.bool() ?? false
        if let object, log.isEmpty {
            if hidden % heads != 0 {
                object.reader.error("hidden (\(hidden)) must be a multiple of heads (\(heads))")
            }
            if heads % kvHeads != 0 {
                object.reader.error("heads (\(heads)) must be a multiple of kvHeads (\(kvHeads))")
            }
        }
        try log.throwIfAny()
    }
}
