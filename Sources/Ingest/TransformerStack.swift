/// A stack of transformer encoder blocks (BERT / ViT-style, post-norm) as layer work: token
/// embedding, then per block QKV projection, attention (QKᵀ, softmax, ·V), output projection,
/// add & norm, MLP up, GELU, MLP down, add & norm; the residual edges included. Sizes are for
/// one forward pass over `batch × sequence` tokens; biases are left out.
public enum TransformerStack {
    public struct Shape: Sendable {
        public var blocks: Int
        public var hidden: Int
        public var ffn: Int
        public var heads: Int
        public var sequence: Int
        public var batch: Int
        public var vocab: Int

        public init(blocks: Int, hidden: Int, ffn: Int, heads: Int, sequence: Int, batch: Int = 1, vocab: Int = 30_522) {
            self.blocks = blocks
            self.hidden = hidden
            self.ffn = ffn
            self.heads = heads
            self.sequence = sequence
            self.batch = batch
            self.vocab = vocab
        }
    }

    public static func network(_ shape: Shape) -> (works: [LayerWork], edges: [(Int, Int)]) {
        let tokens = Double(shape.batch * shape.sequence)
        let h = Double(shape.hidden)
        let f = Double(shape.ffn)
        let s = Double(shape.sequence)
        var works: [LayerWork] = []
        var edges: [(Int, Int)] = []
        func add(_ name: String, _ op: String, _ units: LayerWork.Units, flops: Double, input: Double, params: Double, output: Double, after inputs: [Int]) -> Int {
            works.append(LayerWork(name: name, op: op, units: units, flops: flops, inputElements: input, params: params, outputElements: output))
            edges += inputs.map { ($0, works.count - 1) }
            return works.count - 1
        }
        var hiddenState = add(
            "embedding", "Gather", .vector, flops: 0, input: tokens, params: Double(shape.vocab) * h, output: tokens * h, after: [])
        for b in 0..<shape.blocks {
            let p = "block\(b)_"
            let qkv = add(p + "qkv", "MatMul", .tensor, flops: 2 * tokens * h * 3 * h, input: tokens * h, params: 3 * h * h, output: tokens * 3 * h, after: [hiddenState])
            // QKᵀ and the weighted sum of V: 2 · 2 · tokens · s · h FLOPs; softmax over heads · s² scores.
            let attention = add(
                p + "attention", "Attention", .tensor, flops: 4 * tokens * s * h + 5 * tokens * s * Double(shape.heads),
                input: tokens * 3 * h, params: 0, output: tokens * h, after: [qkv])
            let projection = add(p + "proj", "MatMul", .tensor, flops: 2 * tokens * h * h, input: tokens * h, params: h * h, output: tokens * h, after: [attention])
            let norm1 = add(p + "add_norm1", "LayerNormalization", .vector, flops: 8 * tokens * h, input: 2 * tokens * h, params: 2 * h, output: tokens * h, after: [hiddenState, projection])
            let up = add(p + "mlp_up", "MatMul", .tensor, flops: 2 * tokens * h * f, input: tokens * h, params: h * f, output: tokens * f, after: [norm1])
            let gelu = add(p + "gelu", "Gelu", .vector, flops: 8 * tokens * f, input: tokens * f, params: 0, output: tokens * f, after: [up])
            let down = add(p + "mlp_down", "MatMul", .tensor, flops: 2 * tokens * f * h, input: tokens * f, params: f * h, output: tokens * h, after: [gelu])
            hiddenState = add(p + "add_norm2", "LayerNormalization", .vector, flops: 8 * tokens * h, input: 2 * tokens * h, params: 2 * h, output: tokens * h, after: [norm1, down])
        }
        return (works, edges)
    }
}
