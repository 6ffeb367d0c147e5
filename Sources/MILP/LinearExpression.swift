/// A column of a `Model`.
public struct Variable: Hashable, Sendable {
    public let index: Int
    public init(index: Int) { self.index = index }
}

/// `Σ coefficient · variable + constant`. Terms may repeat a variable; the model merges them.
public struct LinearExpression: Sendable {
    public var terms: [Term]
    public var constant: Double

    public struct Term: Sendable, Equatable {
        public var variable: Variable
        public var coefficient: Double
        public init(_ variable: Variable, _ coefficient: Double) {
            self.variable = variable
            self.coefficient = coefficient
        }
    }

    public init(_ terms: [Term] = [], constant: Double = 0) {
        self.terms = terms
        self.constant = constant
    }

    public init(_ variable: Variable) { self.init([Term(variable, 1)]) }

    /// Σ coefficient · variable over pairs.
    public static func sum(_ pairs: some Sequence<(Variable, Double)>) -> LinearExpression {
        LinearExpression(pairs.map { Term($0.0, $0.1) })
    }

    public static func sum(_ variables: some Sequence<Variable>) -> LinearExpression {
        LinearExpression(variables.map { Term($0, 1) })
    }

    public mutating func add(_ coefficient: Double, _ variable: Variable) {
        terms.append(Term(variable, coefficient))
    }

    public static func + (a: LinearExpression, b: LinearExpression) -> LinearExpression {
        LinearExpression(a.terms + b.terms, constant: a.constant + b.constant)
    }
    public static func - (a: LinearExpression, b: LinearExpression) -> LinearExpression { a + (-1) * b }
    public static func + (a: LinearExpression, b: Double) -> LinearExpression {
        LinearExpression(a.terms, constant: a.constant + b)
    }
    public static func - (a: LinearExpression, b: Double) -> LinearExpression { a + (-b) }
    public static func * (k: Double, a: LinearExpression) -> LinearExpression {
        LinearExpression(a.terms.map { Term($0.variable, k * $0.coefficient) }, constant: k * a.constant)
    }
    public static prefix func - (a: LinearExpression) -> LinearExpression { (-1) * a }
    public static func += (a: inout LinearExpression, b: LinearExpression) {
        a.terms += b.terms
        a.constant += b.constant
    }

    public static func <= (a: LinearExpression, b: LinearExpression) -> LinearConstraint {
        LinearConstraint(a - b, lower: -.infinity, upper: 0)
    }
    public static func >= (a: LinearExpression, b: LinearExpression) -> LinearConstraint {
        LinearConstraint(a - b, lower: 0, upper: .infinity)
    }
    public static func == (a: LinearExpression, b: LinearExpression) -> LinearConstraint {
        LinearConstraint(a - b, lower: 0, upper: 0)
    }
    public static func <= (a: LinearExpression, b: Double) -> LinearConstraint { a <= LinearExpression(constant: b) }
    public static func >= (a: LinearExpression, b: Double) -> LinearConstraint { a >= LinearExpression(constant: b) }
    public static func == (a: LinearExpression, b: Double) -> LinearConstraint { a == LinearExpression(constant: b) }
}

public func * (k: Double, v: Variable) -> LinearExpression { LinearExpression([.init(v, k)]) }
public func + (a: Variable, b: Variable) -> LinearExpression { LinearExpression(a) + LinearExpression(b) }
public func + (a: LinearExpression, b: Variable) -> LinearExpression { a + LinearExpression(b) }
public func - (a: LinearExpression, b: Variable) -> LinearExpression { a - LinearExpression(b) }
public func - (a: Variable, b: Variable) -> LinearExpression { LinearExpression(a) - LinearExpression(b) }

/// `lower ≤ expression ≤ upper`, with the expression's constant still inside; the model moves it.
public struct LinearConstraint: Sendable {
    public var expression: LinearExpression
    public var lower: Double
    public var upper: Double

    public init(_ expression: LinearExpression, lower: Double, upper: Double) {
        self.expression = expression
        self.lower = lower
        self.upper = upper
    }
}
