import Foundation
import PlacementModel
import SwiftProtobuf

/// An ONNX model's main graph in plain Swift, decoupled from the generated protobuf types:
/// nodes with their attributes, initializers (weights: shapes always, values only when small
/// and stored inline, since weights are often external or stripped), the declared inputs, and
/// whatever shapes the file states (`value_info`, graph outputs).
public struct ONNXGraph: Sendable {
    public enum Attribute: Sendable {
        case int(Int)
        case ints([Int])
        case float(Double)
        case floats([Double])
        case string(String)
        case tensor(ONNXTensor)
        case unsupported
    }

    public struct Node: Sendable {
        public var name: String
        public var op: String
        public var inputs: [String]
        public var outputs: [String]
        public var attributes: [String: Attribute]

        func int(_ key: String) -> Int? { if case .int(let v) = attributes[key] { v } else { nil } }
        func ints(_ key: String) -> [Int]? { if case .ints(let v) = attributes[key] { v } else { nil } }
        func float(_ key: String) -> Double? { if case .float(let v) = attributes[key] { v } else { nil } }
        func floats(_ key: String) -> [Double]? { if case .floats(let v) = attributes[key] { v } else { nil } }
        func string(_ key: String) -> String? { if case .string(let v) = attributes[key] { v } else { nil } }
        /// The i-th input's name, nil when absent or empty (ONNX marks skipped optional inputs by "").
        func input(_ i: Int) -> String? { i < inputs.count && !inputs[i].isEmpty ? inputs[i] : nil }
    }

    /// A declared graph input: its dimensions, each a number or a symbolic name.
    public struct Input: Sendable {
        public var name: String
        public var dims: [Dimension]
        public var elementBytes: Int
    }

    public enum Dimension: Sendable, Equatable {
        case value(Int)
        case symbol(String)
    }

    public var name: String
    public var opset: Int
    public var nodes: [Node]
    public var initializers: [String: ONNXTensor]
    /// Inputs that are not initializers: the data the model is run on.
    public var inputs: [Input]
    /// Shapes the file states for intermediate tensors and outputs (fully known ones only).
    public var statedShapes: [String: [Int]]

    public static func load(path: String) throws(InputError) -> ONNXGraph {
        let data = try readFile(path: path)
        do {
            return try ONNXGraph(data: data)
        } catch {
            throw error.inFile(path)
        }
    }

    public init(data: Data) throws(InputError) {
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw InputError("not a readable ONNX model: the protobuf data is \(Self.describe(error))")
        }
        guard model.hasGraph, !model.graph.node.isEmpty else {
            throw InputError("not an ONNX model: no graph with nodes (is this the right file?)")
        }
        guard model.irVersion > 0 else { throw InputError("not an ONNX model: no IR version") }
        let graph = model.graph
        name = graph.name
        opset = Int(model.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }?.version ?? 0)
        var initializers: [String: ONNXTensor] = [:]
        for tensor in graph.initializer { initializers[tensor.name] = ONNXTensor(tensor) }
        self.initializers = initializers
        inputs = graph.input.filter { initializers[$0.name] == nil }.map { value in
            let tensor = value.type.tensorType
            return Input(
                name: value.name,
                dims: tensor.shape.dim.map {
                    if case .dimValue(let v)? = $0.value { return .value(Int(v)) }
                    return .symbol($0.dimParam)
                }, elementBytes: ONNXTensor.elementBytes(Int(tensor.elemType)))
        }
        var stated: [String: [Int]] = [:]
        for value in graph.valueInfo + graph.output where value.type.tensorType.hasShape {
            let dims = value.type.tensorType.shape.dim.map { dimension -> Int? in
                if case .dimValue(let v)? = dimension.value { return Int(v) }
                return nil
            }
            if dims.allSatisfy({ $0 != nil }) { stated[value.name] = dims.map { $0! } }
        }
        statedShapes = stated
        nodes = graph.node.enumerated().map { index, node in
            var attributes: [String: Attribute] = [:]
            for attribute in node.attribute {
                attributes[attribute.name] =
                    switch attribute.type {
                    case .int: .int(Int(attribute.i))
                    case .ints: .ints(attribute.ints.map { Int($0) })
                    case .float: .float(Double(attribute.f))
                    case .floats: .floats(attribute.floats.map { Double($0) })
                    case .string: .string(String(decoding: attribute.s, as: UTF8.self))
                    case .tensor: .tensor(ONNXTensor(attribute.t))
                    default: .unsupported
                    }
            }
            return Node(
                name: node.name.isEmpty ? "\(node.opType)_\(index)" : node.name, op: node.opType, inputs: node.input, outputs: node.output,
                attributes: attributes)
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error as? BinaryDecodingError {
        case .truncated?: "truncated (the file ends in the middle of a field)"
        case .malformedProtobuf?: "malformed (not protobuf, or corrupted)"
        case .invalidUTF8?: "corrupted (a text field is not UTF-8)"
        default: "unreadable (\(error))"
        }
    }
}

