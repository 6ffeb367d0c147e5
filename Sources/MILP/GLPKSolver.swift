import Foundation
import GLPKBridge

/// GLPK 5 through the C bridge in solvers/GLPKBridge, which guards every GLPK call (GLPK aborts
/// the process on misuse) and keeps a problem's whole life on the calling thread (GLPK's state
/// is per thread), so concurrent solves on different threads are safe.
public struct GLPKSolver: MILPSolver {
    public let name = "glpk"
    public init() {}

    public func run(_ model: Model, _ options: SolveOptions) -> SolveResult {
        var values = [Double](repeating: 0, count: model.columnCount)
        var raw = dp_result()
        let warmStart = options.warmStart
        model.withBridgeModel { bridgeModel in
            values.withUnsafeMutableBufferPointer { valueBuffer in
                raw.values = valueBuffer.baseAddress
                withOptionalPointer(warmStart) { start in
                    var bridgeOptions = dp_glpk_options(
                        time_limit: options.timeLimit ?? 0, relative_gap: options.relativeGap,
                        verbose: options.verbose ? 1 : 0, warm_start: start)
                    dp_glpk_solve(bridgeModel, &bridgeOptions, &raw)
                }
                raw.values = nil
            }
        }
        let message = withUnsafeBytes(of: raw.message) { cText(Array($0.bindMemory(to: CChar.self))) }
        let status: SolveResult.Status =
            switch Int(raw.status) {
            case Int(DP_OPTIMAL): .optimal
            case Int(DP_FEASIBLE): .feasible
            case Int(DP_INFEASIBLE): .infeasible
            case Int(DP_UNBOUNDED): .unbounded
            case Int(DP_NO_SOLUTION): .noSolution
            default: .error
            }
        let hasValues = status == .optimal || status == .feasible
        return SolveResult(
            status: status, objective: hasValues ? raw.objective : nil, bound: raw.bound.isNaN ? nil : raw.bound,
            nodes: raw.nodes, values: hasValues ? values : nil, message: message.isEmpty ? nil : message)
    }
}

private func withOptionalPointer<R>(_ array: [Double]?, _ body: (UnsafePointer<Double>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}

extension Model {
    /// Calls `body` with the model laid out as the C bridge's `dp_model`, valid only inside it.
    func withBridgeModel<R>(_ body: (UnsafePointer<dp_model>) -> R) -> R {
        let integer = columnKind.map { CChar($0 == .continuous ? 0 : 1) }
        let columnNames = ModelNames.sanitized(columnNames, prefix: "x")
        let rowNames = ModelNames.sanitized(rowNames, prefix: "r")
        let rowStart = rowStart.map(Int32.init)
        let rowColumns = rowColumns.map(Int32.init)
        return columnNames.withCStrings { columnNamePointers in
            rowNames.withCStrings { rowNamePointers in
                var model = dp_model()
                model.num_cols = Int32(columnCount)
                model.num_rows = Int32(rowCount)
                model.num_nonzeros = Int32(nonzeroCount)
                model.objective_constant = objectiveConstant
                model.maximize = sense == .maximize ? 1 : 0
                return columnLower.withUnsafeBufferPointer { columnLower in
                    columnUpper.withUnsafeBufferPointer { columnUpper in
                        objective.withUnsafeBufferPointer { objective in
                            integer.withUnsafeBufferPointer { integer in
                                rowLower.withUnsafeBufferPointer { rowLower in
                                    rowUpper.withUnsafeBufferPointer { rowUpper in
                                        rowStart.withUnsafeBufferPointer { rowStart in
                                            rowColumns.withUnsafeBufferPointer { rowColumns in
                                                rowValues.withUnsafeBufferPointer { rowValues in
                                                    model.col_lower = columnLower.baseAddress
                                                    model.col_upper = columnUpper.baseAddress
                                                    model.objective = objective.baseAddress
                                                    model.col_is_integer = integer.baseAddress
                                                    model.row_lower = rowLower.baseAddress
                                                    model.row_upper = rowUpper.baseAddress
                                                    model.row_start = rowStart.baseAddress
                                                    model.col_index = rowColumns.baseAddress
                                                    model.value = rowValues.baseAddress
                                                    model.col_names = columnNamePointers
                                                    model.row_names = rowNamePointers
                                                    return body(&model)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Names that LP and MPS files accept: letters, digits and `_.[]`, at most 255 characters,
/// unique; an empty or clashing name gets a generated one.
enum ModelNames {
    static func sanitized(_ names: [String], prefix: String) -> [String] {
        var used = Set<String>()
        return names.enumerated().map { index, name in
            var clean = String(name.unicodeScalars.map { scalar -> Character in
                let allowed = scalar.properties.isAlphabetic && scalar.isASCII || ("0"..."9").contains(scalar)
                    || "_.[]".unicodeScalars.contains(scalar)
                return allowed ? Character(scalar) : "_"
            }.prefix(200))
            if clean.isEmpty || clean.first!.isNumber || clean.first == "." || !used.insert(clean).inserted {
                clean = "\(prefix)\(index)_\(clean)"
                used.insert(clean)
            }
            return clean
        }
    }
}

extension [String] {
    /// Calls `body` with a C array of C strings, freed afterwards.
    func withCStrings<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        let pointers = map { UnsafePointer(strdup($0)) }
        defer { pointers.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
        return pointers.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: count) { body($0) }
        }
    }
}

/// The text of a NUL-terminated C character buffer.
func cText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
