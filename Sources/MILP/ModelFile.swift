import CGLPK
import GLPKBridge

/// Models as files, through GLPK's readers and writers, so users can hand a model to any
/// other solver (CPLEX LP or free MPS, chosen by the file's extension).
public enum ModelFileFormat: Sendable {
    case lp, mps

    /// The format a path's extension names (`.lp`, `.mps`), or nil.
    public init?(path: String) {
        if path.hasSuffix(".lp") {
            self = .lp
        } else if path.hasSuffix(".mps") {
            self = .mps
        } else {
            return nil
        }
    }

    var bridgeCode: Int32 { self == .lp ? 0 : 1 }
}

public struct ModelFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

extension Model {
    /// Writes the model as CPLEX LP or free MPS (by the extension, unless `format` is given).
    /// MPS has no objective sense: a maximisation is written as minimising the negated objective.
    public func write(to path: String, format: ModelFileFormat? = nil) throws(ModelFileError) {
        guard let format = format ?? ModelFileFormat(path: path) else {
            throw ModelFileError(path: path, message: "unknown model format: use a .lp or .mps file name")
        }
        var written = self
        if format == .mps, sense == .maximize {
            written.setObjective(
                LinearExpression(objective.enumerated().map { .init(Variable(index: $0), -$1) }, constant: -objectiveConstant),
                .minimize)
        }
        var message = [CChar](repeating: 0, count: 256)
        let failed = written.withBridgeModel { model in
            dp_glpk_write(model, format.bridgeCode, path, &message, message.count)
        }
        if failed != 0 { throw ModelFileError(path: path, message: cText(message)) }
    }

    /// Reads a CPLEX LP or free MPS file (by the extension, unless `format` is given).
    public static func read(from path: String, format: ModelFileFormat? = nil) throws(ModelFileError) -> Model {
        guard let format = format ?? ModelFileFormat(path: path) else {
            throw ModelFileError(path: path, message: "unknown model format: use a .lp or .mps file name")
        }
        var message = [CChar](repeating: 0, count: 256)
        var handle: UnsafeMutableRawPointer?
        guard dp_glpk_read(format.bridgeCode, path, &handle, &message, message.count) == 0, let handle else {
            throw ModelFileError(path: path, message: cText(message))
        }
        defer { dp_glpk_free(handle) }
        return Model(glpk: OpaquePointer(handle), name: path)
    }

    /// Copies a problem GLPK has read (indices in it are 1-based).
    private init(glpk problem: OpaquePointer, name: String) {
        self.init(name: name)
        func bounds(_ type: Int32, _ lower: Double, _ upper: Double) -> (Double, Double) {
            switch type {
            case GLP_FR: (-.infinity, .infinity)
            case GLP_LO: (lower, .infinity)
            case GLP_UP: (-.infinity, upper)
            default: (lower, upper)
            }
        }
        func text(_ name: UnsafePointer<CChar>?) -> String { name.map { String(cString: $0) } ?? "" }
        let columns = Int(glp_get_num_cols(problem))
        var objective = LinearExpression(constant: glp_get_obj_coef(problem, 0))
        for j in 1...max(columns, 1) where j <= columns {
            let (lower, upper) = bounds(glp_get_col_type(problem, Int32(j)), glp_get_col_lb(problem, Int32(j)), glp_get_col_ub(problem, Int32(j)))
            let kind: Kind =
                switch glp_get_col_kind(problem, Int32(j)) {
                case GLP_BV: .binary
                case GLP_IV: .integer
                default: .continuous
                }
            let variable = addVariable(text(glp_get_col_name(problem, Int32(j))), lower: lower, upper: upper, kind: kind)
            objective.add(glp_get_obj_coef(problem, Int32(j)), variable)
        }
        setObjective(objective, glp_get_obj_dir(problem) == GLP_MAX ? .maximize : .minimize)
        var indices = [Int32](repeating: 0, count: columns + 1)
        var values = [Double](repeating: 0, count: columns + 1)
        for i in 1...max(Int(glp_get_num_rows(problem)), 1) where i <= Int(glp_get_num_rows(problem)) {
            let count = Int(glp_get_mat_row(problem, Int32(i), &indices, &values))
            let terms = (1...max(count, 1)).filter { $0 <= count }.map {
                LinearExpression.Term(Variable(index: Int(indices[$0]) - 1), values[$0])
            }
            let (lower, upper) = bounds(glp_get_row_type(problem, Int32(i)), glp_get_row_lb(problem, Int32(i)), glp_get_row_ub(problem, Int32(i)))
            addRow(terms, lower: lower, upper: upper, name: text(glp_get_row_name(problem, Int32(i))))
        }
    }
}