/// A tensor's static facts: shape, element size, and its values when they are known and small
/// (shape arithmetic needs them; weights stay value-less).
public struct ONNXTensor: Sendable, Equatable {
    public var shape: [Int]?
    public var elementBytes: Int
    public var values: [Double]?

    public init(shape: [Int]?, elementBytes: Int, values: [Double]? = nil) {
        self.shape = shape
        self.elementBytes = elementBytes
        self.values = values
    }

    /// Elements of the shape; nil when unknown, negative or too large to count (a malformed file).
    public var elements: Int? {
        guard let shape else { return nil }
        var product = 1
        for dim in shape {
            let (next, overflow) = product.multipliedReportingOverflow(by: dim)
            guard dim >= 0, !overflow else { return nil }
            product = next
        }
        return product
    }

    /// Values are kept for tensors up to this many elements.
    static let smallTensor = 4096

    /// Bytes per element of an ONNX element type (TensorProto.DataType); 4 when unknown.
    static func elementBytes(_ type: Int) -> Int {
        switch type {
        case 2, 3, 9: 1  // uint8, int8, bool
        case 4, 5, 10, 16: 2  // uint16, int16, float16, bfloat16
        case 7, 11, 13: 8  // int64, double, uint64
        case 17, 18, 19, 20: 1  // float8 variants
        case 21, 22: 1  // uint4/int4, counted as bytes
        default: 4
        }
    }

    init(_ proto: Onnx_TensorProto) {
        shape = proto.dims.map { Int($0) }
        elementBytes = Self.elementBytes(Int(proto.dataType))
        guard let count = elements, count <= Self.smallTensor, proto.dataLocation != .external else { return }
        let raw = [UInt8](proto.rawData)
        func decode<T>(_ type: T.Type, _ convert: (T) -> Double) -> [Double]? {
            guard raw.count == count * MemoryLayout<T>.size else { return nil }
            return raw.withUnsafeBytes { buffer in (0..<count).map { convert(buffer.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) } }
        }
        let decoded: [Double]? =
            switch proto.dataType {
            case 1: raw.isEmpty ? proto.floatData.map { Double($0) } : decode(Float.self) { Double($0) }
            case 11: raw.isEmpty ? proto.doubleData : decode(Double.self) { $0 }
            case 7: raw.isEmpty ? proto.int64Data.map { Double($0) } : decode(Int64.self) { Double(Int64(littleEndian: $0)) }
            case 6: raw.isEmpty ? proto.int32Data.map { Double($0) } : decode(Int32.self) { Double(Int32(littleEndian: $0)) }
            case 3: raw.isEmpty ? proto.int32Data.map { Double($0) } : decode(Int8.self) { Double($0) }
            case 2, 9: raw.isEmpty ? proto.int32Data.map { Double($0) } : decode(UInt8.self) { Double($0) }
            default: nil
            }
        if let decoded, decoded.count == count { values = decoded }
    }
}
